"""The case manager's daily tools on a case, through the API: notes that are never rewritten
(a correction is a new note naming the one it corrects, once), appointments with their outcome,
follow-ups done or not — each rule with the error a portal gets, and a change racing another
refused by the case's version."""

from __future__ import annotations

from datetime import timedelta

from service.cases.models import CaseStatus
from tests.cases.conftest import only_error
from tests.diary.conftest import (
    ADD_FOLLOW_UP,
    ADD_NOTE,
    COMPLETE,
    DIARY,
    PLAN,
    RECORD_STATUS,
    TODAY,
    appointment_input,
    as_owner,
    at,
    note_input,
    ok,
)


async def _diary(world, case_id):
    body = await world.as_(world.case_manager, DIARY, id=str(case_id))
    assert "errors" not in body, body
    return body["data"]["diary"]


async def test_a_correction_is_a_new_note_and_the_corrected_one_stays(world, case_id):
    first = await ok(world, ADD_NOTE, "addCaseNote", input=note_input(case_id))
    correction = await ok(
        world,
        ADD_NOTE,
        "addCaseNote",
        input=note_input(case_id, kind="NOTE", subject="Berichtigung", correctsId=first),
    )
    again = await world.as_(
        world.case_manager, ADD_NOTE, input=note_input(case_id, correctsId=first)
    )

    notes = [edge["node"] for edge in (await _diary(world, case_id))["notes"]["edges"]]
    assert [(n["id"], n["correctsId"], n["correctedById"]) for n in notes] == [
        (correction, first, None),
        (first, None, correction),
    ]
    assert notes[1]["subject"] == "Rückruf wegen Mietschulden"  # as it was written
    assert notes[1]["author"] == {"id": str(world.case_manager.id)}
    assert only_error(again, "addCaseNote") == {
        "field": "correctsId",
        "code": "ALREADY_CORRECTED",
        "message": "this note has been corrected already; correct the correction",
        "messageDe": "dieser Vermerk wurde bereits berichtigt; bitte die Berichtigung berichtigen",
    }


async def test_notes_are_bounded_dated_and_page_newest_first(world, case_id):
    long = await world.as_(
        world.case_manager, ADD_NOTE, input=note_input(case_id, subject="x" * 201)
    )
    future = await world.as_(
        world.case_manager,
        ADD_NOTE,
        input=note_input(case_id, notedOn=(TODAY + timedelta(days=1)).isoformat()),
    )
    blank = await world.as_(world.case_manager, ADD_NOTE, input=note_input(case_id, text="  "))
    for number in range(3):
        await ok(world, ADD_NOTE, "addCaseNote", input=note_input(case_id, subject=f"Nr. {number}"))
    page = await world.as_(
        world.case_manager,
        "query P($id: ID!) { diary(caseId: $id) { notes(first: 2) { edges { node { subject } }"
        " pageInfo { hasNextPage endCursor } } } }",
        id=str(case_id),
    )

    assert only_error(long, "addCaseNote")["messageDe"] == "höchstens 200 Zeichen erlaubt"
    assert only_error(future, "addCaseNote")["field"] == "notedOn"
    assert only_error(blank, "addCaseNote") == {
        "field": "text",
        "code": "VALIDATION",
        "message": "required",
        "messageDe": "Pflichtangabe",
    }
    notes = page["data"]["diary"]["notes"]
    assert [edge["node"]["subject"] for edge in notes["edges"]] == ["Nr. 2", "Nr. 1"]
    assert notes["pageInfo"]["hasNextPage"] is True


async def test_a_change_on_a_case_changed_since_is_a_conflict(world, case_id):
    version = (await _diary(world, case_id))["case"]["version"]
    await ok(world, ADD_NOTE, "addCaseNote", input=note_input(case_id), version=version)

    stale = await world.as_(
        world.case_manager, ADD_NOTE, input=note_input(case_id), version=version
    )

    assert only_error(stale, "addCaseNote")["code"] == "CONFLICT"
    assert len((await _diary(world, case_id))["notes"]["edges"]) == 1


async def test_an_appointment_is_planned_and_its_outcome_recorded_once(world, case_id):
    planned = await ok(world, PLAN, "planAppointment", input=appointment_input(case_id))
    early = await world.as_(
        world.case_manager, RECORD_STATUS, input={"appointmentId": planned, "status": "HELD"}
    )
    cancelled = await ok(
        world,
        RECORD_STATUS,
        "recordAppointmentStatus",
        input={"appointmentId": planned, "status": "CANCELLED", "reason": "Kunde erkrankt"},
    )
    twice = await world.as_(
        world.case_manager, RECORD_STATUS, input={"appointmentId": planned, "status": "CANCELLED"}
    )

    (appointment,) = (await _diary(world, case_id))["appointments"]
    assert cancelled == planned
    assert only_error(early, "recordAppointmentStatus")["messageDe"] == (
        "der Termin hat noch nicht begonnen"
    )
    assert only_error(twice, "recordAppointmentStatus")["code"] == "INVALID_STATE"
    assert appointment["status"] == "CANCELLED"
    assert appointment["statusReason"] == "Kunde erkrankt"
    assert appointment["place"] == "Jobcenter Mitte, Raum 3.14"


async def test_appointment_times_and_partners_are_checked(world, case_id):
    tomorrow = TODAY + timedelta(days=1)
    backwards = await world.as_(
        world.case_manager,
        PLAN,
        input=appointment_input(case_id, startsAt=at(tomorrow, 10), endsAt=at(tomorrow, 9)),
    )
    yesterday = await world.as_(
        world.case_manager,
        PLAN,
        input=appointment_input(
            case_id, startsAt=at(TODAY - timedelta(days=1), 9), endsAt=at(TODAY, 10)
        ),
    )
    naive = await world.as_(
        world.case_manager,
        PLAN,
        input=appointment_input(case_id, startsAt=f"{tomorrow.isoformat()}T09:00:00"),
    )
    joint_without_partner = await world.as_(
        world.case_manager, PLAN, input=appointment_input(case_id, kind="WITH_PARTNER")
    )

    assert only_error(backwards, "planAppointment")["field"] == "endsAt"
    assert only_error(yesterday, "planAppointment")["messageDe"] == (
        "darf nicht vor dem heutigen Tag liegen"
    )
    (naive_error,) = naive["errors"]
    assert naive_error["extensions"]["code"] == "VALIDATION"
    assert "needs its offset" in naive_error["message"]
    assert only_error(joint_without_partner, "planAppointment")["field"] == (
        "partnerOrganisationId"
    )
    assert (await _diary(world, case_id))["appointments"] == []


async def test_a_missed_appointment_needs_its_reason(world, case_id, owner_url):
    row = await ok(world, PLAN, "planAppointment", input=appointment_input(case_id))
    await as_owner(
        owner_url,
        "UPDATE appointments SET starts_at = now() - interval '2 hours',"
        " ends_at = now() - interval '1 hour' WHERE id = :id",
        id=row,
    )

    bare = await world.as_(
        world.case_manager, RECORD_STATUS, input={"appointmentId": row, "status": "MISSED"}
    )
    missed = await ok(
        world,
        RECORD_STATUS,
        "recordAppointmentStatus",
        input={"appointmentId": row, "status": "MISSED", "reason": "ohne Nachricht"},
    )

    assert only_error(bare, "recordAppointmentStatus")["field"] == "reason"
    assert missed == row


async def test_a_follow_up_is_due_then_done_once(world, case_id):
    follow_up = await ok(
        world,
        ADD_FOLLOW_UP,
        "addFollowUp",
        input={"caseId": str(case_id), "dueOn": TODAY.isoformat(), "reason": "Mietvertrag?"},
    )
    past = await world.as_(
        world.case_manager,
        ADD_FOLLOW_UP,
        input={
            "caseId": str(case_id),
            "dueOn": (TODAY - timedelta(days=1)).isoformat(),
            "reason": "zu spät",
        },
    )
    await ok(world, COMPLETE, "completeFollowUp", id=follow_up)
    twice = await world.as_(world.case_manager, COMPLETE, id=follow_up)

    (row,) = (await _diary(world, case_id))["followUps"]
    assert only_error(past, "addFollowUp")["field"] == "dueOn"
    assert only_error(twice, "completeFollowUp")["code"] == "INVALID_STATE"
    assert row == {
        "id": follow_up,
        "dueOn": TODAY.isoformat(),
        "reason": "Mietvertrag?",
        "done": True,
        "overdue": False,
        "doneOn": TODAY.isoformat(),
    }


async def test_a_closed_case_takes_diary_entries_only_in_after_care(
    world, case_factories, factories, owner_url
):
    closed = await case_factories.case(
        world.jobcenter, world.client, case_manager=world.case_manager, status=CaseStatus.CLOSED
    )
    in_aftercare = await case_factories.case(
        world.jobcenter,
        await factories.client(world.jobcenter),
        case_manager=world.case_manager,
        status=CaseStatus.CLOSED,
    )
    await as_owner(
        owner_url,
        "UPDATE cases SET aftercare_until = :day WHERE id = :id",
        day=TODAY + timedelta(days=30),
        id=in_aftercare,
    )

    refused = await world.as_(world.case_manager, ADD_NOTE, input=note_input(closed))
    follow_up = await world.as_(
        world.case_manager,
        ADD_FOLLOW_UP,
        input={"caseId": str(closed), "dueOn": TODAY.isoformat(), "reason": "Nachfassen"},
    )
    aftercare_note = await ok(world, ADD_NOTE, "addCaseNote", input=note_input(in_aftercare))

    assert only_error(refused, "addCaseNote")["code"] == "INVALID_STATE"
    assert only_error(follow_up, "addFollowUp")["code"] == "INVALID_STATE"
    assert aftercare_note
