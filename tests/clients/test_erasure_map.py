"""Erasure walks the data map: a marker planted in every free text and identifying column of a
client's rows — in every table that holds their data — is gone after `eraseClient`, the keys
stay, the audit says which fields of which rows were erased (never what they held), and a
column added without a classification is caught."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.cases.cooperation_models import (
    Conciliation,
    CooperationPlan,
    CooperationPlanReview,
    CooperationRequest,
    PotentialAnalysis,
    PotentialAnalysisItem,
)
from service.cases.models import (
    AftercareNote,
    AssessmentEntry,
    CaseDocument,
    CaseReview,
    CaseStatus,
    IntegrationAgreement,
    PlanItem,
    PlanItemRevision,
    ProfilingItem,
)
from service.clients.privacy_models import ClientRestriction
from service.consent.models import Consent, ConsentRevocation
from service.identity.roles import Role
from service.referrals.models import ProgressReport, ReferralStatusChange
from tests.data_map_checks import catalog_client_tables, marker_found, plant_marker
from tests.diary.conftest import diary_rows
from tests.graphql import post_graphql
from tests.referral_factories import ReferralSetting, referral, referral_setting

ERASE = "mutation Erase($id: ID!) { eraseClient(clientId: $id) { erased errors { code } } }"
MARKER = "ZQX-MARK"


async def _client_in_every_table(factories) -> ReferralSetting:
    """A closed case with a row in every table that holds a client's data."""
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    tenant, case_id, author = setting.jobcenter.id, setting.case_id, setting.case_manager.id
    now = datetime.now(UTC)
    goal = PlanItem(tenant_id=tenant, id=uuid.uuid4(), case_id=case_id, kind="goal", title="Ziel")
    consent_id = uuid.uuid4()
    rows = [
        ProfilingItem(
            tenant_id=tenant,
            case_id=case_id,
            position=0,
            category="capacity",
            data_category="assessment_health",
            detail="Profiling",
        ),
        AssessmentEntry(
            tenant_id=tenant,
            case_id=case_id,
            kind="stabilisation_need",
            category="circumstances",
            subcategory="debts",
            data_category="assessment_finances",
            subject="Betreff",
            detail="Detail",
            recorded_by_id=author,
        ),
        goal,
        PlanItemRevision(
            tenant_id=tenant,
            case_id=case_id,
            plan_item_id=goal.id,
            change="edited",
            reason="Fortschreibung",
            title="Ziel vorher",
            resources="Ressourcen vorher",
            outcome="achieved",
            outcome_reason="Ergebnis vorher",
            changed_by_id=author,
        ),
        IntegrationAgreement(
            tenant_id=tenant,
            case_id=case_id,
            number=1,
            valid_from=date.today(),
            valid_until=date.today() + timedelta(days=180),
            plan=[{"title": "Ziel"}],
            concluded_by_id=author,
        ),
        CaseReview(
            tenant_id=tenant,
            case_id=case_id,
            reviewed_on=date.today(),
            reasoning="Begründung",
            prognosis="Prognose",
            next_review_due=date.today() + timedelta(days=180),
            author_id=author,
        ),
        AftercareNote(tenant_id=tenant, case_id=case_id, text="Vermerk", author_id=author),
        CaseDocument(
            tenant_id=tenant,
            case_id=case_id,
            title="Attest",
            area="protected",
            data_category="assessment_health",
            author_id=author,
            media_type="text/plain",
            size_bytes=6,
            content=b"Attest",
        ),
        ReferralStatusChange(
            tenant_id=tenant,
            referral_id=referral_id,
            partner_organisation_id=setting.organisation.id,
            status="accepted",
            reason="Grund",
            changed_by_kind="staff",
            changed_by_id=author,
        ),
        ProgressReport(
            tenant_id=tenant,
            referral_id=referral_id,
            partner_organisation_id=setting.organisation.id,
            reported_on=date.today(),
            attendance="attended",
            status="in_progress",
            text="Bericht",
            next_appointment=now + timedelta(days=7),
            author_organisation_id=setting.organisation.id,
            author_id=setting.counsellor.id,
        ),
        Consent(
            tenant_id=tenant,
            id=consent_id,
            client_id=setting.client.id,
            purpose="referral",
            grantee_organisation_id=setting.organisation.id,
            referral_id=referral_id,
            direction="to_partner",
            categories=["identity"],
            explicit_special_categories=False,
            valid_from=now - timedelta(days=1),
            evidence_reference="Formular",
            informed_content=True,
            informed_effects=True,
            informed_scope=True,
            informed_voluntariness=True,
            informed_benefit=True,
            recorded_by_kind="staff",
            recorded_by_id=author,
        ),
        ClientRestriction(
            tenant_id=tenant,
            client_id=setting.client.id,
            reason="Widerspruch",
            restricted_by_id=author,
            lifted_at=now,
            lifted_by_id=author,
        ),
    ]
    async with factories._session(tenant=tenant) as session:
        session.add_all(rows)
        await session.flush()
        for row in _cooperation_rows(tenant, case_id, author):
            session.add(row)
            await session.flush()
        for rows in diary_rows(tenant, case_id, author):
            session.add_all(rows)
            await session.flush()
        session.add(
            ConsentRevocation(
                tenant_id=tenant,
                consent_id=consent_id,
                grantee_organisation_id=setting.organisation.id,
                revoked_by_kind="staff",
                revoked_by_id=author,
                channel="in_person",
                note="Notiz",
            )
        )
        await session.execute(
            text(
                "UPDATE cases SET status = :closed, closing_reasoning = 'Abgang',"
                " decision_reasoning = 'Aufnahme', decline_reason = NULL WHERE id = :id"
            ),
            {"closed": str(CaseStatus.CLOSED), "id": case_id},
        )
    return setting


def _cooperation_rows(tenant, case_id, author) -> list:
    """Potenzialanalyse and Kooperationsplan (0024), in the order their keys need."""
    analysis_id, plan_id = uuid.uuid4(), uuid.uuid4()
    today = date.today()
    return [
        PotentialAnalysis(
            tenant_id=tenant,
            id=analysis_id,
            case_id=case_id,
            conducted_on=today,
            conducted_by_id=author,
        ),
        PotentialAnalysisItem(
            tenant_id=tenant,
            case_id=case_id,
            analysis_id=analysis_id,
            position=0,
            kind="need",
            subcategory="addiction",
            data_category="assessment_addiction",
            text="Punkt",
        ),
        CooperationPlan(
            tenant_id=tenant,
            id=plan_id,
            case_id=case_id,
            number=2,
            legal_basis="SGB II § 15 (2023)",
            potential_analysis_id=analysis_id,
            valid_from=today,
            review_due=today + timedelta(days=180),
            plain_text="Plan",
            plan=[{"title": "Ziel"}],
            client_position="disagreed",
            client_position_note="Einwand",
            drawn_up_by_id=author,
        ),
        CooperationPlanReview(
            tenant_id=tenant,
            case_id=case_id,
            plan_id=plan_id,
            reviewed_on=today,
            with_client=True,
            notes="Überprüft",
            next_review_due=today + timedelta(days=180),
            author_id=author,
        ),
        Conciliation(
            tenant_id=tenant,
            case_id=case_id,
            plan_id=plan_id,
            started_on=today,
            requested_by="client",
            subject="Streit",
            status="agreed",
            ended_on=today,
            outcome="Einigung",
            recorded_by_id=author,
        ),
        CooperationRequest(
            tenant_id=tenant,
            case_id=case_id,
            plan_id=plan_id,
            issued_on=today,
            action="Bewerbung",
            due_on=today,
            legal_consequences="Belehrung",
            issued_by_id=author,
        ),
    ]


async def _erase(client, tokens, factories, setting: ReferralSetting) -> dict:
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)
    response = await post_graphql(
        client, ERASE, headers=tokens.headers(dpo), variables={"id": str(setting.client.id)}
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
async def owner_engine(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    yield engine
    await engine.dispose()


async def test_the_story_has_a_row_in_every_table_with_client_data(factories, owner_engine):
    setting = await _client_in_every_table(factories)

    async with owner_engine.connect() as conn:
        tables = await catalog_client_tables(conn)
        empty = [
            table
            for table in sorted(tables)
            if not await conn.scalar(
                text(f"SELECT count(*) FROM {table} WHERE tenant_id = :t"),
                {"t": setting.jobcenter.id},
            )
        ]

    assert len(tables) >= 15
    assert empty == []


async def test_erasure_leaves_no_planted_text_anywhere(client, tokens, factories, owner_engine):
    setting = await _client_in_every_table(factories)
    async with owner_engine.begin() as conn:
        planted = await plant_marker(conn, setting.client.id, MARKER)
        assert await marker_found(conn, MARKER) == sorted(planted)  # the check sees them

    body = await _erase(client, tokens, factories, setting)

    async with owner_engine.connect() as conn:
        left = await marker_found(conn, MARKER)
        kept_case = await conn.scalar(
            text("SELECT status FROM cases WHERE id = :id"), {"id": setting.case_id}
        )
    assert body["data"]["eraseClient"] == {"erased": True, "errors": []}
    assert len(planted) >= 25
    assert left == []
    assert kept_case == "closed"  # keys and codes stay: the counts still add up


async def test_erasure_is_recorded_per_row_by_field_names_never_values(
    client, tokens, factories, owner_engine
):
    setting = await _client_in_every_table(factories)

    await _erase(client, tokens, factories, setting)

    async with owner_engine.connect() as conn:
        records = (
            await conn.execute(
                text(
                    "SELECT object_type, fields FROM audit_records"
                    " WHERE subject_id = :id AND basis = 'erasure'"
                ),
                {"id": setting.client.id},
            )
        ).all()
        values = await conn.scalar(
            text("SELECT string_agg(fields::text, ' ') FROM audit_records WHERE subject_id = :id"),
            {"id": setting.client.id},
        )
    erased = {row.object_type: set(row.fields) for row in records}
    assert erased["client"] >= {"givenName", "familyName", "dateOfBirth", "customerNumber"}
    assert erased["case_review"] == {"reasoning", "prognosis"}
    assert erased["consent"] == {"evidenceReference"}
    assert erased["referral_status_change"] == {"reason"}
    assert "Vermerk" not in values and "Tobias" not in values


async def test_a_column_added_without_classification_survives_erasure_and_is_caught(
    client, tokens, factories, owner_engine
):
    setting = await _client_in_every_table(factories)
    async with owner_engine.begin() as conn:
        await conn.execute(text("ALTER TABLE aftercare_notes ADD COLUMN unmapped_note text"))
    try:
        async with owner_engine.begin() as conn:
            await plant_marker(conn, setting.client.id, MARKER)

        await _erase(client, tokens, factories, setting)

        async with owner_engine.connect() as conn:
            left = await marker_found(conn, MARKER)
    finally:
        async with owner_engine.begin() as conn:
            await conn.execute(text("ALTER TABLE aftercare_notes DROP COLUMN unmapped_note"))
    assert left == ["aftercare_notes.unmapped_note"]
