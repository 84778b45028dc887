"""The words of the Auskunft: what the audit log's technical names mean in German.

The audit log records GraphQL field names and object types (service/audit/models.py). A client
must be able to read *what* was seen (domain/000: wer, was, wann, bei welcher Gelegenheit), so
each field is shown under its data category — taken from the real schema, where every personal
field declares its category (service/policy/guard.py) — with a German label. A field without a
label here is shown by its name rather than left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from service.access_report.field_labels import FIELD_LABELS
from service.audit.object_types import object_type_of_table
from service.policy.categories import CATEGORIES, DataCategory
from service.policy.data_map import ROW, classification_of, client_tables
from service.policy.guard import ROW_CATEGORY
from service.tables import all_tables


@dataclass(frozen=True, slots=True)
class ObjectType:
    """One kind of record about a client, as the Auskunft names it: reads and writes record it
    by its object type (service/audit/object_types.py), which maps here to one label and one
    default category."""

    label: str
    category: DataCategory  # for fields whose own category is not known (keys, bookkeeping)
    graphql_types: tuple[str, ...] = ()


# tests/audit/test_object_types.py checks every object type, and so every personal GraphQL type
# and every table with a client's data, is listed here.
OBJECT_TYPES: dict[str, ObjectType] = {
    "client": ObjectType("Stammdaten", DataCategory.IDENTITY, ("Client",)),
    "client_restriction": ObjectType(
        "Einschränkung der Verarbeitung", DataCategory.CASE_STATUS, ()
    ),
    "case": ObjectType("Fall", DataCategory.CASE_STATUS, ("Case", "Intake", "Assessment")),
    "profiling_item": ObjectType("Profiling-Angabe", DataCategory.INTAKE, ("ProfilingItem",)),
    "assessment_entry": ObjectType(
        "Assessment-Eintrag",
        DataCategory.ASSESSMENT_CIRCUMSTANCES,
        ("AssessmentEntry",),
    ),
    "plan_item": ObjectType(
        "Integrationsplan",
        DataCategory.INTEGRATION_PLAN,
        ("Goal", "SubGoal", "Activity", "StepOutcome"),
    ),
    "plan_item_revision": ObjectType(
        "frühere Fassung eines Planschritts",
        DataCategory.INTEGRATION_PLAN,
        ("PlanItemRevision",),
    ),
    "integration_agreement": ObjectType(
        "Eingliederungsvereinbarung",
        DataCategory.INTEGRATION_PLAN,
        ("IntegrationAgreement",),
    ),
    "case_review": ObjectType("Überprüfung", DataCategory.INTEGRATION_PLAN, ("CaseReview",)),
    "aftercare_note": ObjectType(
        "Vermerk der Nachbetreuung",
        DataCategory.INTEGRATION_PLAN,
        ("AftercareNote",),
    ),
    "potential_analysis": ObjectType(
        "Potenzialanalyse",
        DataCategory.INTEGRATION_PLAN,
        ("PotentialAnalysis",),
    ),
    "potential_analysis_item": ObjectType(
        "Punkt der Potenzialanalyse",
        DataCategory.ASSESSMENT_CIRCUMSTANCES,
        ("PotentialAnalysisItem",),
    ),
    "cooperation_plan": ObjectType(
        "Kooperationsplan",
        DataCategory.INTEGRATION_PLAN,
        ("CooperationPlan",),
    ),
    "cooperation_plan_review": ObjectType(
        "Überprüfung des Kooperationsplans",
        DataCategory.INTEGRATION_PLAN,
        ("CooperationPlanReview",),
    ),
    "conciliation": ObjectType(
        "Schlichtungsverfahren",
        DataCategory.INTEGRATION_PLAN,
        ("Conciliation",),
    ),
    "cooperation_request": ObjectType(
        "Aufforderung mit Rechtsfolgenbelehrung",
        DataCategory.INTEGRATION_PLAN,
        ("CooperationRequest",),
    ),
    "case_diary": ObjectType(
        "Vermerke, Termine und Wiedervorlagen eines Falls", DataCategory.CASE_NOTES, ("CaseDiary",)
    ),
    "case_note": ObjectType("Historienvermerk", DataCategory.CASE_NOTES, ("CaseNote",)),
    "appointment": ObjectType("Termin", DataCategory.APPOINTMENTS, ("Appointment",)),
    "follow_up": ObjectType("Wiedervorlage", DataCategory.CASE_NOTES, ("FollowUp",)),
    "document": ObjectType("Dokument", DataCategory.DOCUMENTS, ("Document",)),
    "document_content": ObjectType("Dokumentinhalt", DataCategory.DOCUMENTS, ("DocumentContent",)),
    "referral": ObjectType("Einschaltung Dritter", DataCategory.REFERRAL, ("Referral",)),
    "referral_status_change": ObjectType(
        "Statusänderung einer Einschaltung",
        DataCategory.REFERRAL,
        ("ReferralStatusChange",),
    ),
    "progress_report": ObjectType(
        "Rückmeldung", DataCategory.PROGRESS_REPORTS, ("ProgressReport",)
    ),
    "consent": ObjectType("Einwilligung", DataCategory.CONSENTS, ("Consent",)),
    "consent_revocation": ObjectType("Widerruf einer Einwilligung", DataCategory.CONSENTS, ()),
    "access_report": ObjectType(
        "Auskunft",
        DataCategory.ACCESS_REPORT,
        (
            "AccessReport",
            "AccessReportReader",
            "AccessReportOccasion",
            "AccessReportRead",
            "AccessReportConsent",
            "AccessReportReferral",
            "AccessReportStatement",
            "AccessReportRecipient",
            "DataCopy",
            "DataCopySection",
            "DataCopyItem",
            "DataCopyField",
            "AuskunftLink",
        ),
    ),
}


# How the sentences of the Auskunft name a category ("… hat Ihre Kontaktdaten gelesen").
CATEGORY_PHRASES: dict[DataCategory, str] = {
    DataCategory.IDENTITY: "Angaben zu Ihrer Person (Name, Geburtsdatum, Kundennummer)",
    DataCategory.CONTACT: "Ihre Kontaktdaten",
    DataCategory.HOUSEHOLD: "Angaben zu Ihrem Haushalt",
    DataCategory.CASE_STATUS: "den Stand Ihres Fallmanagements",
    DataCategory.CASE_CLOSURE: "den Grund für das Ende Ihres Fallmanagements",
    DataCategory.INTAKE: "die Angaben zu Ihrer Aufnahme ins Fallmanagement",
    DataCategory.ASSESSMENT_QUALIFICATION: "Angaben zu Ihrer Qualifikation",
    DataCategory.ASSESSMENT_CIRCUMSTANCES: "Angaben zu Ihrer Motivation und Lebenssituation",
    DataCategory.ASSESSMENT_FINANCES: "Angaben zu Ihren Finanzen",
    DataCategory.ASSESSMENT_HOUSING: "Angaben zu Ihrer Wohnsituation",
    DataCategory.ASSESSMENT_HEALTH: "Angaben zu Ihrer Gesundheit",
    DataCategory.ASSESSMENT_ADDICTION: "Angaben zu Suchtfragen",
    DataCategory.INTEGRATION_PLAN: "Ihren Integrationsplan (Ziele, Aktivitäten, Vereinbarungen)",
    DataCategory.CASE_NOTES: "Begründungen und Vermerke aus Ihrem Fallmanagement",
    DataCategory.APPOINTMENTS: "Ihre Termine (wann, wo, ob wahrgenommen)",
    DataCategory.DOCUMENTS: "Ihre Dokumente",
    DataCategory.PROTECTED_DOCUMENTS: "Dokumente des geschützten Bereichs",
    DataCategory.REFERRAL: "Angaben zu Ihrer Vermittlung an einen Netzwerkpartner",
    DataCategory.PROGRESS_REPORTS: "Rückmeldungen eines Netzwerkpartners",
    DataCategory.CONSENTS: "Ihre Einwilligungen",
    DataCategory.ACCESS_REPORT: "diese Auskunft",
}


def category_phrase(category: str) -> str:
    try:
        return CATEGORY_PHRASES[DataCategory(category)]
    except ValueError:
        return category_label(category)


# The ground a read rests on (service/policy/facts.py Relation), as the client reads it: the
# first that explains it, in this order.
RELATION_GROUNDS: dict[str, str] = {
    "data_subject": "auf Ihre eigene Anfrage",
    "responsible_case_manager": "im Rahmen der Fallbearbeitung",
    "deputy_case_manager": "als Vertretung im Rahmen der Fallbearbeitung",
    "proposer": "im Rahmen des Vorschlags zur Aufnahme ins Fallmanagement",
    "handover_recipient": "bei der Rückgabe an die Arbeitsvermittlung nach dem Fallmanagement",
    "referral_recipient": "im Rahmen Ihrer Vermittlung an die Organisation",
    "report_author": "im Rahmen einer Rückmeldung an das Jobcenter",
    "same_jobcenter": "im Rahmen der Aufgaben des Jobcenters",
}
# The ground of a write (service/audit/writes.py records `change`; erasure `erasure`), by who
# wrote: a change is made in the course of the work that actor does for the client.
WRITE_GROUNDS: dict[str, str] = {
    "staff": "im Rahmen der Fallbearbeitung",
    "partner": "im Rahmen Ihrer Vermittlung an die Organisation (Rückmeldung)",
    "client": "auf Ihre eigene Veranlassung",
}
ERASURE_GROUND = "zur Löschung Ihrer Daten (Art. 17 DSGVO)"
CONSOLE_GROUND = "zur Erstellung dieser Auskunft durch das Jobcenter"
UNKNOWN_GROUND = "ohne erkennbare Grundlage"

# Who read, for the client: by role and organisation, not by name (CJEU C-579/21: the data
# subject is owed the dates and purposes of consultations, not in general the staff's identity).
ROLE_LABELS: dict[str, str] = {
    "responsible_case_manager": "Ihre Fallmanagerin oder Ihr Fallmanager",
    "deputy_case_manager": "die Vertretung Ihrer Fallmanagerin oder Ihres Fallmanagers",
    "data_protection_officer": "die oder der Datenschutzbeauftragte",
    "team_lead": "die Teamleitung Fallmanagement",
    "placement_officer": "eine Arbeitsvermittlerin oder ein Arbeitsvermittler",
    "case_manager": "eine Fallmanagerin oder ein Fallmanager",
    "staff": "eine Mitarbeiterin oder ein Mitarbeiter",
    "partner": "eine Beraterin oder ein Berater",
    "client": "Sie selbst",
    "system": "der Betrieb des Jobcenters",
}

# The occasion of a request: a registered document's label (service/web/trusted_documents.py),
# or this — never the operation name, which the caller chooses.
UNREGISTERED_OCCASION = "Abfrage über die Schnittstelle (nicht registriert)"
UNLABELLED_OCCASION = "Abfrage einer registrierten Anwendung"
SERVICE_OCCASIONS: dict[str, str] = {
    "auskunft:document": "Auskunft als Dokument",
    "auskunft:copy": "Kopie Ihrer Daten",
    "auskunft:link": "Auskunft als Dokument, über einen Download-Link",
    "service auskunft": "Auskunft, vom Jobcenter erstellt",
}

REFERRAL_STATUS_LABELS: dict[str, str] = {
    "sent": "übermittelt",
    "accepted": "angenommen",
    "declined": "abgelehnt",
    "in_progress": "in Bearbeitung",
    "completed": "abgeschlossen",
    "aborted": "abgebrochen",
    "no_show": "nicht erschienen",
}

REVOCATION_CHANNEL_LABELS: dict[str, str] = {
    "in_person": "persönlich",
    "letter": "Brief",
    "email": "E-Mail",
    "phone": "Telefon",
    "portal": "Online-Portal",
}

PURPOSE_LABELS = {"referral": "Einschaltung Dritter", "deputy": "Vertretung im Fallmanagement"}
DIRECTION_LABELS = {
    "to_partner": "vom Jobcenter an die Organisation",
    "to_jobcenter": "von der Organisation an das Jobcenter",
}
# A deputy consent lets a named colleague stand in for the case manager: no data leaves.
DEPUTY_DIRECTION = "innerhalb des Jobcenters, an die benannte Vertretung"
ACTION_LABELS = {"read": "gelesen", "write": "geändert"}
RECORDER_LABELS = {"staff": "Fachkraft des Jobcenters", "client": "Sie selbst"}


def field_label(name: str) -> str | None:
    """The field's German label; None for one without (it is then named by its category only,
    never by its technical name)."""
    return FIELD_LABELS.get(name)


def category_label(category: str) -> str:
    try:
        return CATEGORIES[DataCategory(category)].label_de
    except ValueError:
        kind = OBJECT_TYPES.get(category)
        return kind.label if kind else "sonstige Angaben"


def join_german(parts: list[str]) -> str:
    """["a", "b", "c"] → "a, b und c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} und {parts[-1]}"


def occasion_label(recorded: str, registered: Mapping[str, str]) -> str:
    """The occasion of a request as the portal's words. The audit records a registered
    document by its id (`sha256:…`, which no GraphQL operation name can be) and this service's
    own endpoints by a name with a colon; anything else is a name the caller chose."""
    if recorded in SERVICE_OCCASIONS:
        return SERVICE_OCCASIONS[recorded]
    if recorded.startswith("sha256:"):
        return registered.get(recorded) or UNLABELLED_OCCASION
    return UNREGISTERED_OCCASION


def relations_ground(basis: str) -> str:
    """`responsible_case_manager+same_jobcenter` → the first relation that explains it."""
    relations = [r for r in basis.split("+") if r in RELATION_GROUNDS]
    relations.sort(key=list(RELATION_GROUNDS).index)
    return RELATION_GROUNDS[relations[0]] if relations else UNKNOWN_GROUND


@dataclass(frozen=True, slots=True)
class FieldCategories:
    """Which data category each recorded field is in. Reads record GraphQL field names: their
    categories are the ones the served schema declares, which build_schema hands down
    (service/schema/__init__.py) — the schema imports the Auskunft's types, so the Auskunft
    never imports the schema. Writes record the camel-cased columns they changed: their
    categories come from the data map (service/policy/data_map.py)."""

    reads: Mapping[tuple[str, str], str]  # (object type, GraphQL field) → category
    writes: Mapping[tuple[str, str], str | None]  # (object type, column); None: no personal data

    @classmethod
    def of_schema(cls, declared: Mapping[str, Mapping[str, str]]) -> FieldCategories:
        """From the schema's declared categories (GraphQL type → field → category). Made once,
        where the app is wired; the writes' categories from every table (service/tables.py).
        Fields of rows whose category differs per row (assessment entries) map to
        ROW_CATEGORY."""
        reads: dict[tuple[str, str], str] = {}
        for object_type, kind in OBJECT_TYPES.items():
            for type_name in kind.graphql_types:
                for name, category in declared.get(type_name, {}).items():
                    reads.setdefault((object_type, name), category)
        return cls(reads=reads, writes=_column_categories())

    def category_of(
        self, object_type: str, field: str, row_category: str | None, *, write: bool = False
    ) -> str | None:
        """The category of one recorded field: from the schema (reads) or the data map
        (writes); the object type's own category when neither knows it. None: no personal data
        (a write's key or bookkeeping column)."""
        default = OBJECT_TYPES[object_type].category if object_type in OBJECT_TYPES else None
        if write and (object_type, field) in self.writes:
            category = self.writes[(object_type, field)]
            if category is None:
                return None
        else:
            # A read the schema does not declare is a stored column read into the copy of the
            # data (service/access_report/copy.py): the data map knows its category.
            category = self.reads.get((object_type, field)) or self.writes.get((object_type, field))
        if category == ROW_CATEGORY:
            return row_category or str(default or object_type)
        return category or str(default or object_type)


def _column_categories() -> dict[tuple[str, str], str | None]:
    found: dict[tuple[str, str], str | None] = {}
    for table in client_tables(all_tables()):
        for column in table.columns:
            classification = classification_of(column)
            category = classification.category if classification else None
            key = (object_type_of_table(table.name), _camel(column.name))
            found[key] = ROW_CATEGORY if category == ROW else (str(category) if category else None)
    return found


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
