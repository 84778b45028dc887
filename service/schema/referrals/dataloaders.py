"""Per-request DataLoaders for what hangs off referrals: a page of referrals costs a constant
number of queries, not one per referral (STYLE.md habit 6).

Each loader is a module-level factory, so `context.loader(factory)` makes one per request.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from service.cases.models import Case
from service.clients.models import Client
from service.partners.models import PartnerOrganisation
from service.referrals.models import ProgressReport, ReferralStatusChange
from service.tenants.models import Tenant

LoaderFactory = Callable[[AsyncSession], DataLoader]


def by_id(model: Any) -> LoaderFactory:
    """Rows of `model` by their id (None where there is none, or none visible)."""

    def factory(session: AsyncSession) -> DataLoader:
        async def load(ids: Sequence[uuid.UUID]) -> list[Any]:
            found = {
                row.id: row for row in await session.scalars(select(model).where(model.id.in_(ids)))
            }
            return [found.get(key) for key in ids]

        return DataLoader(load_fn=load)

    return factory


def by_referral(model: Any, *order: Any) -> LoaderFactory:
    """Rows of `model` per referral, in `order`."""

    def factory(session: AsyncSession) -> DataLoader:
        async def load(ids: Sequence[uuid.UUID]) -> list[list[Any]]:
            rows = await session.scalars(
                select(model).where(model.referral_id.in_(ids)).order_by(*order)
            )
            grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
            for row in rows:
                grouped[row.referral_id].append(row)
            return [grouped[key] for key in ids]

        return DataLoader(load_fn=load)

    return factory


clients_by_id = by_id(Client)
cases_by_id = by_id(Case)
tenants_by_id = by_id(Tenant)
organisations_by_id = by_id(PartnerOrganisation)
progress_reports_by_referral = by_referral(
    ProgressReport, ProgressReport.reported_on, ProgressReport.created_at
)
status_changes_by_referral = by_referral(
    ReferralStatusChange, ReferralStatusChange.changed_at, ReferralStatusChange.id
)
