"""Imports every ORM model so `Base.metadata` is complete (Alembic, the schema checks)."""

from service.audit.models import (
    AuditBasis,
    AuditChainHead,
    AuditEntry,
    AuditField,
    AuditKind,
    AuditRequest,
)
from service.cases.cooperation_models import CooperationPlan
from service.cases.models import Case
from service.clients.models import Client
from service.clients.privacy_models import ClientRestriction
from service.consent.models import Consent, ConsentRevocation
from service.db.base import Base
from service.diary.models import Appointment, CaseNote, FollowUp
from service.partners.models import NetworkMembership, PartnerOrganisation, PartnerUser
from service.referrals.models import ProgressReport, Referral, ReferralStatusChange
from service.staff.models import StaffUser
from service.tenants.models import Tenant

__all__ = [
    "Appointment",
    "AuditBasis",
    "AuditChainHead",
    "AuditEntry",
    "AuditField",
    "AuditKind",
    "AuditRequest",
    "Base",
    "Case",
    "CaseNote",
    "Client",
    "ClientRestriction",
    "Consent",
    "ConsentRevocation",
    "CooperationPlan",
    "FollowUp",
    "NetworkMembership",
    "PartnerOrganisation",
    "PartnerUser",
    "ProgressReport",
    "Referral",
    "ReferralStatusChange",
    "StaffUser",
    "Tenant",
]
