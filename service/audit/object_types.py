"""The one vocabulary the audit names objects in: reads record the object type of the GraphQL
object the guard admitted, writes the object type of the table row that changed. Before, writes
recorded table names (`clients`) and the Auskunft translated them back; now the translation from
table to object type happens once, here, when the write is recorded.

tests/audit/test_object_types.py walks every table with a client's data and every personal
GraphQL type and shows each has its object type here and its label in the Auskunft.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class ObjectType(StrEnum):
    CLIENT = "client"
    CLIENT_RESTRICTION = "client_restriction"
    CASE = "case"
    PROFILING_ITEM = "profiling_item"
    ASSESSMENT_ENTRY = "assessment_entry"
    PLAN_ITEM = "plan_item"
    PLAN_ITEM_REVISION = "plan_item_revision"
    INTEGRATION_AGREEMENT = "integration_agreement"
    CASE_REVIEW = "case_review"
    AFTERCARE_NOTE = "aftercare_note"
    POTENTIAL_ANALYSIS = "potential_analysis"
    POTENTIAL_ANALYSIS_ITEM = "potential_analysis_item"
    COOPERATION_PLAN = "cooperation_plan"
    COOPERATION_PLAN_REVIEW = "cooperation_plan_review"
    CONCILIATION = "conciliation"
    COOPERATION_REQUEST = "cooperation_request"
    DOCUMENT = "document"
    DOCUMENT_CONTENT = "document_content"
    REFERRAL = "referral"
    REFERRAL_STATUS_CHANGE = "referral_status_change"
    PROGRESS_REPORT = "progress_report"
    CONSENT = "consent"
    CONSENT_REVOCATION = "consent_revocation"
    CASE_DIARY = "case_diary"
    CASE_NOTE = "case_note"
    APPOINTMENT = "appointment"
    FOLLOW_UP = "follow_up"
    ACCESS_REPORT = "access_report"


TABLE_OBJECT_TYPES: Final[Mapping[str, ObjectType]] = MappingProxyType(
    {
        "clients": ObjectType.CLIENT,
        "client_restrictions": ObjectType.CLIENT_RESTRICTION,
        "cases": ObjectType.CASE,
        "case_profiling_items": ObjectType.PROFILING_ITEM,
        "assessment_entries": ObjectType.ASSESSMENT_ENTRY,
        "plan_items": ObjectType.PLAN_ITEM,
        "plan_item_revisions": ObjectType.PLAN_ITEM_REVISION,
        "integration_agreements": ObjectType.INTEGRATION_AGREEMENT,
        "case_reviews": ObjectType.CASE_REVIEW,
        "aftercare_notes": ObjectType.AFTERCARE_NOTE,
        "potential_analyses": ObjectType.POTENTIAL_ANALYSIS,
        "potential_analysis_items": ObjectType.POTENTIAL_ANALYSIS_ITEM,
        "cooperation_plans": ObjectType.COOPERATION_PLAN,
        "cooperation_plan_reviews": ObjectType.COOPERATION_PLAN_REVIEW,
        "conciliations": ObjectType.CONCILIATION,
        "cooperation_requests": ObjectType.COOPERATION_REQUEST,
        "case_documents": ObjectType.DOCUMENT,
        "referrals": ObjectType.REFERRAL,
        "referral_status_changes": ObjectType.REFERRAL_STATUS_CHANGE,
        "progress_reports": ObjectType.PROGRESS_REPORT,
        "consents": ObjectType.CONSENT,
        "consent_revocations": ObjectType.CONSENT_REVOCATION,
        "case_notes": ObjectType.CASE_NOTE,
        "appointments": ObjectType.APPOINTMENT,
        "follow_ups": ObjectType.FOLLOW_UP,
    }
)
"""Table with a client's data → the object type its rows are recorded as."""


def object_type_of_table(table: str) -> ObjectType:
    """Raises KeyError for a table not in the vocabulary: a new table with a client's data must
    be named here before its writes can be recorded (the test above fails first)."""
    return TABLE_OBJECT_TYPES[table]
