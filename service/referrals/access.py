"""What an actor is to a referral's data: relations and consents, as facts for the guard.

Only facts are gathered here; policies.polar decides what they allow.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.cases.access import staff_access
from service.cases.models import Case
from service.consent.facts import consent_records
from service.identity.actor import Actor
from service.identity.roles import ActorKind
from service.policy.facts import Access, ConsentPurpose, Relation
from service.referrals.models import Referral


async def referral_access(
    session: AsyncSession, actor: Actor, referrals: Sequence[Referral], now: datetime
) -> dict[uuid.UUID, Access]:
    """One Access per referral, from a constant number of queries however many there are.

    A partner stands to a referral as its recipient; staff stand to it as they stand to its case
    (service/cases/access.py). Either way the referral's own consents come on top.
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
    if actor.kind is ActorKind.PARTNER:
        relations = frozenset({Relation.REFERRAL_RECIPIENT})
        return {
            referral.id: Access(relations, tuple(by_referral[referral.id]))
            for referral in referrals
        }
    cases = await session.scalars(
        select(Case).where(Case.id.in_({referral.case_id for referral in referrals}))
    )
    by_case = await staff_access(session, actor, list(cases), now=now)
    no_standing = Access(frozenset())
    return {
        referral.id: Access(
            by_case.get(referral.case_id, no_standing).relations,
            (*by_case.get(referral.case_id, no_standing).consents, *by_referral[referral.id]),
        )
        for referral in referrals
    }
