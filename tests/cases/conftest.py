"""A jobcenter with its people, per test: case manager, colleague, team lead, placement officer,
controlling, a client; and helpers to call the API as one of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.identity.roles import Role
from tests.cases.factories import CaseFactories
from tests.factories import Factories, Jobcenter, Person
from tests.graphql import answer_as
from tests.tokens import TokenFactory


@dataclass
class World:
    jobcenter: Jobcenter
    case_manager: Person
    colleague: Person
    team_lead: Person
    placement_officer: Person
    controlling: Person
    client: Person
    http: httpx.AsyncClient
    tokens: TokenFactory

    async def as_(self, person: Person, query: str, **variables: Any) -> dict[str, Any]:
        return await answer_as(self.http, self.tokens, person, query, **variables)


@pytest.fixture
def case_factories(factories: Factories) -> CaseFactories:
    return CaseFactories(factories)


async def make_world(factories: Factories, http: httpx.AsyncClient, tokens: TokenFactory) -> World:
    jobcenter = await factories.jobcenter()
    return World(
        jobcenter=jobcenter,
        case_manager=await factories.staff(jobcenter, Role.CASE_MANAGER),
        colleague=await factories.staff(jobcenter, Role.CASE_MANAGER),
        team_lead=await factories.staff(jobcenter, Role.TEAM_LEAD),
        placement_officer=await factories.staff(jobcenter, Role.PLACEMENT_OFFICER),
        controlling=await factories.staff(jobcenter, Role.CONTROLLING),
        client=await factories.client(jobcenter),
        http=http,
        tokens=tokens,
    )


@pytest.fixture
async def world(factories: Factories, client, tokens) -> World:
    return await make_world(factories, client, tokens)


async def rows_of_case(owner_url, table: str, case_id: str) -> int:
    """How many rows of `table` a case has, read as the owner (what a refused request must not
    have added to)."""
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        count = await conn.scalar(
            text(f"SELECT count(*) FROM {table} WHERE case_id = :id"), {"id": case_id}
        )
    await engine.dispose()
    return count


def payload_errors(body: dict[str, Any], mutation: str) -> list[dict[str, Any]]:
    assert "errors" not in body, body
    return body["data"][mutation]["errors"]


def only_error(body: dict[str, Any], mutation: str) -> dict[str, Any]:
    (error,) = payload_errors(body, mutation)
    return error


def forbidden_paths(body: dict[str, Any]) -> set[tuple]:
    return {
        tuple(error["path"])
        for error in body.get("errors", [])
        if error["extensions"]["code"] == "FORBIDDEN"
    }


def graphql_error(body: dict[str, Any]) -> tuple[tuple, str]:
    (error,) = body["errors"]
    return tuple(error["path"]), error["extensions"]["code"]
