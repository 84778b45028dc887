"""The client's own view: a signed-in client finds their record through `me`, reads their case
(status, plan, agreement), their documents marked visible to them, their referrals and consents
with the partner's name and contact, and revokes a consent — and nothing of the protected
case-management area. Another client's case is NOT_FOUND, word for word like a random id. Every
read is recorded with the ground `data_subject`.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.cases.models import IntegrationAgreement, PlanItem
from service.cases.vocabulary import PlanItemKind
from service.referrals.models import ReferralStatus
from tests.cases.factories import CaseFactories
from tests.graphql import post_graphql
from tests.referral_factories import ReferralSetting, consent, referral, referral_setting

NOT_FOUND = {"code": "NOT_FOUND", "message": "not found", "messageDe": "nicht gefunden"}

ME = "query MyRecord { me { kind client { id givenName familyName } } }"

MY_CASES = """
query MyCases {
  cases(first: 10) {
    edges { node {
      id status careVariant nextReviewDue
      responsibleCaseManager { displayName }
      goals {
        title outcome { result }
        subGoals { title targetDate activities { title responsible targetDate } }
      }
      agreements { number validFrom }
    } }
  }
}
"""

PROTECTED_AREA = """
query MyCaseProtected($id: ID!) {
  case(id: $id) {
    status
    intake { intakeReasoning }
    assessment { finances { subject } }
    closingReasoning
    reviews { reviewedOn reasoning }
  }
}
"""

MY_DOCUMENTS = """
query MyDocuments($id: ID!) {
  case(id: $id) { documents { id title visibleToClient content { base64 } } }
}
"""

MY_REFERRALS = """
query MyReferrals {
  referrals(first: 10) {
    edges { node {
      purpose status serviceCategory firstReportDue
      partnerOrganisation { name }
      partner { organisation { name } serviceCategories contact }
      progressReports { reportedOn text }
    } }
  }
}
"""

MY_CONSENTS = """
query MyConsents($id: ID!) {
  consents(clientId: $id) {
    id active categories
    grantee { organisation { name } serviceCategories contact }
  }
}
"""

REVOKE = """
mutation RevokeMine($id: ID!) {
  revokeConsent(consentId: $id, channel: PORTAL) {
    consent { active revocationChannel }
    errors { code }
  }
}
"""

THE_CASE = "query TheCase($id: ID!) { case(id: $id) { id status } }"

NETWORK = "query Network { networkPartners { organisation { name } } }"


@pytest.fixture
async def setting(factories) -> ReferralSetting:
    return await referral_setting(factories)


async def _as(client, tokens, person, document: str, **variables) -> dict:
    response = await post_graphql(
        client, document, headers=tokens.headers(person), variables=variables
    )
    assert response.status_code == 200, response.text
    return response.json()


def _forbidden(body: dict) -> set[tuple]:
    return {
        tuple(error["path"])
        for error in body.get("errors", [])
        if error["extensions"]["code"] == "FORBIDDEN"
    }


async def _plan(factories, setting: ReferralSetting) -> None:
    tenant, case_id = setting.jobcenter.id, setting.case_id
    goal = PlanItem(
        tenant_id=tenant,
        id=uuid.uuid4(),
        case_id=case_id,
        kind=PlanItemKind.GOAL,
        title="Schulden regeln",
        outcome="achieved",
        outcome_on=date.today(),
    )
    sub_goal = PlanItem(
        tenant_id=tenant,
        id=uuid.uuid4(),
        case_id=case_id,
        kind=PlanItemKind.SUB_GOAL,
        goal_id=goal.id,
        title="Gläubigerliste",
        target_date=date.today() + timedelta(days=30),
    )
    activity = PlanItem(
        tenant_id=tenant,
        id=uuid.uuid4(),
        case_id=case_id,
        kind=PlanItemKind.ACTIVITY,
        goal_id=goal.id,
        sub_goal_id=sub_goal.id,
        title="Unterlagen sammeln",
        responsible="client",
        target_date=date.today() + timedelta(days=14),
    )
    agreement = IntegrationAgreement(
        tenant_id=tenant,
        id=uuid.uuid4(),
        case_id=case_id,
        number=1,
        valid_from=date.today(),
        valid_until=date.today() + timedelta(days=180),
        plan=[],
        concluded_by_id=setting.case_manager.id,
    )
    async with factories._session(tenant=tenant) as session:
        session.add(goal)
        await session.flush()
        session.add(sub_goal)
        await session.flush()
        session.add_all([activity, agreement])


async def test_me_gives_a_client_their_own_record(client, tokens, setting):
    body = await _as(client, tokens, setting.client, ME)

    assert body == {
        "data": {
            "me": {
                "kind": "CLIENT",
                "client": {
                    "id": str(setting.client.id),
                    "givenName": body["data"]["me"]["client"]["givenName"],
                    "familyName": "Schuldenfrei",
                },
            }
        }
    }


async def test_me_has_no_client_for_staff(client, tokens, setting):
    body = await _as(client, tokens, setting.case_manager, ME)

    assert body["data"]["me"] == {"kind": "STAFF", "client": None}


async def test_client_reads_their_case_status_and_plan(client, tokens, factories, setting):
    await _plan(factories, setting)

    body = await _as(client, tokens, setting.client, MY_CASES)

    assert "errors" not in body, body
    (edge,) = body["data"]["cases"]["edges"]
    case = edge["node"]
    assert case["id"] == str(setting.case_id)
    assert case["status"] == "ADMITTED"
    assert case["responsibleCaseManager"]["displayName"]
    (goal,) = case["goals"]
    assert goal["title"] == "Schulden regeln"
    assert goal["outcome"] == {"result": "ACHIEVED"}
    (sub_goal,) = goal["subGoals"]
    assert sub_goal["title"] == "Gläubigerliste"
    assert sub_goal["activities"][0]["responsible"] == "CLIENT"
    assert case["agreements"] == [{"number": 1, "validFrom": date.today().isoformat()}]


async def test_client_reads_nothing_of_the_protected_area(client, tokens, setting):
    body = await _as(client, tokens, setting.client, PROTECTED_AREA, id=str(setting.case_id))

    assert body["data"]["case"]["status"] == "ADMITTED"
    assert body["data"]["case"]["intake"]["intakeReasoning"] is None
    assert body["data"]["case"]["assessment"]["finances"] is None
    assert body["data"]["case"]["closingReasoning"] is None
    assert body["data"]["case"]["reviews"] == []  # the list is plan; its reasoning is not
    assert _forbidden(body) == {
        ("case", "intake", "intakeReasoning"),
        ("case", "assessment", "finances"),
        ("case", "closingReasoning"),
    }


async def test_client_reads_documents_marked_visible_not_the_protected_ones(
    client, tokens, factories, setting
):
    documents = CaseFactories(factories)
    visible = await documents.document(
        setting.jobcenter,
        setting.case_id,
        setting.case_manager,
        access_until=None,
        content=b"Lebenslauf",
        area="integration",
        data_category="documents",
        title="Lebenslauf",
    )
    await _mark_visible(factories, setting, visible)
    attest = await documents.document(
        setting.jobcenter,
        setting.case_id,
        setting.case_manager,
        access_until=None,
        data_category="assessment_health",
        title="Attest",
    )
    hidden = await documents.document(
        setting.jobcenter,
        setting.case_id,
        setting.case_manager,
        access_until=None,
        area="integration",
        data_category="documents",
        title="Vermerk",
    )

    body = await _as(client, tokens, setting.client, MY_DOCUMENTS, id=str(setting.case_id))

    by_id = {row["id"]: (i, row) for i, row in enumerate(body["data"]["case"]["documents"])}
    assert by_id[str(visible)][1] == {
        "id": str(visible),
        "title": "Lebenslauf",
        "visibleToClient": True,
        "content": {"base64": "TGViZW5zbGF1Zg=="},
    }
    for refused in (attest, hidden):
        index, row = by_id[str(refused)]
        assert row["title"] is None and row["content"] == {"base64": None}
        assert ("case", "documents", index, "title") in _forbidden(body)
        assert ("case", "documents", index, "content", "base64") in _forbidden(body)


async def _mark_visible(factories, setting: ReferralSetting, document_id: uuid.UUID) -> None:
    async with factories._session(tenant=setting.jobcenter.id) as session:
        await session.execute(
            text("UPDATE case_documents SET visible_to_client = true WHERE id = :id"),
            {"id": document_id},
        )


async def test_client_reads_their_referrals_with_the_partner_but_not_its_reports(
    client, tokens, factories, setting
):
    async with factories._session(tenant=setting.jobcenter.id) as session:
        await session.execute(
            text(
                "UPDATE network_memberships SET contact = 'Beratung: 040 123' WHERE tenant_id = :t"
            ),
            {"t": setting.jobcenter.id},
        )
    await referral(factories, setting, status=ReferralStatus.IN_PROGRESS)

    body = await _as(client, tokens, setting.client, MY_REFERRALS)

    (edge,) = body["data"]["referrals"]["edges"]
    node = edge["node"]
    assert node["purpose"] == "Schuldenregulierung klären"
    assert node["status"] == "IN_PROGRESS"
    assert node["serviceCategory"] == "DEBT_COUNSELLING"
    assert node["firstReportDue"]
    assert node["partnerOrganisation"] == {"name": "Testträger"}
    assert node["partner"]["organisation"] == {"name": "Testträger"}
    assert node["partner"]["serviceCategories"] == ["DEBT_COUNSELLING"]
    assert node["partner"]["contact"] == "Beratung: 040 123"
    assert "errors" not in body, body


async def test_client_reads_their_consents_with_the_partner_and_revokes_one(
    client, tokens, factories, setting
):
    referral_id = await referral(factories, setting)
    consent_id = await consent(factories, setting, referral_id, "identity", "contact")

    listed = await _as(client, tokens, setting.client, MY_CONSENTS, id=str(setting.client.id))
    revoked = await _as(client, tokens, setting.client, REVOKE, id=str(consent_id))
    after = await _as(client, tokens, setting.client, MY_CONSENTS, id=str(setting.client.id))

    assert "errors" not in listed, listed
    (given,) = listed["data"]["consents"]
    assert given["active"] is True
    assert given["grantee"]["organisation"] == {"name": "Testträger"}
    assert revoked["data"]["revokeConsent"] == {
        "consent": {"active": False, "revocationChannel": "PORTAL"},
        "errors": [],
    }
    assert after["data"]["consents"][0]["active"] is False


async def test_another_clients_case_is_not_found_like_a_random_id(client, tokens, factories):
    mine = await referral_setting(factories)
    theirs_client = await factories.client(mine.jobcenter)
    theirs = await CaseFactories(factories).case(
        mine.jobcenter, theirs_client, case_manager=mine.case_manager
    )

    answers = [
        await _as(client, tokens, mine.client, THE_CASE, id=str(case_id))
        for case_id in (theirs, uuid.uuid4())
    ]

    for body in answers:
        (error,) = body["errors"]
        assert {key: error["extensions"].get(key) for key in ("code", "messageDe")} == {
            "code": NOT_FOUND["code"],
            "messageDe": NOT_FOUND["messageDe"],
        }
        assert error["message"] == NOT_FOUND["message"]
    assert answers[0]["errors"][0]["extensions"] == answers[1]["errors"][0]["extensions"]


async def test_client_sees_only_their_own_cases_and_referrals(client, tokens, factories, setting):
    other = await factories.client(setting.jobcenter)
    await CaseFactories(factories).case(setting.jobcenter, other, case_manager=setting.case_manager)
    await referral(factories, setting)

    body = await _as(client, tokens, other, MY_REFERRALS)
    cases = await _as(client, tokens, setting.client, MY_CASES)

    assert body["data"]["referrals"]["edges"] == []
    assert [edge["node"]["id"] for edge in cases["data"]["cases"]["edges"]] == [
        str(setting.case_id)
    ]


async def test_the_network_itself_stays_closed_to_clients(client, tokens, setting):
    body = await _as(client, tokens, setting.client, NETWORK)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_clients_reads_are_recorded_as_the_data_subjects(
    client, tokens, factories, owner_url, setting
):
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "identity")

    await _as(client, tokens, setting.client, MY_REFERRALS)
    await _as(client, tokens, setting.client, PROTECTED_AREA, id=str(setting.case_id))

    records = await _records(owner_url, setting.client.id)
    assert {(r["object_type"], r["basis"]) for r in records} >= {
        ("referral", "data_subject"),
        ("case", "data_subject"),
    }
    assert {r["basis"] for r in records} == {"data_subject"}
    assert {r["actor_kind"] for r in records} == {"client"}
    case_fields = {f for r in records if r["object_type"] == "case" for f in r["fields"]}
    assert "status" in case_fields
    assert "closingReasoning" not in case_fields  # refused, so not read


async def _records(owner_url, subject_id: uuid.UUID) -> list[dict]:
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT object_type, fields, basis, actor_kind FROM audit_records"
                " WHERE subject_id = :s AND action = 'read' ORDER BY seq, entry"
            ),
            {"s": subject_id},
        )
        found = [dict(row._mapping) for row in rows]
    await engine.dispose()
    return found
