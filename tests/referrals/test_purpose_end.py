"""Partner access ends with the purpose (§ 78 SGB X, domain/000 Zweckbindungsprinzip): once a
referral is declined, completed, aborted or a no-show — or its case is closed, which aborts the
open referrals with the reason "Fallabgang", recorded like every status change — the partner
keeps the referral record and their own reports, but reads no more of the client's data, whatever
the consent says."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.cases.vocabulary import AssessmentSubcategory
from service.referrals.models import FINAL_STATUSES, ReferralStatus
from tests.cases.factories import CaseFactories
from tests.graphql import post_graphql
from tests.graphql_errors import errors_by_path
from tests.referral_factories import consent, referral, referral_setting

PARTNER_VIEW = """
query PartnerView($id: ID!) {
  referral(id: $id) {
    purpose status
    client { givenName }
    case { assessment { finances { subject } } }
    progressReports { text }
  }
}
"""
FINAL_REPORT = """
mutation FinalReport($input: ReportProgressInput!) {
  reportProgress(input: $input) {
    referral { status client { givenName } progressReports { text } }
    errors { code message }
  }
}
"""
CLOSE = """
mutation Close($input: CloseCaseInput!) {
  closeCase(input: $input) { case { status } errors { code message } }
}
"""
HISTORY = """
query History($id: ID!) {
  referral(id: $id) {
    status
    statusHistory { status reason changedByKind }
    client { givenName }
  }
}
"""
CLIENT_DATA_PATHS = {
    ("referral", "client", "givenName"): "FORBIDDEN",
    ("referral", "case", "assessment", "finances"): "FORBIDDEN",
}


async def _call(client, tokens, person, document, **variables):
    response = await post_graphql(
        client, document, headers=tokens.headers(person), variables=variables
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _consented(factories, *, status: ReferralStatus = ReferralStatus.IN_PROGRESS):
    """A referral whose client consented to their name and debts reaching the partner."""
    setting = await referral_setting(factories)
    await CaseFactories(factories).entry(
        setting.jobcenter,
        setting.case_id,
        setting.case_manager,
        AssessmentSubcategory.DEBTS,
        subject="Mietschulden",
    )
    referral_id = await referral(factories, setting, status=status)
    await consent(factories, setting, referral_id, "identity", "assessment_finances")
    return setting, referral_id


async def test_while_the_referral_is_open_the_partner_reads_what_the_consent_covers(
    client, tokens, factories
):
    setting, referral_id = await _consented(factories)

    body = await _call(client, tokens, setting.counsellor, PARTNER_VIEW, id=str(referral_id))

    assert "errors" not in body, body
    assert body["data"]["referral"]["client"] == {"givenName": "Tobias"}
    assert body["data"]["referral"]["case"]["assessment"]["finances"] == [
        {"subject": "Mietschulden"}
    ]


@pytest.mark.parametrize("final", sorted(FINAL_STATUSES))
async def test_in_a_final_status_the_partner_keeps_the_referral_but_not_the_client(
    client, tokens, factories, final
):
    setting, referral_id = await _consented(factories, status=final)

    body = await _call(client, tokens, setting.counsellor, PARTNER_VIEW, id=str(referral_id))

    referral_seen = body["data"]["referral"]
    assert (referral_seen["purpose"], referral_seen["status"]) == (
        "Schuldenregulierung klären",
        final.upper(),
    )
    assert (referral_seen["client"], referral_seen["case"]) == (
        {"givenName": None},
        {"assessment": {"finances": None}},
    )
    assert errors_by_path(body) == CLIENT_DATA_PATHS


async def test_after_the_final_report_the_partner_reads_its_reports_but_not_the_client(
    client, tokens, factories
):
    setting, referral_id = await _consented(factories)
    final_report = {
        "referralId": str(referral_id),
        "reportedOn": date.today().isoformat(),
        "attendance": "ATTENDED",
        "text": "Schuldenbereinigungsplan steht, Beratung beendet.",
        "status": "COMPLETED",
    }

    reported = await _call(client, tokens, setting.counsellor, FINAL_REPORT, input=final_report)
    later = await _call(client, tokens, setting.counsellor, PARTNER_VIEW, id=str(referral_id))

    # The final report itself is still the partner's to give; with it the purpose ends at once.
    assert reported["data"]["reportProgress"] == {
        "referral": {
            "status": "COMPLETED",
            "client": {"givenName": None},
            "progressReports": [{"text": "Schuldenbereinigungsplan steht, Beratung beendet."}],
        },
        "errors": [],
    }
    assert errors_by_path(reported) == {
        ("reportProgress", "referral", "client", "givenName"): "FORBIDDEN"
    }
    assert later["data"]["referral"]["progressReports"] == [
        {"text": "Schuldenbereinigungsplan steht, Beratung beendet."}
    ]
    assert later["data"]["referral"]["status"] == "COMPLETED"
    assert errors_by_path(later) == CLIENT_DATA_PATHS


async def test_no_report_after_the_referral_has_ended(client, tokens, factories):
    setting, referral_id = await _consented(factories, status=ReferralStatus.COMPLETED)
    late_report = {
        "referralId": str(referral_id),
        "reportedOn": date.today().isoformat(),
        "attendance": "ATTENDED",
        "text": "Nachtrag",
    }

    body = await _call(client, tokens, setting.counsellor, FINAL_REPORT, input=late_report)

    assert body["data"]["reportProgress"] == {
        "referral": None,
        "errors": [
            {
                "code": "INVALID_STATE",
                "message": "reports are possible only on accepted referrals in progress",
            }
        ],
    }


async def test_closing_the_case_aborts_its_open_referrals_and_ends_partner_access(
    client, tokens, factories, owner_url
):
    setting, in_progress = await _consented(factories)
    sent = await referral(factories, setting, status=ReferralStatus.SENT)
    declined = await referral(factories, setting, status=ReferralStatus.DECLINED)

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
            "aftercareUntil": (date.today() + timedelta(days=30)).isoformat(),
        },
    )
    seen = await _call(client, tokens, setting.counsellor, HISTORY, id=str(in_progress))
    view = await _call(client, tokens, setting.counsellor, PARTNER_VIEW, id=str(in_progress))

    assert closed["data"]["closeCase"] == {"case": {"status": "CLOSED"}, "errors": []}
    assert seen["data"]["referral"]["status"] == "ABORTED"
    assert seen["data"]["referral"]["statusHistory"][-1] == {
        "status": "ABORTED",
        "reason": "Fallabgang",
        "changedByKind": "STAFF",
    }
    assert errors_by_path(seen) == {("referral", "client", "givenName"): "FORBIDDEN"}
    assert errors_by_path(view) == CLIENT_DATA_PATHS
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        statuses = dict(
            (
                await conn.execute(
                    text("SELECT id, status FROM referrals WHERE case_id = :c"),
                    {"c": setting.case_id},
                )
            ).all()
        )
        changes = (
            await conn.execute(
                text(
                    "SELECT referral_id, reason, changed_by_kind, changed_by_id"
                    " FROM referral_status_changes WHERE status = 'aborted'"
                    " AND referral_id IN (:a, :b, :c)"
                ),
                {"a": in_progress, "b": sent, "c": declined},
            )
        ).all()
    await engine.dispose()
    assert statuses == {in_progress: "aborted", sent: "aborted", declined: "declined"}
    assert sorted(changes) == sorted(
        (referral_id, "Fallabgang", "staff", setting.case_manager.id)
        for referral_id in (in_progress, sent)
    )
