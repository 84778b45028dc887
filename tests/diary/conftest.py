"""The world of the case tests (a jobcenter and its people, per test), and the diary's
documents and helpers shared by its tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.diary.models import Appointment, CaseNote, FollowUp
from service.moments import JOBCENTER_TIMEZONE
from tests.cases.conftest import World, make_world, payload_errors
from tests.cases.factories import CaseFactories
from tests.factories import Factories

ERRORS = "errors { field code message messageDe }"
ADD_NOTE = f"""
mutation Note($input: AddCaseNoteInput!, $version: Int) {{
  addCaseNote(input: $input, expectedVersion: $version) {{ changedId {ERRORS} }}
}}
"""
PLAN = f"""
mutation Plan($input: PlanAppointmentInput!) {{
  planAppointment(input: $input) {{ changedId {ERRORS} }}
}}
"""
RECORD_STATUS = f"""
mutation Status($input: RecordAppointmentStatusInput!) {{
  recordAppointmentStatus(input: $input) {{ changedId {ERRORS} }}
}}
"""
ADD_FOLLOW_UP = f"""
mutation FollowUp($input: AddFollowUpInput!) {{
  addFollowUp(input: $input) {{ changedId {ERRORS} }}
}}
"""
COMPLETE = f"""
mutation Done($id: ID!) {{ completeFollowUp(followUpId: $id) {{ changedId {ERRORS} }} }}
"""
DIARY = """
query Diary($id: ID!) {
  diary(caseId: $id) {
    case { id version }
    notes { edges { node { id kind notedOn subject text author { id } correctsId
      correctedById } } pageInfo { hasNextPage endCursor } }
    appointments { id kind startsAt endsAt place status statusReason internalNote
      partner { organisation { slug } } }
    followUps { id dueOn reason done overdue doneOn }
  }
}
"""
TODAY = datetime.now(JOBCENTER_TIMEZONE).date()


def at(day: date, hour: int) -> str:
    """A moment of a Berlin day, with its offset (the DateTime scalar refuses naive ones)."""
    return (
        datetime.combine(day, datetime.min.time(), JOBCENTER_TIMEZONE)
        .replace(hour=hour)
        .isoformat()
    )


def note_input(case_id: Any, **fields: Any) -> dict[str, Any]:
    return {
        "caseId": str(case_id),
        "kind": "PHONE",
        "notedOn": TODAY.isoformat(),
        "subject": "Rückruf wegen Mietschulden",
        "text": "Kunde berichtet, dass die Vermieterin einer Ratenzahlung zustimmt.",
        **fields,
    }


def appointment_input(case_id: Any, **fields: Any) -> dict[str, Any]:
    tomorrow = TODAY + timedelta(days=1)
    return {
        "caseId": str(case_id),
        "kind": "CONSULTATION",
        "startsAt": at(tomorrow, 9),
        "endsAt": at(tomorrow, 10),
        "place": "Jobcenter Mitte, Raum 3.14",
        "internalNote": "Unterlagen zur Schuldenregulierung mitbringen lassen",
        **fields,
    }


async def ok(world: World, document: str, mutation: str, **variables: Any) -> str:
    body = await world.as_(world.case_manager, document, **variables)
    assert payload_errors(body, mutation) == [], body
    return body["data"][mutation]["changedId"]


async def as_owner(owner_url, statement: str, **values: Any) -> None:
    """A state the API would not make (an appointment that began an hour ago, a case in
    after-care), written as the owner."""
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.begin() as conn:
        await conn.execute(text(statement), values)
    await engine.dispose()


@pytest.fixture
def case_factories(factories: Factories) -> CaseFactories:
    return CaseFactories(factories)


@pytest.fixture
async def world(factories: Factories, client, tokens) -> World:
    return await make_world(factories, client, tokens)


@pytest.fixture
async def case_id(world, case_factories) -> uuid.UUID:
    return await case_factories.case(world.jobcenter, world.client, case_manager=world.case_manager)


def diary_rows(tenant: uuid.UUID, case_id: uuid.UUID, author: uuid.UUID) -> list[list[object]]:
    """One row in each diary table, in the order their keys need (one list per flush): for
    tests that need a client's data everywhere (erasure)."""
    note_id = uuid.uuid4()
    now = datetime.now(UTC)
    return [
        [
            CaseNote(
                tenant_id=tenant,
                id=note_id,
                case_id=case_id,
                kind="phone",
                noted_on=date.today(),
                subject="Betreff",
                text="Vermerk",
                author_id=author,
            ),
            Appointment(
                tenant_id=tenant,
                case_id=case_id,
                kind="home_visit",
                starts_at=now + timedelta(days=1),
                ends_at=now + timedelta(days=1, hours=1),
                place="Zuhause",
                internal_note="Intern",
                status="missed",
                status_reason="Krank",
                created_by_id=author,
            ),
            FollowUp(
                tenant_id=tenant,
                case_id=case_id,
                due_on=date.today(),
                reason="Nachfassen",
                created_by_id=author,
            ),
        ],
        [
            CaseNote(
                tenant_id=tenant,
                case_id=case_id,
                kind="note",
                noted_on=date.today(),
                subject="Berichtigung",
                text="Richtig ist",
                corrects_id=note_id,
                author_id=author,
            )
        ],
    ]
