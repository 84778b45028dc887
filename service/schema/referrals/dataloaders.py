"""Per-request DataLoaders for what hangs off referrals: a page of referrals costs a constant
number of queries, not one per referral (STYLE.md habit 6)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from service.cases.models import Case
from service.clients.models import Client
from service.partners.models import PartnerOrganisation
from service.referrals.models import ProgressReport, ReferralStatusChange
from service.tenants.models import Tenant


def clients_by_id(session: AsyncSession) -> DataLoader[uuid.UUID, Client | None]:
    async def load(ids: Sequence[uuid.UUID]) -> list[Client | None]:
        rows = await session.scalars(select(Client).where(Client.id.in_(ids)))
        found = {row.id: row for row in rows}
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


def progress_reports_by_referral(
    session: AsyncSession,
) -> DataLoader[uuid.UUID, list[ProgressReport]]:
    async def load(ids: Sequence[uuid.UUID]) -> list[list[ProgressReport]]:
        rows = await session.scalars(
            select(ProgressReport)
            .where(ProgressReport.referral_id.in_(ids))
            .order_by(ProgressReport.reported_on, ProgressReport.created_at)
        )
        grouped: dict[uuid.UUID, list[ProgressReport]] = defaultdict(list)
        for row in rows:
            grouped[row.referral_id].append(row)
        return [grouped[key] for key in ids]

    return DataLoader(load_fn=load)


def status_changes_by_referral(
    session: AsyncSession,
) -> DataLoader[uuid.UUID, list[ReferralStatusChange]]:
    async def load(ids: Sequence[uuid.UUID]) -> list[list[ReferralStatusChange]]:
        rows = await session.scalars(
            select(ReferralStatusChange)
            .where(ReferralStatusChange.referral_id.in_(ids))
            .order_by(ReferralStatusChange.changed_at, ReferralStatusChange.id)
        )
        grouped: dict[uuid.UUID, list[ReferralStatusChange]] = defaultdict(list)
        for row in rows:
            grouped[row.referral_id].append(row)
        return [grouped[key] for key in ids]

    return DataLoader(load_fn=load)


def tenants_by_id(session: AsyncSession) -> DataLoader[uuid.UUID, Tenant | None]:
    async def load(ids: Sequence[uuid.UUID]) -> list[Tenant | None]:
        found = {
            row.id: row for row in await session.scalars(select(Tenant).where(Tenant.id.in_(ids)))
        }
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


def organisations_by_id(session: AsyncSession) -> DataLoader[uuid.UUID, PartnerOrganisation | None]:
    async def load(ids: Sequence[uuid.UUID]) -> list[PartnerOrganisation | None]:
        rows = await session.scalars(
            select(PartnerOrganisation).where(PartnerOrganisation.id.in_(ids))
        )
        found = {row.id: row for row in rows}
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


def cases_by_id(session: AsyncSession) -> DataLoader[uuid.UUID, Case | None]:
    async def load(ids: Sequence[uuid.UUID]) -> list[Case | None]:
        found = {row.id: row for row in await session.scalars(select(Case).where(Case.id.in_(ids)))}
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)
