"""The service in this process over an ASGI transport (no sockets, no wrk): for the CI smoke and
for checking the workloads' answers before a run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from sqlalchemy.engine import URL

from bench.workloads import AUDIENCE, ISSUER, Request, bench_key, write_public_key
from service.app import create_app
from service.runtime import start_runtime
from service.settings import load_settings


def service_env(owner_url: URL, public_key_file: Path, data_dir: Path) -> dict[str, str]:
    """Production mode: tokens checked against the bench identity provider's public key."""
    return {
        "DATABASE_URL": owner_url.render_as_string(hide_password=False),
        "SERVICE_DEV_MODE": "false",
        "SERVICE_DATA_DIR": str(data_dir),
        "TOKEN_ISSUER": ISSUER,
        "TOKEN_AUDIENCE": AUDIENCE,
        "TOKEN_PUBLIC_KEY_FILE": str(public_key_file),
    }


@asynccontextmanager
async def service_client(
    owner_url: URL, data_dir: Path, **env: str
) -> AsyncIterator[httpx.AsyncClient]:
    """`env`: further settings, e.g. TRUSTED_DOCUMENTS."""
    data_dir.mkdir(parents=True, exist_ok=True)
    key = bench_key(data_dir)
    public = write_public_key(key, data_dir / "bench-idp-public.pem")
    settings = load_settings({**service_env(owner_url, public, data_dir), **env})
    runtime = await start_runtime(settings)
    try:
        transport = httpx.ASGITransport(app=create_app(settings, runtime))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            yield http
    finally:
        await runtime.close()


async def send(http: httpx.AsyncClient, request: Request) -> httpx.Response:
    return await http.post(
        "/graphql",
        content=request.json,
        headers={"Authorization": f"Bearer {request.token}", "content-type": "application/json"},
    )
