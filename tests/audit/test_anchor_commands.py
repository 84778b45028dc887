"""The anchoring commands as an operator and an outside verifier use them: real processes.

The operator anchors and exports from the database; the verifier gets the anchors, the
published key and the export, and checks them in a process with no database configured at all.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.audit.anchor_keys import public_pem
from service.audit.anchors import AnchorDirectory
from service.audit.recorder import append
from service.db.admin import drop_database, ensure_database
from service.db.migrate import upgrade_to_head
from tests.audit.chains import request_reads
from tests.audit.test_anchors import JOBCENTER_GONE, SHORTENED
from tests.served import free_port

SERVICE = [sys.executable, "-m", "service.cli"]
CHECKED = ["--anchors", "{tmp}/anchors", "--public-key", "{tmp}/public.pem"]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(SERVICE + args, env=env, capture_output=True, text=True, timeout=120)


def _pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _bare_env(data_dir) -> dict[str, str]:
    """No database, no anchoring, no token settings: an outsider's machine."""
    prefixes = ("TOKEN_", "DATABASE_", "AUDIT_", "SERVICE_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return env | {"SERVICE_DATA_DIR": str(data_dir)}


@pytest.fixture
def operator(server_url, tmp_path):
    """A database of its own with two jobcenters of three requests each, and the operator's
    environment: the owner's URL, an anchor directory and the anchor key in a file."""
    name = f"casework_anchors_{uuid.uuid4().hex[:8]}"
    north, south = uuid.uuid4(), uuid.uuid4()

    async def prepare():
        url = await ensure_database(server_url, name)
        await upgrade_to_head(url)
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.begin() as conn:
            for tenant_id, slug in ((north, "jc-nord"), (south, "jc-sued")):
                await conn.execute(
                    text("INSERT INTO tenants (id, slug, name) VALUES (:t, :s, :s)"),
                    {"t": tenant_id, "s": slug},
                )
                events = [e for n in range(3) for e in request_reads(tenant_id, n)]
                await append(conn, events)
        return url, engine

    url, engine = asyncio.run(prepare())
    key_file = tmp_path / "anchor-key.pem"
    key_file.write_bytes(_pem(Ed25519PrivateKey.generate()))
    env = _bare_env(tmp_path / "operator-data") | {
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "SERVICE_DEV_MODE": "true",
        "AUDIT_ANCHOR_DIR": str(tmp_path / "anchors"),
        "AUDIT_ANCHOR_KEY_FILE": str(key_file),
    }
    yield env, engine, north, south
    asyncio.run(engine.dispose())
    asyncio.run(drop_database(server_url, name))


async def _tamper(engine, statements, tenant_id) -> None:
    async with engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement), {"t": tenant_id})


def _verify_offline(tmp_path, export) -> subprocess.CompletedProcess[str]:
    outsider = tmp_path / "outsider"
    result = _run(
        [
            "audit",
            "verify",
            "--anchors",
            str(tmp_path / "anchors"),
            "--export",
            str(export),
            "--public-key",
            str(tmp_path / "public.pem"),
        ],
        _bare_env(outsider),
    )
    # No embedded PostgreSQL was started for it: nothing was made in its data folder.
    assert not (outsider / "pg").exists()
    return result


def test_anchors_exports_and_offline_verification_name_what_an_owner_removed(operator, tmp_path):
    env, engine, north, south = operator
    published = _run(["audit", "public-key"], env)
    (tmp_path / "public.pem").write_text(published.stdout)

    anchored = _run(["audit", "anchor"], env)
    checked = _run(["audit", "verify", "--anchors", env["AUDIT_ANCHOR_DIR"]], env)
    before = tmp_path / "before.jsonl"
    exported = _run(["audit", "verify-export", "--out", str(before)], env)
    offline_before = _verify_offline(tmp_path, before)
    asyncio.run(_tamper(engine, SHORTENED, north))
    asyncio.run(_tamper(engine, JOBCENTER_GONE, south))
    checked_after = _run(["audit", "verify", "--anchors", env["AUDIT_ANCHOR_DIR"]], env)
    after = tmp_path / "after.jsonl"
    _run(["audit", "verify-export", "--out", str(after)], env)
    offline_after = _verify_offline(tmp_path, after)

    assert published.returncode == 0 and "BEGIN PUBLIC KEY" in published.stdout
    assert anchored.returncode == 0, anchored.stderr
    assert anchored.stdout.startswith("anchor 1: 32 chain heads of 2 jobcenters")
    assert exported.returncode == 0, exported.stderr
    for result in (checked, offline_before):
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"tenant {north}: 3 records checked, intact" in result.stdout
        assert f"tenant {south}: 3 records checked, intact" in result.stdout
        assert "anchors: 1 checked" in result.stdout
    for result in (checked_after, offline_after):
        assert result.returncode == 1, result.stdout + result.stderr
        lines = result.stdout.splitlines()
        (north_line,) = [line for line in lines if line.startswith(f"tenant {north}")]
        (south_line,) = [line for line in lines if line.startswith(f"tenant {south}")]
        assert "BROKEN at record 3: lane 0: anchored record 3 (anchor 1, " in north_line
        assert north_line.endswith("is no longer reached: the chain ends at record 2")
        assert "BROKEN at record 3: lane 0: anchored record 3 (anchor 1, " in south_line
        assert south_line.endswith("is no longer reached: the chain ends at record 0")
        assert "Traceback" not in result.stderr


@pytest.fixture
def published(tmp_path):
    """An anchor directory with one anchor, and the public key beside it."""
    key = Ed25519PrivateKey.generate()
    AnchorDirectory(tmp_path / "anchors").append([], key, datetime.now(UTC))
    (tmp_path / "public.pem").write_text(public_pem(key.public_key()))
    return tmp_path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--anchors", "{tmp}/nowhere", "--public-key", "{tmp}/public.pem"],
            "no such anchor directory",
        ),
        (["--anchors", "{tmp}/anchors", "--public-key", "{tmp}/garbled.pem"], "not a PEM public"),
        (["--anchors", "{tmp}/anchors", "--public-key", "{tmp}/missing.pem"], "cannot read the"),
        (
            [*CHECKED, "--export", "{tmp}/garbled.jsonl"],
            "garbled.jsonl: line 1 is not JSON",
        ),
        (["--export", "{tmp}/garbled.jsonl"], "give --anchors DIR"),
        (["--anchors", "{tmp}/anchors", "--export", "{tmp}/x"], "no public key to check anchors"),
    ],
    ids=["no-directory", "garbled-key", "missing-key", "garbled-export", "no-anchors", "no-key"],
)
def test_bad_input_to_verify_gets_a_message_and_exit_code_2(published, args, message):
    (published / "garbled.pem").write_text("-----BEGIN PUBLIC KEY-----\nnot a key\n")
    (published / "garbled.jsonl").write_text("{not json\n")
    args = [arg.format(tmp=published) for arg in args]

    result = _run(["audit", "verify", *args], _bare_env(published / "data"))

    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_anchoring_with_a_key_that_is_not_ed25519_is_refused(tmp_path):
    rsa_key = tmp_path / "rsa.pem"
    rsa_key.write_bytes(_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)))
    env = _bare_env(tmp_path / "data") | {
        "AUDIT_ANCHOR_DIR": str(tmp_path / "anchors"),
        "AUDIT_ANCHOR_KEY_FILE": str(rsa_key),
    }

    result = _run(["audit", "anchor"], env)

    assert result.returncode == 2
    assert f"AUDIT_ANCHOR_KEY_FILE {rsa_key} is not an Ed25519 key" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_anchors_every_interval(owner_url, dev_settings, tmp_path):
    env = _bare_env(dev_settings.data_dir) | {
        "DATABASE_URL": owner_url.render_as_string(hide_password=False),
        "SERVICE_DEV_MODE": "true",
        "AUDIT_ANCHOR_DIR": str(tmp_path / "anchors"),
        "AUDIT_ANCHOR_INTERVAL_SECONDS": "1",
    }
    port = free_port()
    server = subprocess.Popen(
        [*SERVICE, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        anchors = tmp_path / "anchors"
        while not (anchors.is_dir() and len(list(anchors.glob("anchor-*.json"))) >= 2):
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "no two anchors in 60 s"
            time.sleep(0.2)
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    # Checked with the development anchor key the service made in its data folder.
    checked = _run(["audit", "verify", "--anchors", str(anchors)], env)

    assert ready.status_code == 200
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "anchors: " in checked.stdout and "; intact" in checked.stdout
