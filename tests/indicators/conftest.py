"""A small, known history of case management in a jobcenter of its own, for indicator tests:
teams of case managers, and cases admitted, closed, reviewed, steered and referred on given days.
Rows are written in one session as the owner with the jobcenter bound (as tests/factories.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.cases.models import Case, CaseReview, PlanItem
from service.clients.models import Client
from service.identity.roles import Role
from service.referrals.models import Referral, ReferralStatusChange
from service.staff.models import StaffUser, Team
from tests.factories import Factories, Jobcenter, Person
from tests.graphql import post_graphql
from tests.tokens import TokenFactory


@dataclass
class History:
    """Case history of one jobcenter, built up in memory and written by `save`."""

    jobcenter: Jobcenter
    rows: list[Any] = field(default_factory=list)
    teams: dict[str, uuid.UUID] = field(default_factory=dict)
    case_managers: dict[str, list[uuid.UUID]] = field(default_factory=dict)

    def team(self, name: str, *, case_managers: int) -> str:
        team_id = uuid.uuid4()
        self.teams[name] = team_id
        self.rows.append(Team(tenant_id=self.jobcenter.id, id=team_id, name=name))
        self.case_managers[name] = [self._staff(team_id) for _ in range(case_managers)]
        return name

    def _staff(self, team_id: uuid.UUID | None) -> uuid.UUID:
        staff_id = uuid.uuid4()
        self.rows.append(
            StaffUser(
                tenant_id=self.jobcenter.id,
                id=staff_id,
                subject=f"fm-{staff_id.hex[:10]}",
                display_name="Test Fallmanagerin",
                roles=[str(Role.CASE_MANAGER)],
                team_id=team_id,
            )
        )
        return staff_id

    def case(
        self,
        team: str,
        *,
        admitted: date,
        closed: date | None = None,
        reason: str | None = None,
    ) -> uuid.UUID:
        client_id, case_id = uuid.uuid4(), uuid.uuid4()
        self.rows.append(
            Client(
                tenant_id=self.jobcenter.id,
                id=client_id,
                customer_number=client_id.hex[:12],
                given_name="Test",
                family_name="Kundin",
                date_of_birth=date(1980, 1, 1),
            )
        )
        self.rows.append(
            Case(
                tenant_id=self.jobcenter.id,
                id=case_id,
                client_id=client_id,
                status="closed" if closed else "admitted",
                responsible_case_manager_id=self.case_managers[team][0],
                profile="stabilisation",
                admitted_on=admitted,
                closed_on=closed,
                closing_reason=reason,
                version=1,
            )
        )
        return case_id

    def review(self, case_id: uuid.UUID, on: date, before: str, after: str) -> None:
        self.rows.append(
            CaseReview(
                tenant_id=self.jobcenter.id,
                case_id=case_id,
                reviewed_on=on,
                reasoning="Überprüfung",
                prognosis="Prognose",
                profile_before=before,
                profile_after=after,
                next_review_due=on,
                author_id=self._author(case_id),
            )
        )

    def goal(self, case_id: uuid.UUID, outcome: str, on: date, *, kind: str = "goal") -> None:
        self.rows.append(
            PlanItem(
                tenant_id=self.jobcenter.id,
                case_id=case_id,
                kind=kind,
                goal_id=None,
                title="Ziel",
                outcome=outcome,
                outcome_on=on,
            )
        )

    def referral(self, case_id: uuid.UUID, partner_id: uuid.UUID, status: str, on: date) -> None:
        referral_id = uuid.uuid4()
        author = self._author(case_id)
        self.rows.append(
            Referral(
                tenant_id=self.jobcenter.id,
                id=referral_id,
                case_id=case_id,
                client_id=self._client(case_id),
                partner_organisation_id=partner_id,
                service_category="debt_counselling",
                purpose="Schuldnerberatung",
                first_report_due=on,
                status=status,
                created_by_id=author,
            )
        )
        self.rows.append(
            ReferralStatusChange(
                tenant_id=self.jobcenter.id,
                referral_id=referral_id,
                partner_organisation_id=partner_id,
                status=status,
                changed_by_kind="staff",
                changed_by_id=author,
                changed_at=datetime.combine(on, time(12), UTC),
            )
        )

    def _case(self, case_id: uuid.UUID) -> Case:
        return next(row for row in self.rows if isinstance(row, Case) and row.id == case_id)

    def _author(self, case_id: uuid.UUID) -> uuid.UUID:
        author = self._case(case_id).responsible_case_manager_id
        assert author is not None
        return author

    def _client(self, case_id: uuid.UUID) -> uuid.UUID:
        return self._case(case_id).client_id

    async def save(self, factories: Factories) -> None:
        async with AsyncSession(factories.engine) as session, session.begin():
            await session.execute(
                text("SELECT set_config('app.tenant_id', :t, true)"),
                {"t": str(self.jobcenter.id)},
            )
            # Teams and staff before what refers to them: the unit of work cannot order rows
            # linked only by composite foreign keys.
            for kinds in ((Team,), (StaffUser, Client), (Case,), (CaseReview, PlanItem, Referral)):
                session.add_all(row for row in self.rows if isinstance(row, kinds))
                await session.flush()
            session.add_all(row for row in self.rows if isinstance(row, ReferralStatusChange))


@dataclass
class Controlling:
    http: httpx.AsyncClient
    tokens: TokenFactory

    async def ask(self, person: Person, query: str, **variables: Any) -> dict[str, Any]:
        response = await post_graphql(
            self.http, query, headers=self.tokens.headers(person), variables=variables
        )
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def api(client, tokens) -> Controlling:
    return Controlling(client, tokens)
