"""What a member of staff, or the client themselves, is to a case: relations and (deputy)
consents, as facts for the policy.

Only facts are gathered here; policies.polar decides what they allow. Partners get no relation
to a case from here: they reach case data only through a referral (service/referrals), which
builds its own Access. A client is the data subject of their own cases and nothing to any other.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.cases.models import Case
from service.consent.facts import consent_facts_for_clients
from service.identity.actor import Actor
from service.identity.roles import ActorKind
from service.policy.facts import NO_ACCESS, Access, Relation

JOBCENTER_ACCESS = Access(relations=frozenset({Relation.SAME_JOBCENTER}))
"""Staff's standing towards their own jobcenter, for actions on no case yet (proposing,
caseloads, indicators)."""


def jobcenter_access(actor: Actor) -> Access:
    return JOBCENTER_ACCESS if actor.kind is ActorKind.STAFF else NO_ACCESS


def case_relations(actor: Actor, case: Case) -> frozenset[Relation]:
    if actor.tenant_id != case.tenant_id:
        return frozenset()
    if actor.kind is ActorKind.CLIENT:
        # A client signs in as their client record (service/identity/actor.py): the user id is
        # the client id.
        own = case.client_id == actor.user_id
        return frozenset({Relation.DATA_SUBJECT}) if own else frozenset()
    if actor.kind is not ActorKind.STAFF:
        return frozenset()
    relations = {Relation.SAME_JOBCENTER}
    if case.responsible_case_manager_id == actor.user_id:
        relations.add(Relation.RESPONSIBLE_CASE_MANAGER)
    if case.deputy_case_manager_id == actor.user_id:
        relations.add(Relation.DEPUTY_CASE_MANAGER)
    if case.proposed_by_id == actor.user_id:
        relations.add(Relation.PROPOSER)
    if case.handed_over_to_id == actor.user_id:
        relations.add(Relation.HANDOVER_RECIPIENT)
    return frozenset(relations)


async def staff_access(
    session: AsyncSession, actor: Actor, cases: Sequence[Case], *, now: datetime
) -> dict[uuid.UUID, Access]:
    """One Access per case, with at most one query (for deputy consents) however many cases.
    (A client calls it too, and stands to their own cases as their data subject.)

    Consents are attached only where the actor is the registered deputy: that is the only place
    a consent changes what staff may read of a case, and attaching a client's other consents
    would make every case a situation of its own (one policy question per row) and could name a
    partner's consent as the basis of a staff read in the audit.
    """
    relations = {case.id: case_relations(actor, case) for case in cases}
    deputy_clients = {
        case.client_id for case in cases if Relation.DEPUTY_CASE_MANAGER in relations[case.id]
    }
    consents = (
        await consent_facts_for_clients(session, client_ids=deputy_clients, now=now)
        if deputy_clients
        else {}
    )
    return {
        case.id: Access(
            relations[case.id],
            consents.get(case.client_id, ())
            if Relation.DEPUTY_CASE_MANAGER in relations[case.id]
            else (),
        )
        for case in cases
    }
