"""Shared fixtures: a real PostgreSQL (embedded, or DATABASE_URL's server), a freshly migrated
database per test run, the app over real HTTP (ASGI), and real signed tokens.

Isolation between tests comes from tenancy, not rollback: the app commits per request like in
production, so each test makes its own jobcenter (factories.py) and row-level security keeps the
tests apart, exactly as it keeps jobcenters apart.
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy.engine import URL

from service.app import create_app
from service.db.admin import drop_database, ensure_database
from service.db.embedded import start_embedded_server
from service.db.migrate import upgrade_to_head
from service.db.urls import as_asyncpg
from service.demo.seed import seed_demo
from service.identity.tokens import SigningKey, load_or_create_dev_key
from service.runtime import Runtime, start_runtime
from service.settings import Settings, load_settings
from tests.factories import Factories
from tests.tokens import TokenFactory

REPO = Path(__file__).resolve().parents[1]
TEST_ISSUER = "https://idp.test.invalid/realms/jobcenter"
TEST_AUDIENCE = "casework-api"


@pytest.fixture(scope="session")
def server_url() -> URL:
    """The PostgreSQL server: DATABASE_URL's, or an embedded one kept in .data/test/."""
    if os.environ.get("DATABASE_URL"):
        return as_asyncpg(os.environ["DATABASE_URL"])
    return start_embedded_server(REPO / ".data" / "test" / "pg")


@pytest.fixture(scope="session")
async def owner_url(server_url: URL) -> AsyncIterator[URL]:
    """A new database for this run, migrated up from empty."""
    if os.environ.get("CITUS_TEST_DATABASE_URL"):
        # `make test-citus`: deploy/citus/cluster.sh made it on every node, migrated and
        # distributed it (and drops it); a database made here would exist on the coordinator only.
        yield as_asyncpg(os.environ["CITUS_TEST_DATABASE_URL"])
        return
    name = f"casework_test_{uuid.uuid4().hex[:12]}"
    url = await ensure_database(server_url, name)
    await upgrade_to_head(url)
    yield url
    await drop_database(server_url, name)


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> SigningKey:
    """The test identity provider's key; the service only gets its public half."""
    return load_or_create_dev_key(tmp_path_factory.mktemp("idp") / "idp-key.pem")


@pytest.fixture(scope="session")
def settings(
    owner_url: URL, signing_key: SigningKey, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """Production-mode settings: tokens checked against a configured public key file."""
    public_key_file = tmp_path_factory.mktemp("keys") / "idp-public.pem"
    public_key_file.write_bytes(
        signing_key.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return load_settings(
        {
            "DATABASE_URL": owner_url.render_as_string(hide_password=False),
            "SERVICE_DEV_MODE": "false",
            "SERVICE_DATA_DIR": str(tmp_path_factory.mktemp("data")),
            "TOKEN_ISSUER": TEST_ISSUER,
            "TOKEN_AUDIENCE": TEST_AUDIENCE,
            "TOKEN_PUBLIC_KEY_FILE": str(public_key_file),
        }
    )


@pytest.fixture(scope="session")
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    started = await start_runtime(settings)
    yield started
    await started.close()


@pytest.fixture(scope="session")
async def client(settings: Settings, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture(scope="session")
def tokens(signing_key: SigningKey) -> TokenFactory:
    return TokenFactory(signing_key, issuer=TEST_ISSUER, audience=TEST_AUDIENCE)


@pytest.fixture(scope="session")
def factories(owner_url: URL) -> Factories:
    return Factories(owner_url)


@pytest.fixture(scope="session")
async def dev_settings(owner_url, settings, tmp_path_factory):
    """Development mode over this run's database, with the demo seeded into it."""
    await seed_demo(owner_url)
    return dataclasses.replace(
        settings,
        development=True,
        data_dir=tmp_path_factory.mktemp("dev-data"),
        token_public_key_file=None,
    )


@pytest.fixture(scope="session")
async def dev_client(dev_settings):
    runtime = await start_runtime(dev_settings)
    transport = httpx.ASGITransport(app=create_app(dev_settings, runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
    await runtime.close()
