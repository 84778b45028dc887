"""Restriction (Sperrung) refuses every read of a client's data with a clear error until it is
lifted; erasure (Löschung) removes the personal content, keeps the keys, and the audit says that
data was erased without keeping what it was."""

from __future__ import annotations

from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.audit.verify import verify_tenant
from service.cases.models import CaseStatus
from service.identity.roles import Role
from tests.graphql import post_graphql
from tests.graphql_errors import errors_by_path
from tests.referral_factories import consent, referral, referral_setting

RESTRICT = """
mutation Restrict($id: ID!) {
  restrictClient(clientId: $id, reason: "Widerspruch der Kundin, Prüfung läuft") {
    restricted errors { code message }
  }
}
"""
LIFT = "mutation($id: ID!) { liftRestriction(clientId: $id) { restricted errors { code } } }"
ERASE = "mutation Erase($id: ID!) { eraseClient(clientId: $id) { erased errors { code message } } }"
PARTNER_READ = "query($id: ID!) { referral(id: $id) { purpose client { familyName } } }"


async def _call(client, tokens, person, document, **variables):
    response = await post_graphql(
        client, document, headers=tokens.headers(person), variables=variables
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _restricted_setting(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "identity")
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)
    restricted = await _call(client, tokens, dpo, RESTRICT, id=str(setting.client.id))
    assert restricted["data"]["restrictClient"] == {"restricted": True, "errors": []}
    return setting, referral_id, dpo


async def test_restricted_client_is_refused_to_the_partner_with_a_clear_error(
    client, tokens, factories
):
    setting, referral_id, _ = await _restricted_setting(client, tokens, factories)

    body = await _call(client, tokens, setting.counsellor, PARTNER_READ, id=str(referral_id))

    assert body["data"]["referral"] == {"purpose": None, "client": {"familyName": None}}
    assert errors_by_path(body) == {
        ("referral", "purpose"): "RESTRICTED",
        ("referral", "client", "familyName"): "RESTRICTED",
    }
    assert body["errors"][0]["extensions"]["messageDe"].startswith("die Verarbeitung")


async def test_lifting_the_restriction_opens_the_consented_data_again(client, tokens, factories):
    setting, referral_id, dpo = await _restricted_setting(client, tokens, factories)

    lifted = await _call(client, tokens, dpo, LIFT, id=str(setting.client.id))
    body = await _call(client, tokens, setting.counsellor, PARTNER_READ, id=str(referral_id))

    assert lifted["data"]["liftRestriction"] == {"restricted": False, "errors": []}
    assert body["data"]["referral"]["client"]["familyName"] == "Schuldenfrei"


async def test_restricting_twice_is_an_invalid_state(client, tokens, factories):
    setting, _, dpo = await _restricted_setting(client, tokens, factories)

    again = await _call(client, tokens, dpo, RESTRICT, id=str(setting.client.id))

    assert again["data"]["restrictClient"]["errors"][0]["code"] == "INVALID_STATE"


async def test_only_the_data_protection_officer_restricts_or_erases(client, tokens, factories):
    setting = await referral_setting(factories)

    restricted = await _call(
        client, tokens, setting.case_manager, RESTRICT, id=str(setting.client.id)
    )
    erased = await _call(client, tokens, setting.case_manager, ERASE, id=str(setting.client.id))

    assert errors_by_path(restricted) == {("restrictClient",): "FORBIDDEN"}
    assert errors_by_path(erased) == {("eraseClient",): "FORBIDDEN"}


async def test_erasure_waits_until_the_case_is_closed(client, tokens, factories):
    setting = await referral_setting(factories)
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)

    body = await _call(client, tokens, dpo, ERASE, id=str(setting.client.id))

    (error,) = body["data"]["eraseClient"]["errors"]
    assert (error["code"], error["message"]) == (
        "INVALID_STATE",
        "the client has an open case; erase after it is closed",
    )


async def test_erasure_removes_the_personal_data_and_the_audit_keeps_working(
    client, tokens, factories, owner_url
):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "identity")
    await _call(client, tokens, setting.counsellor, PARTNER_READ, id=str(referral_id))
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.begin() as conn:
        # Closed, in after-care: the referral's purpose lasts, so the partner still reads
        # (the placeholders, once erased).
        await conn.execute(
            text(
                "UPDATE cases SET status = :closed, aftercare_until = current_date + 30"
                " WHERE id = :id"
            ),
            {"closed": str(CaseStatus.CLOSED), "id": setting.case_id},
        )

    erased = await _call(client, tokens, dpo, ERASE, id=str(setting.client.id))
    seen = await _call(client, tokens, setting.counsellor, PARTNER_READ, id=str(referral_id))

    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT family_name, date_of_birth, erased_at FROM clients WHERE id = :id"),
                {"id": setting.client.id},
            )
        ).one()
        audit_text = await conn.scalar(
            text(
                "SELECT string_agg(concat_ws(' ', basis, fields::text), ' | ') FROM audit_records"
                " WHERE subject_id = :id"
            ),
            {"id": setting.client.id},
        )
        report = await verify_tenant(conn, setting.jobcenter.id)
    await engine.dispose()
    assert erased["data"]["eraseClient"] == {"erased": True, "errors": []}
    assert (row.family_name, row.date_of_birth) == ("[gelöscht]", None)
    assert row.erased_at is not None
    assert seen["data"]["referral"] == {
        "purpose": "[gelöscht]",
        "client": {"familyName": "[gelöscht]"},
    }
    assert "erasure" in audit_text and "familyName" in audit_text
    assert "Schuldenfrei" not in audit_text
    assert report.intact


async def test_erasing_twice_is_an_invalid_state(client, tokens, factories, owner_url):
    jobcenter = await factories.jobcenter()
    person = await factories.client(jobcenter)
    dpo = await factories.staff(jobcenter, Role.DATA_PROTECTION_OFFICER)
    await _call(client, tokens, dpo, ERASE, id=str(person.id))

    again = await _call(client, tokens, dpo, ERASE, id=str(person.id))

    assert again["data"]["eraseClient"]["errors"][0]["message"] == "already erased"
