"""Every statement of a jobcenter's request names the jobcenter (service/tenants/binding.py):
row-level security confines the rows, but Citus routes a statement to one shard only by a
`tenant_id` it can read from the query (docs/scale-out.md, item 6). Captured from the SQL the
service sends for what a staff portal does: a case list, a case with its content, a closure
that locks the case and its open referrals, and the administration's locking changes."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event

from service.cases.vocabulary import AssessmentSubcategory
from service.db.base import Base, TenantScoped
from service.identity.roles import Role
from service.referrals.models import ReferralStatus
from tests.cases.factories import CaseFactories
from tests.cases.test_case_reads import LIST_WITH_EVERYTHING
from tests.graphql import answer_as
from tests.referral_factories import referral, referral_setting

TENANT_TABLES = frozenset(
    mapper.local_table.name
    for mapper in Base.registry.mappers
    if issubclass(mapper.class_, TenantScoped)
)
CASE = """
query Case($id: ID!) {
  case(id: $id) {
    id status client { familyName givenName }
    assessment { finances { subject category } }
    goals { title } documents { title }
  }
}
"""
REFERRALS = """
query Referrals {
  referrals(first: 20) {
    edges { node { status purpose client { familyName } case { status } statusHistory { status } } }
  }
}
"""
CLOSE = """
mutation Close($input: CloseCaseInput!) {
  closeCase(input: $input) { case { status } errors { field code } }
}
"""
CREATE_TEAM = "mutation CreateTeam($name: String!) { createTeam(name: $name) { team { id } } }"
DEACTIVATE_TEAM = """
mutation DeactivateTeam($id: ID!) { deactivateTeam(teamId: $id) { errors { code } } }
"""
DEACTIVATE_STAFF = """
mutation DeactivateStaff($id: ID!) { deactivateStaff(staffId: $id) { errors { code } } }
"""
DEACTIVATE_MEMBERSHIP = """
mutation LeaveNetwork($id: ID!) {
  deactivateNetworkMembership(organisationId: $id) { partner { active } errors { code } }
}"""

# The tables a statement reads or changes, each with the name its columns are qualified by.
_TABLES = re.compile(r"\b(?:FROM|JOIN|UPDATE)\s+(\w+)(?:\s+AS\s+(\w+))?")
_NAMED = re.compile(r"(\w+)\.tenant_id\s*=\s*\$(\d+)")


@dataclass(frozen=True)
class Sent:
    statement: str
    parameters: tuple[Any, ...]

    def unnamed_tenant_tables(self, tenant_id: uuid.UUID) -> set[str]:
        """The tenant tables the statement reads or changes without `tenant_id = <tenant_id>`
        on them (as a parameter: what Citus routes by)."""
        named = {
            name
            for name, position in _NAMED.findall(self.statement)
            if str(self.parameters[int(position) - 1]) == str(tenant_id)
        }
        return {
            table
            for table, alias in _TABLES.findall(self.statement)
            if table in TENANT_TABLES and (alias or table) not in named
        }


@asynccontextmanager
async def sent_by(runtime) -> AsyncIterator[list[Sent]]:
    """Every statement the service's engine sends meanwhile."""
    sent: list[Sent] = []

    def note(_conn, _cursor, statement, parameters, _context, _many) -> None:
        sent.append(Sent(statement, tuple(parameters or ())))

    engine = runtime.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _on_tenant_tables(sent: list[Sent]) -> Iterator[Sent]:
    return (s for s in sent if any(t in TENANT_TABLES for t, _ in _TABLES.findall(s.statement)))


async def test_a_staff_request_names_its_jobcenter_in_every_statement(
    client, tokens, factories, runtime
):
    setting = await referral_setting(factories)
    jobcenter, case_manager = setting.jobcenter, setting.case_manager
    cases = CaseFactories(factories)
    await cases.entry(
        jobcenter, setting.case_id, case_manager, AssessmentSubcategory.DEBTS, "Mahnungen"
    )
    await referral(factories, setting, status=ReferralStatus.SENT)
    elsewhere = await referral_setting(factories)
    admin = await factories.staff(jobcenter, Role.JOBCENTER_ADMIN)
    leaving = await factories.staff(jobcenter, Role.CASE_MANAGER)
    closing = {
        "caseId": str(setting.case_id),
        "reason": "LASTING_INTEGRATION",
        "reasoning": "Arbeitsvertrag unbefristet",
        "retrospective": "Schulden reguliert",
        "prospective": "Bewerbungen über die Arbeitsvermittlung",
        "clientTookPart": True,
    }

    async def as_(person, document, **variables):
        body = await answer_as(client, tokens, person, document, **variables)
        assert "errors" not in body, body
        return body["data"]

    # Another jobcenter's list first: the statements are compiled once and cached, the
    # jobcenter is a parameter of each.
    await as_(elsewhere.case_manager, LIST_WITH_EVERYTHING)
    async with sent_by(runtime) as sent:
        listed = await as_(case_manager, LIST_WITH_EVERYTHING)
        read = await as_(case_manager, CASE, id=str(setting.case_id))
        referrals = await as_(case_manager, REFERRALS)
        closed = await as_(case_manager, CLOSE, input=closing)
        team = (await as_(admin, CREATE_TEAM, name="Team Süd"))["createTeam"]["team"]
        team_gone = await as_(admin, DEACTIVATE_TEAM, id=team["id"])
        staff_gone = await as_(admin, DEACTIVATE_STAFF, id=str(leaving.id))
        left = await as_(admin, DEACTIVATE_MEMBERSHIP, id=str(setting.organisation.id))

    assert [edge["node"]["id"] for edge in listed["cases"]["edges"]] == [str(setting.case_id)]
    assert read["case"]["assessment"]["finances"] == [
        {"subject": "Mahnungen", "category": "CIRCUMSTANCES"}
    ]
    assert [edge["node"]["status"] for edge in referrals["referrals"]["edges"]] == ["SENT"]
    assert closed["closeCase"] == {"case": {"status": "CLOSED"}, "errors": []}
    assert team_gone["deactivateTeam"]["errors"] == []
    assert staff_gone["deactivateStaff"]["errors"] == []
    assert left["deactivateNetworkMembership"] == {"partner": {"active": False}, "errors": []}
    on_tenant_tables = list(_on_tenant_tables(sent))
    assert len(on_tenant_tables) > 35  # the eight requests above send 39
    unnamed = {s.statement: s.unnamed_tenant_tables(jobcenter.id) for s in on_tenant_tables}
    assert {statement: tables for statement, tables in unnamed.items() if tables} == {}
