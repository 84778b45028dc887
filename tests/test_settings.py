"""Settings come from the environment; production mode refuses weak authentication set-ups."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.settings import (
    DEV_ISSUER,
    SettingsError,
    load_settings,
    require_database,
    require_token_verification,
)


def test_development_mode_with_the_embedded_database_only_when_asked_for():
    settings = load_settings({"SERVICE_DEV_MODE": "true"})

    assert settings.embedded_database
    assert settings.development
    assert settings.token_issuer == DEV_ISSUER
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.data_dir == Path(".data").resolve()


def test_without_a_database_url_production_mode_refuses_to_use_a_database():
    settings = load_settings(
        {"TOKEN_ISSUER": "https://idp.example/realms/jc", "TOKEN_JWKS_URL": "https://idp/certs"}
    )

    assert not settings.development and not settings.embedded_database
    with pytest.raises(SettingsError, match=r"DATABASE_APP_URL \(or DATABASE_URL\) is required"):
        require_database(settings)


def test_a_deployment_with_only_the_app_url_is_production_and_starts_no_embedded_database():
    settings = load_settings(
        {
            "DATABASE_APP_URL": "postgresql://casework_app@db/casework",
            "TOKEN_ISSUER": "https://idp.example/realms/jc",
            "TOKEN_JWKS_URL": "https://idp.example/realms/jc/certs",
        }
    )

    assert not settings.development
    assert not settings.embedded_database


def test_a_production_start_without_a_database_url_exits_with_the_message(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "SERVICE_DATA_DIR": str(tmp_path),
        "TOKEN_ISSUER": "https://idp.example/realms/jc",
        "TOKEN_JWKS_URL": "https://idp.example/realms/jc/certs",
    }
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert "DATABASE_APP_URL (or DATABASE_URL) is required" in result.stderr
    assert "SERVICE_DEV_MODE=true" in result.stderr
    assert not (tmp_path / "pg").exists()


def test_production_mode_serves_only_with_an_issuer():
    settings = load_settings({"DATABASE_URL": "postgresql://db/casework"})

    with pytest.raises(SettingsError, match="TOKEN_ISSUER is required"):
        require_token_verification(settings)


def test_production_mode_serves_only_with_verification_keys():
    settings = load_settings(
        {"DATABASE_URL": "postgresql://db/casework", "TOKEN_ISSUER": "https://idp"}
    )

    with pytest.raises(SettingsError, match="TOKEN_JWKS_URL or TOKEN_PUBLIC_KEY_FILE"):
        require_token_verification(settings)


def test_production_settings_are_read():
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql://owner@db/casework",
            "DATABASE_APP_URL": "postgresql://casework_app@db/casework",
            "TOKEN_ISSUER": "https://idp.example/realms/jc",
            "TOKEN_JWKS_URL": "https://idp.example/realms/jc/certs",
            "TOKEN_AUDIENCE": "casework",
            "SERVICE_PORT": "9000",
        }
    )

    assert not settings.development
    assert settings.token_jwks_url == "https://idp.example/realms/jc/certs"
    assert (settings.token_audience, settings.port) == ("casework", 9000)
    assert settings.workers == 1


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SERVICE_DEV_MODE": "true", "SERVICE_PORT": "http"}, "SERVICE_PORT must be an integer"),
        ({"SERVICE_DEV_MODE": "maybe"}, "SERVICE_DEV_MODE must be one of"),
        ({"SERVICE_WORKERS": "0"}, "SERVICE_WORKERS must be between 1 and 64"),
        ({"SERVICE_WORKERS": "two"}, "SERVICE_WORKERS must be an integer"),
        (
            {"SERVICE_WORKERS": "2", "OTEL_METRICS_EXPORTER": "otlp,prometheus"},
            "with SERVICE_WORKERS above 1 use otlp",
        ),
    ],
)
def test_malformed_values_are_named(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


PRODUCTION = {
    "DATABASE_URL": "postgresql://owner@db/casework",
    "TOKEN_ISSUER": "https://idp.example/realms/jc",
    "TOKEN_JWKS_URL": "https://idp.example/realms/jc/certs",
}


def test_anchoring_is_on_in_development_mode_and_off_in_production_by_default():
    development = load_settings({"SERVICE_DEV_MODE": "true", "SERVICE_DATA_DIR": "/srv/casework"})
    production = load_settings(PRODUCTION)

    assert development.audit_anchor_dir == Path("/srv/casework/anchors")
    assert development.audit_anchor_interval_seconds == 600
    assert production.audit_anchor_dir is None


def test_anchoring_in_production_needs_its_key():
    with pytest.raises(SettingsError, match="AUDIT_ANCHOR_DIR needs AUDIT_ANCHOR_KEY_FILE"):
        load_settings(PRODUCTION | {"AUDIT_ANCHOR_DIR": "/var/lib/anchors"})


def test_the_anchor_key_is_never_shown_in_the_settings():
    settings = load_settings(PRODUCTION | {"AUDIT_ANCHOR_DIR": "/a", "AUDIT_ANCHOR_KEY": "SECRET"})

    assert settings.audit_anchor_key == "SECRET"
    assert "SECRET" not in repr(settings)


def test_the_anchoring_interval_is_at_least_a_second():
    with pytest.raises(SettingsError, match="AUDIT_ANCHOR_INTERVAL_SECONDS must be at least 1"):
        load_settings({"SERVICE_DEV_MODE": "true", "AUDIT_ANCHOR_INTERVAL_SECONDS": "0"})


def test_reads_are_group_committed_unless_switched_off():
    settings = load_settings({})
    off = load_settings({"AUDIT_GROUP_COMMIT": "off", "AUDIT_WAIT_MS": "500"})

    assert settings.audit_group_commit
    assert (settings.audit_queue_size, settings.audit_max_batch) == (256, 64)
    assert settings.audit_wait_seconds == 2.0
    assert not off.audit_group_commit and off.audit_wait_seconds == 0.5


@pytest.mark.parametrize("name", ["AUDIT_QUEUE_SIZE", "AUDIT_MAX_BATCH", "AUDIT_WAIT_MS"])
def test_group_commit_limits_are_at_least_one(name):
    with pytest.raises(SettingsError, match=f"{name} must be at least 1"):
        load_settings({name: "0"})
