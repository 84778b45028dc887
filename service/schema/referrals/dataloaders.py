"""Per-request loaders of what hangs off referrals: a page of referrals costs a constant number
of queries, not one per referral (service/schema/dataloaders.py: one class per loader, made per
request by the context)."""

from __future__ import annotations

from service.cases.models import Case
from service.partners.models import PartnerOrganisation
from service.referrals.models import ProgressReport, ReferralStatusChange
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
