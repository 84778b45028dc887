"""Settings come from the environment; production mode refuses weak authentication set-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.settings import DEV_ISSUER, SettingsError, load_settings


def test_without_database_url_the_embedded_database_and_development_mode_are_used():
    settings = load_settings({})

    assert settings.embedded_database
    assert settings.development
    assert settings.token_issuer == DEV_ISSUER
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.data_dir == Path(".data").resolve()


def test_with_database_url_production_mode_needs_an_issuer():
    with pytest.raises(SettingsError, match="TOKEN_ISSUER is required"):
        load_settings({"DATABASE_URL": "postgresql://db/casework"})


def test_with_database_url_production_mode_needs_verification_keys():
    with pytest.raises(SettingsError, match="TOKEN_JWKS_URL or TOKEN_PUBLIC_KEY_FILE"):
        load_settings({"DATABASE_URL": "postgresql://db/casework", "TOKEN_ISSUER": "https://idp"})


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


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SERVICE_PORT": "http"}, "SERVICE_PORT must be an integer"),
        ({"SERVICE_DEV_MODE": "maybe"}, "SERVICE_DEV_MODE must be one of"),
    ],
)
def test_malformed_values_are_named(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env)
