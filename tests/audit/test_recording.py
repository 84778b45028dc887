"""Every field read of personal data is recorded — exactly the fields returned, never a refused
one — in the same transaction, before the response leaves; if that fails, no data leaves."""

from __future__ import annotations

import uuid

from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.db.urls import APP_ROLE
from service.referrals.models import ReferralStatus
from tests.graphql import post_graphql
from tests.referral_factories import consent, referral, referral_setting

PARTNER_READS_CLIENT = """
query PartnerReadsClient($id: ID!) {
  referral(id: $id) { purpose client { givenName familyName householdSize } }
}
"""


async def _records(owner_url, subject_id: uuid.UUID) -> list[dict]:
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT object_type, fields, basis, operation, action, actor_kind,"
                " actor_organisation_id FROM audit_records WHERE subject_id = :s"
                " ORDER BY seq, entry"
            ),
            {"s": subject_id},
        )
        found = [dict(row._mapping) for row in rows]
    await engine.dispose()
    return found


async def test_partner_read_is_recorded_field_by_field_with_its_consent(
    client, tokens, factories, owner_url
):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    consent_id = await consent(factories, setting, referral_id, "identity")

    response = await post_graphql(
        client,
        PARTNER_READS_CLIENT,
        headers=tokens.headers(setting.counsellor),
        variables={"id": str(referral_id)},
    )

    assert response.json()["data"]["referral"]["client"]["householdSize"] is None  # refused
    records = await _records(owner_url, setting.client.id)
    assert records == [
        {
            "object_type": "referral",
            "fields": ["purpose"],
            "basis": "referral_recipient",
            "operation": "PartnerReadsClient",
            "action": "read",
            "actor_kind": "partner",
            "actor_organisation_id": setting.organisation.id,
        },
        {
            "object_type": "client",
            "fields": ["familyName", "givenName"],  # householdSize was refused: not read
            "basis": f"consent:{consent_id}",
            "operation": "PartnerReadsClient",
            "action": "read",
            "actor_kind": "partner",
            "actor_organisation_id": setting.organisation.id,
        },
    ]


async def test_a_fully_refused_read_leaves_no_read_record(client, tokens, factories, owner_url):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)

    await post_graphql(
        client,
        "query($id: ID!) { referral(id: $id) { client { familyName } } }",
        headers=tokens.headers(setting.counsellor),
        variables={"id": str(referral_id)},
    )

    assert await _records(owner_url, setting.client.id) == []


async def test_when_records_cannot_be_written_no_personal_data_leaves(
    client, tokens, factories, owner_url
):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "identity")
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.begin() as conn:
        await conn.execute(text(f"REVOKE EXECUTE ON FUNCTION audit_append FROM {APP_ROLE}"))
    try:
        response = await post_graphql(
            client,
            PARTNER_READS_CLIENT,
            headers=tokens.headers(setting.counsellor),
            variables={"id": str(referral_id)},
        )
    finally:
        async with engine.begin() as conn:
            await conn.execute(text(f"GRANT EXECUTE ON FUNCTION audit_append TO {APP_ROLE}"))
        await engine.dispose()

    assert response.status_code == 503
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": "the request could not be recorded, so no data is returned; try again",
                "extensions": {"code": "AUDIT_UNAVAILABLE"},
            }
        ],
    }
    assert "Schuldenfrei" not in response.text


async def test_service_role_cannot_alter_or_forge_records(runtime):
    async with runtime.database.engine.connect() as conn:
        for statement in (
            "UPDATE audit_entries SET fields = 0",
            "DELETE FROM audit_entries",
            "DELETE FROM audit_requests",
            "TRUNCATE audit_requests",
            "UPDATE audit_fields SET name = 'email'",
            "INSERT INTO audit_bases (tenant_id, code, name)"
            " SELECT tenant_id, 0, 'forged' FROM audit_bases",
            "INSERT INTO audit_chain_heads (tenant_id, seq, hash)"
            " VALUES (gen_random_uuid(), 0, '')",
        ):
            try:
                await conn.execute(text(statement))
            except Exception as error:  # the refusal is what this test wants
                assert "permission denied" in str(error)
                await conn.rollback()
            else:
                raise AssertionError(f"the service role could run: {statement}")


async def test_a_change_is_recorded_as_a_write_without_its_values(
    client, tokens, factories, owner_url
):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting, status=ReferralStatus.SENT)

    await post_graphql(
        client,
        "mutation Decline($id: ID!) { respondToReferral(referralId: $id, accept: false,"
        ' reason: "Kein Platz bis März") { errors { code } } }',
        headers=tokens.headers(setting.counsellor),
        variables={"id": str(referral_id)},
    )

    writes = [r for r in await _records(owner_url, setting.client.id) if r["action"] == "write"]
    assert {(w["object_type"], tuple(w["fields"])) for w in writes} == {
        ("referral", ("status",)),
        (
            "referral_status_change",
            # the referral's organisation, on the row since migration 0007 (a key)
            (
                "changedAt",
                "changedById",
                "changedByKind",
                "partnerOrganisationId",
                "reason",
                "referralId",
                "status",
            ),
        ),
    }
    assert {(w["basis"], w["operation"], w["actor_kind"]) for w in writes} == {
        ("change", "Decline", "partner")
    }
    assert "Kein Platz" not in repr(writes)
