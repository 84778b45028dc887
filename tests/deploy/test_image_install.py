"""The image installs the project as a wheel, not editable, and names the folder of what the
service reads beside its package (policies.polar, migrations/, schema.graphql)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_image_installs_the_project_as_a_wheel_and_names_its_resources():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()

    assert "pip install --no-deps --no-build-isolation . " in dockerfile
    assert " -e ." not in dockerfile
    assert "SERVICE_RESOURCES_DIR=/app" in dockerfile


def test_the_resources_are_where_SERVICE_RESOURCES_DIR_says(tmp_path):
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from service import resources as r;"
            "print(r.POLICY_FILE, r.MIGRATIONS_DIR, r.SCHEMA_FILE, sep='\\n')",
        ],
        env={**os.environ, "SERVICE_RESOURCES_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()

    assert shown == [
        str(tmp_path / "policies.polar"),
        str(tmp_path / "migrations"),
        str(tmp_path / "schema.graphql"),
    ]


def test_without_it_they_are_the_checkouts():
    from service import resources

    assert resources.POLICY_FILE == ROOT / "policies.polar"
    assert resources.MIGRATIONS_DIR.is_dir()
