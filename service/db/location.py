"""Resolve the settings to the two database URLs, starting the embedded server when needed."""

from __future__ import annotations

import asyncio

from service.db.admin import ensure_database
from service.db.urls import EMBEDDED_DATABASE, DatabaseUrls, app_url_for, as_asyncpg
from service.settings import Settings, require_database


async def resolve_database(settings: Settings) -> DatabaseUrls:
    require_database(settings)
    if settings.database_url:
        owner = as_asyncpg(settings.database_url)
    elif not settings.development:
        # A deployed service gets only the app role's connection; the owner's is the migration
        # job's (deploy/). Outside development mode nothing but `service migrate` uses `owner`.
        app = as_asyncpg(settings.database_app_url)
        return DatabaseUrls(owner=app, app=app)
    else:
        from service.db.embedded import start_embedded_server

        server = start_embedded_server(settings.embedded_pgdata)
        owner = await ensure_database(server, EMBEDDED_DATABASE)
    return DatabaseUrls(owner=owner, app=app_url_for(owner, settings))


def resolve_database_sync(settings: Settings) -> DatabaseUrls:
    return asyncio.run(resolve_database(settings))
