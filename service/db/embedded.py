"""The embedded PostgreSQL that runs when no DATABASE_URL is given (development, demo, tests).

`pgserver` ships PostgreSQL binaries as a wheel, so nothing is installed by hand. The server
listens only on a unix socket inside the data folder; several processes (the service, `service
token` in another shell) share it, and it stops when the last of them exits.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pgserver
from sqlalchemy.engine import URL

from service.db.urls import as_asyncpg

log = logging.getLogger(__name__)

_servers: dict[Path, pgserver.PostgresServer] = {}


def start_embedded_server(pgdata: Path) -> URL:
    """Start (or attach to) the server in `pgdata`; return its superuser URL (db `postgres`)."""
    pgdata = pgdata.resolve()
    if pgdata not in _servers:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        log.info("starting embedded PostgreSQL", extra={"pgdata": str(pgdata)})
        _servers[pgdata] = pgserver.get_server(pgdata, cleanup_mode="stop")
    return as_asyncpg(_servers[pgdata].get_uri())
