"""The copy of the data (Art. 15(3) GDPR): Michael Modemann (the demo client) gets every item of
his data he reads in his own view — record, case status, plan, Kooperationsplan, the Lebenslauf
marked visible to him, referrals and consents with the partners' names, appointments — and
nothing of the protected area; the data-protection officer gets the same copy; every item is
recorded as read, by whoever read it; nobody else gets it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.graphql_errors import errors_by_path
from tests.scenarios.auskunft_history import MICHAEL, as_demo, demo_token

DATA_COPY = """
query MyDataCopy($clientId: ID!) {
  dataCopy(clientId: $clientId) {
    clientId issuedAt
    sections {
      objectType label
      items { id fields { name label category categoryLabel value valueLabel } }
    }
  }
}
"""
REPORT = """
query Report($clientId: ID!, $from: DateTime!, $to: DateTime!) {
  accessReport(clientId: $clientId, from: $from, to: $to, first: 100) {
    readers { role statements { occasions } }
    reportReads
  }
}
"""
# The protected case-management area (domain/000) and what only staff read: never in the copy.
PROTECTED_TYPES = {
    "profiling_item",
    "assessment_entry",
    "case_note",
    "follow_up",
    "aftercare_note",
    "document_content",
}
PROTECTED_FIELDS = {
    "intakeReasoning",
    "decisionReasoning",
    "declineReason",
    "closingReasoning",
    "reasoning",
    "prognosis",
    "internalNote",
    "missedReason",
    "text",
    "content",
}


async def _copy(dev_settings, dev_client, user: str) -> dict:
    body = await as_demo(dev_settings, dev_client, user, DATA_COPY, clientId=MICHAEL)
    assert "errors" not in body, body["errors"]
    return body["data"]["dataCopy"]


def _values(copy: dict, object_type: str, name: str) -> list:
    return [
        field["valueLabel"] or field["value"]
        for section in copy["sections"]
        if section["objectType"] == object_type
        for item in section["items"]
        for field in item["fields"]
        if field["name"] == name
    ]


async def test_michaels_copy_holds_his_own_view_and_nothing_of_the_protected_area(
    dev_settings, dev_client
):
    copy = await _copy(dev_settings, dev_client, "kunde.modemann")

    assert copy["clientId"] == MICHAEL
    assert _values(copy, "client", "familyName") == ["Modemann"]
    assert _values(copy, "case", "status") == ["Sie werden im Fallmanagement betreut"]
    assert "Schuldenregulierung" in _values(copy, "plan_item", "title")
    assert "SGB II § 15 (2023)" in _values(copy, "cooperation_plan", "legalBasis")
    assert _values(copy, "document", "title") == ["Lebenslauf"]  # not the Ärztliches Attest
    assert set(_values(copy, "referral", "partner")) == {
        "Schuldnerberatung West e. V. (Demo)",
        "Suchtberatung Nord (Demo)",
    }
    assert "Schuldnerberatung West e. V. (Demo)" in _values(copy, "consent", "partner")
    assert _values(copy, "appointment", "place")
    labels = {section["objectType"]: section["label"] for section in copy["sections"]}
    assert labels["client"] == "Stammdaten"
    assert not PROTECTED_TYPES & set(labels)
    fields = [
        field
        for section in copy["sections"]
        for item in section["items"]
        for field in item["fields"]
    ]
    assert not PROTECTED_FIELDS & {field["name"] for field in fields}
    assert {field["category"] for field in fields} <= {
        "identity",
        "contact",
        "household",
        "case_status",
        "case_closure",
        "integration_plan",
        "referral",
        "consents",
        "appointments",
        "documents",
    }
    assert all(field["label"] and field["categoryLabel"] for field in fields)


async def test_the_data_protection_officer_gets_the_same_copy(dev_settings, dev_client):
    michael = await _copy(dev_settings, dev_client, "kunde.modemann")
    officer = await _copy(dev_settings, dev_client, "dsb.wagner")

    assert officer["sections"] == michael["sections"]


async def test_every_item_is_recorded_as_read_by_whoever_read_it(
    dev_settings, dev_client, owner_url
):
    copy = await _copy(dev_settings, dev_client, "dsb.wagner")

    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT r.object_type, r.object_id, r.fields, r.basis, s.subject"
                    " FROM audit_records r JOIN staff_users s ON s.id = r.actor_id"
                    " WHERE r.subject_id = :c AND r.operation = 'MyDataCopy'"
                    " AND r.action = 'read'"
                ),
                {"c": MICHAEL},
            )
        ).all()
    await engine.dispose()
    recorded = {(row.object_type, str(row.object_id)): set(row.fields) for row in rows}
    assert {row.subject for row in rows} == {"dsb.wagner"}
    assert {row.basis for row in rows} == {"same_jobcenter"}
    for section in copy["sections"]:
        for item in section["items"]:
            names = {field["name"] for field in item["fields"]}
            assert names <= recorded[(section["objectType"], item["id"])], section["objectType"]
    assert {"sections"} <= recorded[("access_report", MICHAEL)]


async def test_nobody_else_gets_the_copy(dev_settings, dev_client):
    refused = {}
    for user in ("kunde.beispiel", "fm.koenigstein", "sb.schmied"):
        body = await as_demo(dev_settings, dev_client, user, DATA_COPY, clientId=MICHAEL)
        assert body["data"] is None
        refused[user] = errors_by_path(body)[("dataCopy",)]

    # The case manager knows Michael (FORBIDDEN); to others his id is nothing (NOT_FOUND).
    assert refused == {
        "kunde.beispiel": "NOT_FOUND",
        "fm.koenigstein": "FORBIDDEN",
        "sb.schmied": "NOT_FOUND",
    }


async def test_the_copy_as_json_over_http_is_the_same_and_recorded(
    dev_settings, dev_client, owner_url
):
    graphql = await _copy(dev_settings, dev_client, "kunde.modemann")

    response = await dev_client.get(
        f"/auskunft/{MICHAEL}/copy", headers=await demo_token(dev_settings, "kunde.modemann")
    )
    anonymous = await dev_client.get(f"/auskunft/{MICHAEL}/copy")
    case_manager = await dev_client.get(
        f"/auskunft/{MICHAEL}/copy", headers=await demo_token(dev_settings, "fm.koenigstein")
    )

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["sections"] == graphql["sections"]
    assert anonymous.status_code == 401
    assert case_manager.status_code == 403
    assert case_manager.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        recorded = await conn.scalar(
            text(
                "SELECT count(*) FROM audit_records WHERE subject_id = :c"
                " AND operation = 'auskunft:copy' AND object_type = 'plan_item'"
            ),
            {"c": MICHAEL},
        )
    await engine.dispose()
    assert recorded >= len(_values(graphql, "plan_item", "title"))


async def test_the_copy_is_summarised_with_the_auskunft_not_listed(dev_settings, dev_client):
    """Reading the copy is reading the Auskunft (Art. 15(3)): one line, like the report's own
    reads, not a statement that the officer or Michael read all his data."""
    await _copy(dev_settings, dev_client, "dsb.wagner")
    michael = await demo_token(dev_settings, "kunde.modemann")
    assert (await dev_client.get(f"/auskunft/{MICHAEL}/copy", headers=michael)).status_code == 200
    assert (await dev_client.get(f"/auskunft/{MICHAEL}", headers=michael)).status_code == 200
    now = datetime.now(UTC)

    body = await as_demo(
        dev_settings,
        dev_client,
        "kunde.modemann",
        REPORT,
        clientId=MICHAEL,
        **{"from": (now - timedelta(days=1)).isoformat(), "to": now.isoformat()},
    )

    report = body["data"]["accessReport"]
    occasions = {o for r in report["readers"] for s in r["statements"] for o in s["occasions"]}
    assert not {"Kopie Ihrer Daten", "Auskunft als Dokument"} & occasions
    roles = {r["role"] for r in report["readers"]}
    assert "die oder der Datenschutzbeauftragte" not in roles
    assert "Datenschutzbeauftragte" in report["reportReads"]
