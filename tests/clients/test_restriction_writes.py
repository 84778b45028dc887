"""Restriction (Sperrung, Art. 18 GDPR) stops writes as well as reads: while a client is
restricted, no change to their data is stored — whoever makes it, through whichever mutation —
but the data-protection officer's. The refusal is the typed payload error RESTRICTED; nothing is
stored and nothing is recorded as written. The client's own Auskunft keeps working, and a
consent can still be withdrawn (Art. 7(3) GDPR)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.identity.roles import Role
from tests.graphql import post_graphql
from tests.referral_factories import ALL_INFORMED, consent, referral, referral_setting

RESTRICT = """
mutation Restrict($id: ID!) {
  restrictClient(clientId: $id, reason: "Kundin bestreitet die Richtigkeit") {
    restricted errors { code }
  }
}
"""
LIFT = "mutation Lift($id: ID!) { liftRestriction(clientId: $id) { restricted errors { code } } }"
ADD_GOAL = """
mutation Goal($input: AddGoalInput!) {
  addGoal(input: $input) { changedId errors { field code message messageDe } }
}
"""
CLOSE = """
mutation Close($input: CloseCaseInput!) { closeCase(input: $input) { errors { code } } }
"""
AFTERCARE = """
mutation Note($input: AddAftercareNoteInput!) {
  addAftercareNote(input: $input) { changedId errors { field code message messageDe } }
}
"""
REPORT = """
mutation Report($input: ReportProgressInput!) {
  reportProgress(input: $input) {
    referral { id } errors { field code message messageDe }
  }
}
"""
RECORD_CONSENT = """
mutation Record($input: RecordConsentInput!) {
  recordConsent(input: $input) { consent { id } errors { field code message messageDe } }
}
"""
REVOKE_CONSENT = """
mutation Revoke($id: ID!) {
  revokeConsent(consentId: $id, channel: LETTER) { errors { code } }
}
"""
ACCESS_REPORT = """
query AccessReport($clientId: ID!, $from: DateTime!, $to: DateTime!) {
  accessReport(clientId: $clientId, from: $from, to: $to) { clientName referrals { status } }
}
"""
RESTRICTED_ERROR = {
    "field": None,
    "code": "RESTRICTED",
    "message": "processing of this client's data is restricted (Art. 18 GDPR); nothing was changed",
    "messageDe": "die Verarbeitung der Daten dieser Person ist eingeschränkt (Art. 18 DSGVO);"
    " es wurde nichts geändert",
}


async def _call(client, tokens, person, document, **variables):
    response = await post_graphql(
        client, document, headers=tokens.headers(person), variables=variables
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def _restricted(client, tokens, factories):
    """A client with an admitted case and an accepted referral, restricted by the DPO."""
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)
    done = await _call(client, tokens, dpo, RESTRICT, id=str(setting.client.id))
    assert done["restrictClient"] == {"restricted": True, "errors": []}
    return setting, referral_id, dpo


def _goal(setting):
    return {"input": {"caseId": str(setting.case_id), "title": "Schuldenregulierung"}}


def _report(referral_id):
    return {
        "input": {
            "referralId": str(referral_id),
            "reportedOn": date.today().isoformat(),
            "attendance": "ATTENDED",
            "text": "Erstgespräch geführt.",
        }
    }


def _consent(setting, referral_id):
    return {
        "input": {
            "clientId": str(setting.client.id),
            "purpose": "REFERRAL",
            "direction": "TO_PARTNER",
            "granteeOrganisationId": str(setting.organisation.id),
            "referralId": str(referral_id),
            "categories": ["identity"],
            "validUntil": (datetime.now(UTC) + timedelta(days=90)).isoformat(),
            "evidenceReference": "Einwilligung, unterschrieben",
            "informed": ALL_INFORMED,
        }
    }


async def _stored(owner_url, client_id: uuid.UUID) -> dict[str, int]:
    """What the client's rows are now, counted as the owner (no row-level security). Joined by
    jobcenter and id, as Citus joins shards (a join by id alone needs repartitioning)."""
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    queries = {
        "goals": "SELECT count(*) FROM plan_items p JOIN cases c"
        " ON c.tenant_id = p.tenant_id AND c.id = p.case_id"
        " WHERE c.client_id = :c",
        "notes": "SELECT count(*) FROM aftercare_notes n JOIN cases c"
        " ON c.tenant_id = n.tenant_id AND c.id = n.case_id"
        " WHERE c.client_id = :c",
        "reports": "SELECT count(*) FROM progress_reports p JOIN referrals r"
        " ON r.tenant_id = p.tenant_id AND r.id = p.referral_id WHERE r.client_id = :c",
        "consents": "SELECT count(*) FROM consents WHERE client_id = :c",
        "revocations": "SELECT count(*) FROM consent_revocations v JOIN consents c"
        " ON c.tenant_id = v.tenant_id AND c.id = v.consent_id WHERE c.client_id = :c",
        # Every recorded change but the DPO's own restriction rows.
        "writes": "SELECT count(*) FROM audit_records WHERE subject_id = :c AND action = 'write'"
        " AND object_type <> 'client_restriction'",
    }
    async with engine.connect() as conn:
        counts = {
            name: await conn.scalar(text(sql), {"c": client_id}) for name, sql in queries.items()
        }
    await engine.dispose()
    return counts


async def test_while_restricted_goals_reports_and_consents_are_refused_and_nothing_is_stored(
    client, tokens, factories, owner_url
):
    setting, referral_id, _ = await _restricted(client, tokens, factories)
    before = await _stored(owner_url, setting.client.id)

    goal = await _call(client, tokens, setting.case_manager, ADD_GOAL, **_goal(setting))
    report = await _call(client, tokens, setting.counsellor, REPORT, **_report(referral_id))
    by_staff = await _call(
        client, tokens, setting.case_manager, RECORD_CONSENT, **_consent(setting, referral_id)
    )
    by_client = await _call(
        client, tokens, setting.client, RECORD_CONSENT, **_consent(setting, referral_id)
    )

    assert goal["addGoal"] == {"changedId": None, "errors": [RESTRICTED_ERROR]}
    assert report["reportProgress"] == {"referral": None, "errors": [RESTRICTED_ERROR]}
    assert by_staff["recordConsent"] == {"consent": None, "errors": [RESTRICTED_ERROR]}
    assert by_client["recordConsent"] == {"consent": None, "errors": [RESTRICTED_ERROR]}
    assert await _stored(owner_url, setting.client.id) == before
    assert before["writes"] == 0


async def test_after_the_dpo_lifts_the_restriction_the_same_changes_are_stored(
    client, tokens, factories, owner_url
):
    setting, referral_id, dpo = await _restricted(client, tokens, factories)

    lifted = await _call(client, tokens, dpo, LIFT, id=str(setting.client.id))
    goal = await _call(client, tokens, setting.case_manager, ADD_GOAL, **_goal(setting))
    report = await _call(client, tokens, setting.counsellor, REPORT, **_report(referral_id))
    recorded = await _call(
        client, tokens, setting.case_manager, RECORD_CONSENT, **_consent(setting, referral_id)
    )

    assert lifted["liftRestriction"] == {"restricted": False, "errors": []}
    assert goal["addGoal"]["errors"] == [] and goal["addGoal"]["changedId"]
    assert report["reportProgress"] == {"referral": {"id": str(referral_id)}, "errors": []}
    assert recorded["recordConsent"]["errors"] == []
    stored = await _stored(owner_url, setting.client.id)
    assert (stored["goals"], stored["reports"], stored["consents"]) == (1, 1, 1)
    assert stored["writes"] > 0


async def test_an_aftercare_note_waits_for_the_lifting_of_the_restriction(
    client, tokens, factories, owner_url
):
    setting = await referral_setting(factories)
    closed = await _call(
        client,
        tokens,
        setting.case_manager,
        CLOSE,
        input={
            "caseId": str(setting.case_id),
            "reason": "LASTING_INTEGRATION",
            "reasoning": "Arbeitsvertrag unbefristet",
            "retrospective": "Ziele erreicht",
            "prospective": "Probezeit begleiten",
            "clientTookPart": True,
            "aftercareUntil": (date.today() + timedelta(days=90)).isoformat(),
        },
    )
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)
    await _call(client, tokens, dpo, RESTRICT, id=str(setting.client.id))
    note = {"input": {"caseId": str(setting.case_id), "note": "Krisengespräch nach Probezeit"}}

    refused = await _call(client, tokens, setting.case_manager, AFTERCARE, **note)
    notes_while_restricted = (await _stored(owner_url, setting.client.id))["notes"]
    await _call(client, tokens, dpo, LIFT, id=str(setting.client.id))
    stored = await _call(client, tokens, setting.case_manager, AFTERCARE, **note)

    assert closed["closeCase"]["errors"] == []
    assert refused["addAftercareNote"] == {"changedId": None, "errors": [RESTRICTED_ERROR]}
    assert notes_while_restricted == 0
    assert stored["addAftercareNote"]["errors"] == []
    assert (await _stored(owner_url, setting.client.id))["notes"] == 1


async def test_the_clients_own_access_report_works_and_is_recorded_while_restricted(
    client, tokens, factories, owner_url
):
    setting, _, _ = await _restricted(client, tokens, factories)
    now = datetime.now(UTC)

    report = await _call(
        client,
        tokens,
        setting.client,
        ACCESS_REPORT,
        clientId=str(setting.client.id),
        **{"from": (now - timedelta(days=1)).isoformat(), "to": now.isoformat()},
    )

    assert report["accessReport"] == {
        "clientName": "Tobias Schuldenfrei",
        "referrals": [{"status": "angenommen"}],
    }
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        recorded = await conn.scalar(
            text(
                "SELECT count(*) FROM audit_records WHERE subject_id = :c AND action = 'read'"
                " AND actor_kind = 'client' AND operation = 'AccessReport'"
            ),
            {"c": setting.client.id},
        )
    await engine.dispose()
    assert recorded > 0


async def test_a_consent_can_still_be_withdrawn_by_the_client_and_by_staff(
    client, tokens, factories, owner_url
):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    first = await consent(factories, setting, referral_id, "identity")
    second = await consent(factories, setting, referral_id, "contact")
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)
    await _call(client, tokens, dpo, RESTRICT, id=str(setting.client.id))

    by_client = await _call(client, tokens, setting.client, REVOKE_CONSENT, id=str(first))
    by_staff = await _call(client, tokens, setting.case_manager, REVOKE_CONSENT, id=str(second))

    assert by_client["revokeConsent"]["errors"] == []
    assert by_staff["revokeConsent"]["errors"] == []
    assert (await _stored(owner_url, setting.client.id))["revocations"] == 2
