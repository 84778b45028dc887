"""`service serve` as a real process on loopback, in development mode, on a fresh seeded
database of its own: for tests that fuzz, soak or signal the running service."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.engine import URL

from service.db.admin import drop_database, ensure_database
from service.db.migrate import upgrade_to_head
from service.demo.seed import seed_demo
from service.demo.tokens import mint_demo_token
from service.settings import load_settings


@dataclass
class Served:
    base: str
    database: URL
    env: dict[str, str]
    process: subprocess.Popen
    log: Path
    """The service's stderr: its JSON log lines."""

    def token(self, user: str) -> str:
        return asyncio.run(
            mint_demo_token(load_settings(self.env), user, tenant_slug=None, lifetime=600)
        )


@contextmanager
def served_demo(server_url: URL, data_dir: Path) -> Iterator[Served]:
    name = f"casework_served_{uuid.uuid4().hex[:8]}"
    database = asyncio.run(_prepare(server_url, name))
    env = {key: value for key, value in os.environ.items() if not key.startswith("TOKEN_")}
    env.update(
        DATABASE_URL=database.render_as_string(hide_password=False),
        SERVICE_DEV_MODE="true",
        SERVICE_DATA_DIR=str(data_dir),
    )
    process = None
    try:
        process, port, log = serve(env, data_dir, ready_within=30)
        yield Served(f"http://127.0.0.1:{port}", database, env, process, log)
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=15)
        asyncio.run(drop_database(server_url, name))


async def _prepare(server_url: URL, name: str) -> URL:
    url = await ensure_database(server_url, name)
    await upgrade_to_head(url)
    await seed_demo(url)
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(
    env: dict[str, str], data_dir: Path, *, ready_within: float
) -> tuple[subprocess.Popen, int, Path]:
    """`service serve` on a free port with `env`, once its /readyz answers 200: the process,
    its port and its log (stderr: the JSON log lines)."""
    port = free_port()
    log = data_dir / f"serve-{port}.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    deadline = time.monotonic() + ready_within
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process, port, log
        except httpx.TransportError:
            pass
        time.sleep(0.2)  # polling a starting process: the one wait this needs
    process.kill()
    raise AssertionError("the service did not become ready")
