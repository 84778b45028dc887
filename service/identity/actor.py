"""The actor of a request: who they are, where their data scope is, which roles count. Made at
sign-in (service/sign_in/users.py), from the token and the user's own record."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from service.identity.roles import ActorKind, Role
from service.tenants.scope import Scope


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    user_id: uuid.UUID
    subject: str
    display_name: str
    roles: frozenset[Role]
    tenant_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None

    @property
    def scope(self) -> Scope:
        return Scope(tenant_id=self.tenant_id, partner_organisation_id=self.organisation_id)

    def has_role(self, role: str) -> bool:
        return role in self.roles
