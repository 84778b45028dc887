"""Who a token's user is here: the data scope the token names, and the user's own record.

A valid signature proves who the identity provider says the user is; our own records decide
whether that user may act here at all. The roles that count are those both sides grant (the
token's, the user record's, and those that fit the kind of actor): least privilege when the two
disagree, and a user disabled here is refused at once, whatever their token says. Above the
domains, since the records are theirs (staff, partners, clients).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.clients.models import Client
from service.clients.privacy import restricted_subjects_column
from service.db.driver_rows import ReadStatement
from service.identity.actor import Actor
from service.identity.roles import ROLES_BY_KIND, ActorKind, Role
from service.identity.tokens import Claims, TokenRejected
from service.partners.models import PartnerUser
from service.sign_in.directory import ScopeDirectory
from service.staff.models import StaffUser
from service.tenants.scope import Scope

UNKNOWN_USER = TokenRejected("unknown_user", "user is unknown or disabled in this service")


async def scope_for(claims: Claims, directory: ScopeDirectory) -> Scope:
    """The data scope a token names; unknown jobcenters and organisations are refused."""
    if claims.kind is ActorKind.PARTNER:
        organisation_id = await directory.organisation_id(claims.organisation_slug or "")
        if organisation_id is None:
            raise TokenRejected("unknown_organisation", "token names an unknown organisation")
        return Scope.partner_organisation(organisation_id)
    tenant_id = await directory.tenant_id(claims.tenant_slug or "")
    if tenant_id is None:
        raise TokenRejected("unknown_tenant", "token names an unknown jobcenter")
    return Scope.tenant(tenant_id)


# The user behind a token, on every request, and the clients whose processing is restricted
# (the field guard's facts): one statement, one round trip of a case list's eleven instead of
# two. As rows (service/db/driver_rows.py): the columns the actor is made of. The policies
# confine each lookup to the token's jobcenter or partner organisation.
_RESTRICTED = restricted_subjects_column().label("restricted")
_STAFF = ReadStatement(
    select(StaffUser.id, StaffUser.display_name, StaffUser.roles, _RESTRICTED).where(
        StaffUser.subject == bindparam("subject"), StaffUser.active
    )
)
_PARTNER = ReadStatement(
    select(PartnerUser.id, PartnerUser.display_name, PartnerUser.roles, _RESTRICTED).where(
        PartnerUser.subject == bindparam("subject"), PartnerUser.active
    )
)
_CLIENT = ReadStatement(
    select(Client.id, Client.given_name, Client.family_name, _RESTRICTED).where(
        Client.login_subject == bindparam("subject"), Client.active
    )
)


@dataclass(frozen=True, slots=True)
class SignedIn:
    actor: Actor
    restricted_subjects: frozenset[uuid.UUID]


async def signed_in(session: AsyncSession, claims: Claims, scope: Scope) -> SignedIn:
    """Find the user in `session` (already bound to `scope`, so RLS confines the lookup)."""
    match claims.kind:
        case ActorKind.STAFF:
            user = _one(await _STAFF.rows(session, subject=claims.subject))
            actor = _actor(claims, user.id, user.display_name, user.roles, scope)
        case ActorKind.PARTNER:
            user = _one(await _PARTNER.rows(session, subject=claims.subject))
            actor = _actor(claims, user.id, user.display_name, user.roles, scope)
        case ActorKind.CLIENT:
            user = _one(await _CLIENT.rows(session, subject=claims.subject))
            name = f"{user.given_name} {user.family_name}"
            actor = _actor(claims, user.id, name, [Role.CLIENT], scope)
    return SignedIn(actor, frozenset(user.restricted))


def _one(rows):
    """The active user with the token's subject (unique where the scope confines it)."""
    if not rows:
        raise UNKNOWN_USER
    return rows[0]


def _actor(
    claims: Claims, user_id: uuid.UUID, name: str, recorded_roles: list[str], scope: Scope
) -> Actor:
    granted = claims.roles & set(recorded_roles) & ROLES_BY_KIND[claims.kind]
    return Actor(
        kind=claims.kind,
        user_id=user_id,
        subject=claims.subject,
        display_name=name,
        roles=frozenset(Role(role) for role in granted),
        tenant_id=scope.tenant_id,
        organisation_id=scope.partner_organisation_id,
    )
