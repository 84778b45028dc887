"""Per-request loaders of what hangs off referrals: a page of referrals costs a constant number
of queries, not one per referral (service/schema/dataloaders.py: one class per loader, made per
request by the context)."""

from __future__ import annotations

from collections.abc import Sequence

from service.cases.models import Case
from service.partners.models import PartnerOrganisation
from service.referrals.models import ProgressReport, ReferralStatusChange
from service.referrals.service import ReferralView
from service.schema.context import Info
from service.schema.dataloaders import RowByIdLoader, RowsByParentLoader
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


def prefetch_for_referrals(info: Info, views: Sequence[ReferralView]) -> None:
    """Hand the page's cases, read by the listing to decide each referral's access, to the
    loader the `case` field asks: the same rows in the same transaction, read once."""
    loader = info.context.loader(CaseByIdLoader)
    loader.prime_many({view.case.id: view.case for view in views if view.case is not None})
