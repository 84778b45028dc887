"""What an actor is to a referral's data: relations and consents, as facts for the guard.

Only facts are gathered here; policies.polar decides what they allow.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.cases.access import staff_access
from service.cases.models import Case, CaseStatus
from service.cases.rules import in_aftercare
from service.consent.facts import consent_records
from service.db.base import row_columns
from service.db.driver_rows import ReadStatement, among
from service.identity.actor import Actor
from service.identity.roles import ActorKind
from service.moments import JOBCENTER_TIMEZONE
from service.policy.facts import Access, ConsentPurpose, ObjectFlag, Relation
from service.referrals.models import OPEN_STATUSES, ProgressReport, Referral, ReferralStatus

_CASES = ReadStatement(select(*row_columns(Case)).where(among(Case.id, "ids")))


async def referral_cases(
    session: AsyncSession, referrals: Sequence[Referral]
) -> dict[uuid.UUID, Any]:
    """The cases of `referrals` the scope can see, by id, as rows that read like `Case`s
    (service/db/base.row_columns)."""
    if not referrals:
        return {}
    rows = await _CASES.rows(session, ids=list({referral.case_id for referral in referrals}))
    return {row.id: row for row in rows}


async def referral_access(
    session: AsyncSession,
    actor: Actor,
    referrals: Sequence[Referral],
    now: datetime,
    *,
    cases: Mapping[uuid.UUID, Any] | None = None,
) -> dict[uuid.UUID, Access]:
    """One Access per referral, from a constant number of queries however many there are.

    A partner stands to a referral as its recipient; staff stand to it as they stand to its case
    (service/cases/access.py). Either way the referral's own consents come on top, and the flag
    whether the referral is still open (the purpose those consents serve, § 78 SGB X): not in a
    final status, and its case not finally closed (closed, and any after-care over).
    `cases`: what `referral_cases` read of them, where the caller has it already.
    """
    if not referrals:
        return {}
    records = await consent_records(
        session,
        client_ids={referral.client_id for referral in referrals},
        purpose=ConsentPurpose.REFERRAL,
        now=now,
    )
    by_referral: dict[uuid.UUID, list] = defaultdict(list)
    for record in records:
        by_referral[record.referral_id].append(record.fact)
    if cases is None:
        cases = await referral_cases(session, referrals)
    today = now.astimezone(JOBCENTER_TIMEZONE).date()
    ended = {case.id for case in cases.values() if _finally_closed(case, today)}

    def flags(referral: Referral) -> frozenset[ObjectFlag]:
        return frozenset() if referral.case_id in ended else _flags(referral)

    if actor.kind is ActorKind.PARTNER:
        relations = frozenset({Relation.REFERRAL_RECIPIENT})
        return {
            referral.id: Access(relations, tuple(by_referral[referral.id]), flags(referral))
            for referral in referrals
        }
    by_case = await staff_access(session, actor, list(cases.values()), now=now)
    no_standing = Access(frozenset())
    return {
        referral.id: Access(
            by_case.get(referral.case_id, no_standing).relations,
            (*by_case.get(referral.case_id, no_standing).consents, *by_referral[referral.id]),
            flags(referral),
        )
        for referral in referrals
    }


def _finally_closed(case: Case, today: date) -> bool:
    """Closed without after-care, or its after-care over: a referral made in after-care
    serves it no longer (the ones open at closure were aborted then)."""
    return case.status == CaseStatus.CLOSED and not in_aftercare(case, today)


def with_current_status(access: Access, referral: Referral) -> Access:
    """The access again after the referral's status changed within the request: a step to a
    final status ends the partner's reading at once, in the same response. (A final status is
    final: no step reopens a referral, nor one whose case has finally closed.)"""
    if ReferralStatus(referral.status) in OPEN_STATUSES:
        return access
    return Access(access.relations, access.consents, access.flags - {ObjectFlag.REFERRAL_OPEN})


def progress_report_access(access: Access, actor: Actor, report: ProgressReport) -> Access:
    """The access to one progress report: the referral's, and, for the organisation that wrote
    the report, that it is its author (what a partner reported it may read again, whatever the
    consents say: policies.polar, "What they reported themselves")."""
    if report.author_organisation_id != actor.organisation_id:
        return access
    relations = access.relations | {Relation.REPORT_AUTHOR}
    return Access(relations, access.consents, access.flags)


def _flags(referral: Referral) -> frozenset[ObjectFlag]:
    if ReferralStatus(referral.status) in OPEN_STATUSES:
        return frozenset({ObjectFlag.REFERRAL_OPEN})
    return frozenset()
