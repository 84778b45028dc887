"""The `service` command as scripts use it: real processes, real database."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import jwt
import pytest

from service.identity.tokens import load_or_create_dev_key
from tests.served import free_port

SERVICE = [sys.executable, "-m", "service.cli"]
ME_ORGANISATION = "{ me { organisation { slug } } }"


@pytest.fixture
def dev_env(owner_url, dev_settings):
    """Environment of a developer using this run's (seeded) database in development mode."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TOKEN_")}
    env.update(
        DATABASE_URL=owner_url.render_as_string(hide_password=False),
        SERVICE_DEV_MODE="true",
        SERVICE_DATA_DIR=str(dev_settings.data_dir),
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(SERVICE + args, env=env, capture_output=True, text=True, timeout=60)


def test_token_prints_a_verifiable_token_as_the_last_line(dev_env, dev_settings):
    result = _run(["token", "fm.koenigstein"], dev_env)

    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    key = load_or_create_dev_key(dev_settings.dev_signing_key_file)
    claims = jwt.decode(
        token,
        key.private_key.public_key(),
        algorithms=["RS256"],
        audience=dev_settings.token_audience,
    )
    assert (claims["sub"], claims["tenant"], claims["roles"]) == (
        "fm.koenigstein",
        "jc-hamburg-mitte",
        ["case_manager"],
    )


def test_token_for_an_unknown_user_fails_with_a_message(dev_env):
    result = _run(["token", "nobody.here"], dev_env)

    assert result.returncode == 1
    assert "no active user 'nobody.here'" in result.stderr
    assert result.stdout == ""


def test_token_is_refused_outside_development_mode(dev_env):
    result = _run(
        ["token", "fm.koenigstein"],
        {
            **dev_env,
            "SERVICE_DEV_MODE": "false",
            "TOKEN_ISSUER": "https://idp.invalid",
            "TOKEN_JWKS_URL": "https://idp.invalid/jwks",
        },
    )

    assert result.returncode == 2
    assert "development mode only" in result.stderr


def test_bad_setting_is_named_in_the_error(dev_env):
    result = _run(["migrate"], {**dev_env, "SERVICE_PORT": "eighty"})

    assert result.returncode == 2
    assert "SERVICE_PORT must be an integer" in result.stderr


def test_export_schema_check_passes_on_the_committed_file(dev_env):
    assert _run(["export-schema", "--check"], dev_env).returncode == 0


def test_serve_answers_me_for_a_demo_token(dev_env):
    port = free_port()
    server = subprocess.Popen(
        [*SERVICE, "serve", "--port", str(port)],
        env=dev_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "service did not become ready in 30 s"
            time.sleep(0.2)
        token = _run(["token", "sucht.yilmaz"], dev_env).stdout.strip().splitlines()[-1]

        response = httpx.post(
            f"{base}/graphql",
            json={"query": ME_ORGANISATION},
            headers={"Authorization": f"Bearer {token}"},
        )

        assert response.json()["data"]["me"]["organisation"] == {"slug": "suchtberatung-nord"}
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_documents_register_writes_the_manifest_and_prints_the_ids(dev_env, tmp_path):
    import json

    from service.web.trusted_documents import document_id

    document = tmp_path / "me.graphql"
    document.write_text("query Me { me { subject } }\n")
    manifest = tmp_path / "trusted.json"

    result = _run(["documents", "register", str(document), "--manifest", str(manifest)], dev_env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == document_id(document.read_text())
    assert json.loads(manifest.read_text()) == {
        document_id(document.read_text()): document.read_text()
    }
