"""A jobcenter with its administration, per test: an administrator, a placement officer, two case
managers, a team lead; and helpers to call the API as one of them and read what was stored."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.identity.roles import Role
from tests.factories import Factories, Jobcenter, Person
from tests.graphql import answer_as
from tests.tokens import TokenFactory


@dataclass
class Office:
    jobcenter: Jobcenter
    admin: Person
    placement_officer: Person
    case_manager: Person
    team_lead: Person
    http: httpx.AsyncClient
    tokens: TokenFactory

    async def as_(self, person: Person, query: str, **variables: Any) -> dict[str, Any]:
        return await answer_as(self.http, self.tokens, person, query, **variables)


async def make_office(
    factories: Factories, http: httpx.AsyncClient, tokens: TokenFactory
) -> Office:
    """A jobcenter with its administrator, a placement officer, a case manager and a team lead."""
    jobcenter = await factories.jobcenter()
    return Office(
        jobcenter=jobcenter,
        admin=await factories.staff(jobcenter, Role.JOBCENTER_ADMIN),
        placement_officer=await factories.staff(jobcenter, Role.PLACEMENT_OFFICER),
        case_manager=await factories.staff(jobcenter, Role.CASE_MANAGER),
        team_lead=await factories.staff(jobcenter, Role.TEAM_LEAD),
        http=http,
        tokens=tokens,
    )


@pytest.fixture
async def office(factories: Factories, client, tokens) -> Office:
    return await make_office(factories, client, tokens)


async def owner_rows(
    owner_url, sql: str, *, tenant: uuid.UUID | None = None, **parameters: Any
) -> list[dict[str, Any]]:
    """As the database owner, past the API: what is really stored (with the jobcenter bound, for
    an owner that row-level security binds too)."""
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(
                text("SELECT set_config('app.tenant_id', :t, false)"), {"t": str(tenant or "")}
            )
            result = await conn.execute(text(sql), parameters)
            return [dict(row._mapping) for row in result]
    finally:
        await engine.dispose()


async def clients_of(owner_url, jobcenter: Jobcenter) -> list[dict[str, Any]]:
    return await owner_rows(
        owner_url,
        "SELECT id, customer_number, family_name, active FROM clients WHERE tenant_id = :t"
        " ORDER BY customer_number",
        tenant=jobcenter.id,
        t=jobcenter.id,
    )


async def writes_of(owner_url, subject_id: uuid.UUID) -> list[dict[str, Any]]:
    return await owner_rows(
        owner_url,
        "SELECT object_type, fields, operation, actor_id FROM audit_records"
        " WHERE subject_id = :s AND action = 'write' ORDER BY seq, entry",
        s=subject_id,
    )
