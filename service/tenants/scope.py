"""The data scope of one request: a jobcenter, or a partner organisation (which spans several)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scope:
    tenant_id: uuid.UUID | None = None
    partner_organisation_id: uuid.UUID | None = None

    @classmethod
    def tenant(cls, tenant_id: uuid.UUID) -> Scope:
        return cls(tenant_id=tenant_id)

    @classmethod
    def partner_organisation(cls, organisation_id: uuid.UUID) -> Scope:
        return cls(partner_organisation_id=organisation_id)


NO_SCOPE = Scope()
"""Matches no row of any tenant table: used until the actor is known, and for global lookups."""
