"""The closed lists of case management, as the domain sources name them, and the text limits.

German labels live in the GraphQL enum descriptions (service/schema/cases/enums.py).
"""

from __future__ import annotations

from enum import StrEnum

from service.policy.categories import DOCUMENT_CATEGORIES, DataCategory

# Character limits of the VerBIS screens (domain/000: Fallzugang, Übergabe).
PROFILING_DETAIL_LIMIT = 500
INTAKE_REASONING_LIMIT = 1500
DECISION_REASONING_LIMIT = 1000
# Our own limits, generous for a portal's text areas, small enough to refuse abuse.
DECLINE_REASON_LIMIT = 1000
SUBJECT_LIMIT = 200
TITLE_LIMIT = 300
LONG_TEXT_LIMIT = 4000
CHANGE_REASON_LIMIT = 1000  # why a plan item changed: a sentence or two, like a decline reason
MAX_PROFILING_ITEMS = 30
DOCUMENT_TITLE_LIMIT = 200
DOCUMENT_SIZE_LIMIT = 5 * 1024 * 1024  # bytes of content, stored in PostgreSQL (bytea)

# Rule of thumb for intake (domain/001, Fallzugang (a)): at least three needs in the key groups
# "Rahmenbedingungen" and/or "Leistungsfähigkeit". Shown, never decided by the service.
RULE_OF_THUMB_NEEDS = 3
REVIEW_INTERVAL_MONTHS = 6  # domain/001: spätestens alle sechs Monate
CASE_DURATION_LIMIT_MONTHS = 24  # domain/001: in der Regel nicht länger als zwei Jahre
CASELOAD_GUIDELINE = 75  # domain/001: Betreuungsschlüssel 1:75


class Profile(StrEnum):
    """The profiles (Profillagen) of the four-phase model, nearest the labour market first. Only
    a complex one leads into case management (domain/001: Entwicklungs-, Stabilisierungs- or
    Unterstützungsprofil); a review may find a client in a market-near one (Marktprofil,
    Aktivierungsprofil, Förderprofil), which the indicators count as progress toward the labour
    market (domain/002)."""

    MARKET = "market"
    ACTIVATION = "activation"
    PROMOTION = "promotion"
    DEVELOPMENT = "development"
    STABILISATION = "stabilisation"
    SUPPORT = "support"


COMPLEX_PROFILES = frozenset({Profile.DEVELOPMENT, Profile.STABILISATION, Profile.SUPPORT})


class CareVariant(StrEnum):
    FULL_HANDOVER = "full_handover"
    ACCOMPANYING = "accompanying"


class ProfilingCategory(StrEnum):
    QUALIFICATION = "qualification"
    MOTIVATION = "motivation"
    CIRCUMSTANCES = "circumstances"
    CAPACITY = "capacity"


NEED_CATEGORIES = frozenset({ProfilingCategory.CIRCUMSTANCES, ProfilingCategory.CAPACITY})


class AssessmentKind(StrEnum):
    STRENGTH = "strength"
    STABILISATION_NEED = "stabilisation_need"


class AssessmentCategory(StrEnum):
    QUALIFICATION = "qualification"
    CIRCUMSTANCES = "circumstances"  # Motivation / Rahmenbedingungen
    CAPACITY = "capacity"  # Leistungsfähigkeit


class AssessmentSubcategory(StrEnum):
    SCHOOL_EDUCATION = "school_education"
    VOCATIONAL_TRAINING = "vocational_training"
    WORK_EXPERIENCE = "work_experience"
    LANGUAGE = "language"
    MOTIVATION = "motivation"
    MOBILITY = "mobility"
    FAMILY_CHILDCARE = "family_childcare"
    DEBTS = "debts"
    HOUSING = "housing"
    PHYSICAL_CAPACITY = "physical_capacity"
    MENTAL_CAPACITY = "mental_capacity"
    ADDICTION = "addiction"


_Q, _C, _K = (
    AssessmentCategory.QUALIFICATION,
    AssessmentCategory.CIRCUMSTANCES,
    (AssessmentCategory.CAPACITY),
)
# Each sub-category belongs to one assessment category and to exactly one data category, so a
# consent can give a debt counsellor the debts without the health entries (Datensparsamkeit).
SUBCATEGORIES: dict[AssessmentSubcategory, tuple[AssessmentCategory, DataCategory]] = {
    AssessmentSubcategory.SCHOOL_EDUCATION: (_Q, DataCategory.ASSESSMENT_QUALIFICATION),
    AssessmentSubcategory.VOCATIONAL_TRAINING: (_Q, DataCategory.ASSESSMENT_QUALIFICATION),
    AssessmentSubcategory.WORK_EXPERIENCE: (_Q, DataCategory.ASSESSMENT_QUALIFICATION),
    AssessmentSubcategory.LANGUAGE: (_Q, DataCategory.ASSESSMENT_QUALIFICATION),
    AssessmentSubcategory.MOTIVATION: (_C, DataCategory.ASSESSMENT_CIRCUMSTANCES),
    AssessmentSubcategory.MOBILITY: (_C, DataCategory.ASSESSMENT_CIRCUMSTANCES),
    AssessmentSubcategory.FAMILY_CHILDCARE: (_C, DataCategory.ASSESSMENT_CIRCUMSTANCES),
    AssessmentSubcategory.DEBTS: (_C, DataCategory.ASSESSMENT_FINANCES),
    AssessmentSubcategory.HOUSING: (_C, DataCategory.ASSESSMENT_HOUSING),
    AssessmentSubcategory.PHYSICAL_CAPACITY: (_K, DataCategory.ASSESSMENT_HEALTH),
    AssessmentSubcategory.MENTAL_CAPACITY: (_K, DataCategory.ASSESSMENT_HEALTH),
    AssessmentSubcategory.ADDICTION: (_K, DataCategory.ASSESSMENT_ADDICTION),
}


class PlanItemKind(StrEnum):
    GOAL = "goal"
    SUB_GOAL = "sub_goal"
    ACTIVITY = "activity"


class PlanChange(StrEnum):
    """How a plan item changed (Fortschreibung); the revision keeps it as it was before."""

    EDITED = "edited"
    REDATED = "redated"
    WITHDRAWN = "withdrawn"
    OUTCOME_CORRECTED = "outcome_corrected"


class ResponsibleParty(StrEnum):
    CLIENT = "client"
    CASE_MANAGER = "case_manager"
    NETWORK_PARTNER = "network_partner"


class Outcome(StrEnum):
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"


class ClosingReason(StrEnum):
    """Beendigungsgründe, domain/001."""

    LASTING_INTEGRATION = "lasting_integration"
    PREREQUISITES_GONE = "prerequisites_gone"
    NO_PROSPECT = "no_prospect"
    CHANGE_OF_RESPONSIBILITY = "change_of_responsibility"
    WORKING_ALLIANCE_NOT_VIABLE = "working_alliance_not_viable"
    NOT_ECONOMICAL = "not_economical"


class DocumentArea(StrEnum):
    INTEGRATION = "integration"
    PROTECTED = "protected"  # the protected case-management area


def profiling_data_category(
    group: ProfilingCategory, subcategory: AssessmentSubcategory | None
) -> DataCategory | None:
    """The data category of a profiling item, by what it says: a note on capacity is health data
    (domain/001: Leistungsfähigkeit), one on addiction is addiction data, wherever it is filed;
    the rest is intake data, or the assessment category its sub-category names. None where the
    sub-category contradicts the group (capacity described as something that is not)."""
    if subcategory is not None:
        assessment_category, data_category = SUBCATEGORIES[subcategory]
        if group is ProfilingCategory.CAPACITY and assessment_category is not _K:
            return None
        return data_category
    if group is ProfilingCategory.CAPACITY:
        return DataCategory.ASSESSMENT_HEALTH
    return DataCategory.INTAKE


def document_data_category(
    area: DocumentArea, declared: DataCategory | None
) -> DataCategory | None:
    """A document's data category: as declared when it is added, by default the area's; None
    where the declaration does not fit the area (the protected area's documents are never plain
    case-file documents, and the other way round)."""
    default = (
        DataCategory.PROTECTED_DOCUMENTS
        if area is DocumentArea.PROTECTED
        else DataCategory.DOCUMENTS
    )
    if declared is None:
        return default
    other_default = (
        DataCategory.DOCUMENTS
        if area is DocumentArea.PROTECTED
        else DataCategory.PROTECTED_DOCUMENTS
    )
    if declared is other_default or declared not in DOCUMENT_CATEGORIES:
        return None
    return declared
