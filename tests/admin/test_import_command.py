"""`service import clients FILE --jobcenter SLUG`: the same import from the command line, as the
database owner, in a real process."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.admin.conftest import clients_of, owner_rows
from tests.admin.test_import import GOOD_CSV

SERVICE = [sys.executable, "-m", "service.cli"]


def _run(args, owner_url, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("TOKEN_")}
    env.update(
        DATABASE_URL=owner_url.render_as_string(hide_password=False),
        SERVICE_DEV_MODE="true",
        SERVICE_DATA_DIR=str(tmp_path),
    )
    return subprocess.run(SERVICE + args, env=env, capture_output=True, text=True, timeout=60)


async def test_the_command_imports_a_file_and_records_the_writes(factories, owner_url, tmp_path):
    jobcenter = await factories.jobcenter()
    path = tmp_path / "kunden.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_CSV.encode())

    result = _run(
        ["import", "clients", str(path), "--jobcenter", jobcenter.slug], owner_url, tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert "imported 2 clients" in result.stdout
    stored = await clients_of(owner_url, jobcenter)
    assert len(stored) == 2
    recorded = await owner_rows(
        owner_url,
        "SELECT operation, fields FROM audit_records WHERE subject_id = :s AND action = 'write'",
        s=stored[0]["id"],
    )
    assert [row["operation"] for row in recorded] == ["ImportClientsCommand"]


async def test_a_bad_file_imports_nothing_and_names_rows_not_values(factories, owner_url, tmp_path):
    jobcenter = await factories.jobcenter()
    path = tmp_path / "kunden.csv"
    path.write_text(GOOD_CSV.replace("20095", "2009X"), encoding="utf-8")

    result = _run(
        ["import", "clients", str(path), "--jobcenter", jobcenter.slug], owner_url, tmp_path
    )

    assert result.returncode == 1
    assert "row 2 postal_code: VALIDATION" in result.stderr
    assert "2009X" not in result.stderr and "Importfeld" not in result.stderr
    assert await clients_of(owner_url, jobcenter) == []
