"""Portals on another origin call the API only when their origin is configured
(CORS_ALLOWED_ORIGINS), with bearer tokens and never with credentials."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from service.app import create_app
from service.settings import SettingsError, load_settings

PORTAL = "https://portal.jobcenter.example"
PREFLIGHT = {
    "Origin": PORTAL,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


def _client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_a_configured_portal_gets_its_preflight_answered_without_credentials(
    settings, runtime
):
    app = create_app(dataclasses.replace(settings, cors_allowed_origins=(PORTAL,)), runtime)
    async with _client(app) as http:
        preflight = await http.options("/graphql", headers=PREFLIGHT)
        call = await http.post(
            "/graphql", json={"query": "{ me { subject } }"}, headers={"Origin": PORTAL}
        )

    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == PORTAL
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in preflight.headers
    assert call.status_code == 401  # no token: CORS opens the door, authentication still decides
    assert call.headers["access-control-allow-origin"] == PORTAL
    assert "x-request-id" in call.headers["access-control-expose-headers"].lower()


async def test_another_origin_gets_no_cors_headers(settings, runtime):
    app = create_app(dataclasses.replace(settings, cors_allowed_origins=(PORTAL,)), runtime)
    async with _client(app) as http:
        preflight = await http.options(
            "/graphql", headers=PREFLIGHT | {"Origin": "https://elsewhere.example"}
        )

    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers


async def test_by_default_no_origin_is_allowed(client):
    preflight = await client.options("/graphql", headers=PREFLIGHT)
    call = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Origin": PORTAL}
    )

    assert preflight.status_code == 405
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in call.headers


def test_origins_are_read_and_a_wildcard_is_refused():
    dev = {"SERVICE_DEV_MODE": "true"}
    settings = load_settings(dev | {"CORS_ALLOWED_ORIGINS": f"{PORTAL}/, http://localhost:5173"})

    assert settings.cors_allowed_origins == (PORTAL, "http://localhost:5173")
    with pytest.raises(SettingsError, match="CORS_ALLOWED_ORIGINS takes origins"):
        load_settings(dev | {"CORS_ALLOWED_ORIGINS": "*"})
