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

from service.cases.models import Case
from service.consent.facts import consent_facts_for_clients, consent_records
from service.identity.actor import Actor
from service.identity.roles import ActorKind
from service.policy.facts import Access, ConsentPurpose, Relation
from service.referrals.models import Referral


async def referral_access(
    session: AsyncSession, actor: Actor, referrals: Sequence[Referral], now: datetime
) -> dict[uuid.UUID, Access]:
    """One Access per referral, from two queries however many referrals there are."""
    if not referrals:
        return {}
    records = await consent_records(
        session, client_ids={referral.client_id for referral in referrals}, now=now
    )
    by_referral: dict[uuid.UUID, list] = defaultdict(list)
    deputy_by_client: dict[uuid.UUID, list] = defaultdict(list)
    for record in records:
        if record.referral_id is not None:
            by_referral[record.referral_id].append(record.fact)
        elif record.fact.purpose is ConsentPurpose.DEPUTY:
            deputy_by_client[record.client_id].append(record.fact)
    if actor.kind is ActorKind.PARTNER:
        relations = frozenset({Relation.REFERRAL_RECIPIENT})
        return {
            referral.id: Access(relations, tuple(by_referral[referral.id]))
            for referral in referrals
        }
    case_relations = await _staff_relations(session, actor, {r.case_id for r in referrals})
    return {
        referral.id: Access(
            case_relations.get(referral.case_id, frozenset()),
            (*deputy_by_client[referral.client_id], *by_referral[referral.id]),
        )
        for referral in referrals
    }


async def _staff_relations(
    session: AsyncSession, actor: Actor, case_ids: set[uuid.UUID]
) -> dict[uuid.UUID, frozenset[Relation]]:
    rows = await session.execute(
        select(Case.id, Case.responsible_case_manager_id, Case.deputy_case_manager_id).where(
            Case.id.in_(case_ids)
        )
    )
    return {
        case_id: staff_relations(actor, responsible, deputy)
        for case_id, responsible, deputy in rows
    }


def staff_relations(
    actor: Actor, responsible_id: uuid.UUID | None, deputy_id: uuid.UUID | None
) -> frozenset[Relation]:
    # Rows reach us through row-level security bound to the actor's jobcenter: same jobcenter.
    relations = {Relation.SAME_JOBCENTER}
    if responsible_id == actor.user_id:
        relations.add(Relation.RESPONSIBLE_CASE_MANAGER)
    if deputy_id == actor.user_id:
        relations.add(Relation.DEPUTY_CASE_MANAGER)
    return frozenset(relations)


async def staff_case_access(
    session: AsyncSession, actor: Actor, case: Case, now: datetime
) -> Access:
    """What a staff member is to one case: relations, and the client's deputy consents."""
    consents = await consent_facts_for_clients(session, client_ids=[case.client_id], now=now)
    return Access(
        staff_relations(actor, case.responsible_case_manager_id, case.deputy_case_manager_id),
        consents.get(case.client_id, ()),
    )
