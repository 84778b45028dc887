"""Per-request loaders of what hangs off referrals: a page of referrals costs a constant number
of queries, not one per referral (service/schema/dataloaders.py: one class per loader, made per
request by the context)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from service.cases.models import Case
from service.partners.models import PartnerOrganisation
from service.referrals.models import ProgressReport, ReferralStatusChange
from service.referrals.service import ReferralView
from service.schema.context import Info
from service.schema.dataloaders import (
    ClientByIdLoader,
    RowByIdLoader,
    RowsByParentLoader,
    selected_names,
)
from service.tenants.models import Tenant


class CaseByIdLoader(RowByIdLoader):
    model = Case


class TenantByIdLoader(RowByIdLoader):
    model = Tenant


class OrganisationByIdLoader(RowByIdLoader):
    model = PartnerOrganisation


class ProgressReportsByReferralLoader(RowsByParentLoader):
    model, parent = ProgressReport, "referral_id"
    order = (ProgressReport.reported_on, ProgressReport.created_at)


class StatusChangesByReferralLoader(RowsByParentLoader):
    model, parent = ReferralStatusChange, "referral_id"
    order = (ReferralStatusChange.changed_at,)


async def prefetch_for_referrals(info: Info, views: Sequence[ReferralView]) -> None:
    """Hand the page's cases, read by the listing to decide each referral's access, to the
    loader the `case` field asks (the same rows in the same transaction, read once), and load
    the clients and jobcenters the page will show, one batch each, before its nodes resolve:
    their `case`, `client` and `jobcenter` then resolve at once (`loaded`) instead of as an
    awaitable each that graphql-core gathers per referral."""
    context = info.context
    context.loader(CaseByIdLoader).prime_many(
        {view.case.id: view.case for view in views if view.case is not None}
    )
    names = selected_names(info.selected_fields)
    pending = []
    if "client" in names:
        loader = context.loader(ClientByIdLoader)
        pending.append(loader.load_many({view.row.client_id for view in views}))
    if "jobcenter" in names:
        loader = context.loader(TenantByIdLoader)
        pending.append(loader.load_many({view.row.tenant_id for view in views}))
    await asyncio.gather(*pending)
