"""Where the database is and as whom the service talks to it.

Two roles, on purpose (DESIGN.md invariant 4): the *owner* creates the schema and runs migrations;
the service answers requests as APP_ROLE, which owns nothing and has no BYPASSRLS, so PostgreSQL's
row-level security applies to every query it makes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url

from service.settings import Settings

APP_ROLE = "casework_app"
EMBEDDED_DATABASE = "casework"


@dataclass(frozen=True, slots=True)
class DatabaseUrls:
    owner: URL
    app: URL


def as_asyncpg(url: str | URL) -> URL:
    """Accept the usual `postgres://` / `postgresql://` forms and use the asyncpg driver."""
    if isinstance(url, str):
        url = make_url(url.replace("postgres://", "postgresql://", 1))
    return url.set(drivername="postgresql+asyncpg")


def app_url_for(owner: URL, settings: Settings) -> URL:
    if settings.database_app_url:
        return as_asyncpg(settings.database_app_url)
    return owner.set(username=APP_ROLE, password=settings.database_app_password)


def with_database(url: URL, database: str) -> URL:
    return url.set(database=database)
