"""Slug → id for jobcenters and partner organisations, the global tables tokens name.

Tokens carry slugs (stable, readable at the identity provider); rows carry ids. Both tables are
small and change rarely, so the lookup is cached per process for a short time rather than costing
every request a round trip.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.partners.models import PartnerOrganisation
from service.tenants.models import Tenant

CACHE_SECONDS = 60.0


class ScopeDirectory:
    def __init__(
        self,
        sessions: Callable[[], AsyncSession],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._tenants: dict[str, uuid.UUID] = {}
        self._organisations: dict[str, uuid.UUID] = {}
        self._loaded_at = float("-inf")

    async def tenant_id(self, slug: str) -> uuid.UUID | None:
        if slug not in self._tenants or self._stale():
            await self._reload()
        return self._tenants.get(slug)

    async def organisation_id(self, slug: str) -> uuid.UUID | None:
        if slug not in self._organisations or self._stale():
            await self._reload()
        return self._organisations.get(slug)

    def _stale(self) -> bool:
        return self._clock() - self._loaded_at > CACHE_SECONDS

    async def _reload(self) -> None:
        async with self._sessions() as session:
            tenants = (await session.execute(select(Tenant.slug, Tenant.id))).all()
            organisations = (
                await session.execute(select(PartnerOrganisation.slug, PartnerOrganisation.id))
            ).all()
        self._tenants = dict(tenants)
        self._organisations = dict(organisations)
        self._loaded_at = self._clock()
