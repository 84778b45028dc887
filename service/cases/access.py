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
    me = actor.user_id
    standing = (
        case.responsible_case_manager_id == me,
        case.deputy_case_manager_id == me,
        case.proposed_by_id == me,
        case.handed_over_to_id == me,
    )
    relations = _STAFF_RELATIONS.get(standing)
    if relations is None:
        named = (relation for relation, holds in zip(_CASE_ROLES, standing, strict=True) if holds)
        relations = _STAFF_RELATIONS[standing] = frozenset({Relation.SAME_JOBCENTER, *named})
    return relations


# A member of staff's relations to a case, by which of its roles they hold: sixteen sets in all,
# made once (a case list asks for 51 and stands in one or two).
_CASE_ROLES = (
    Relation.RESPONSIBLE_CASE_MANAGER,
    Relation.DEPUTY_CASE_MANAGER,
    Relation.PROPOSER,
    Relation.HANDOVER_RECIPIENT,
)
_STAFF_RELATIONS: dict[tuple[bool, ...], frozenset[Relation]] = {}


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
    # Cases without consents in their Access stand alike where their relations do: one Access
    # each such situation, which the guard's and the policy's lookups then hash once.
    alike: dict[frozenset[Relation], Access] = {}

    def access_of(case: Case) -> Access:
        held = relations[case.id]
        if Relation.DEPUTY_CASE_MANAGER in held:
            return Access(held, consents.get(case.client_id, ()))
        found = alike.get(held)
        if found is None:
            found = alike[held] = Access(held)
        return found

    return {case.id: access_of(case) for case in cases}
