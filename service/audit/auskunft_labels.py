"""The words of the Auskunft: what the audit log's technical names mean in German.

The audit log records GraphQL field names and object types (service/audit/models.py). A client
must be able to read *what* was seen (domain/000: wer, was, wann, bei welcher Gelegenheit), so
each field is shown under its data category — taken from the real schema, where every personal
field declares its category (service/policy/guard.py) — with a German label. A field without a
label here is shown by its name rather than left out.
"""

from __future__ import annotations

from functools import cache

from service.policy.categories import CATEGORIES, DataCategory
from service.policy.guard import ROW_CATEGORY, FieldGuard

# object_type in the audit log → (German label, the GraphQL types whose fields it records).
# tests/audit/test_auskunft_labels.py checks every personal GraphQL type is listed here.
OBJECT_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "client": ("Stammdaten", ("Client",)),
    "case": ("Fall", ("Case", "Intake", "Assessment")),
    "profiling_item": ("Profiling-Angabe", ("ProfilingItem",)),
    "assessment_entry": ("Assessment-Eintrag", ("AssessmentEntry",)),
    "plan_item": ("Integrationsplan", ("Goal", "SubGoal", "Activity", "StepOutcome")),
    "integration_agreement": ("Eingliederungsvereinbarung", ("IntegrationAgreement",)),
    "case_review": ("Überprüfung", ("CaseReview",)),
    "aftercare_note": ("Vermerk der Nachbetreuung", ("AftercareNote",)),
    "potential_analysis": ("Potenzialanalyse", ("PotentialAnalysis",)),
    "potential_analysis_item": ("Punkt der Potenzialanalyse", ("PotentialAnalysisItem",)),
    "cooperation_plan": ("Kooperationsplan", ("CooperationPlan",)),
    "cooperation_plan_review": ("Überprüfung des Kooperationsplans", ("CooperationPlanReview",)),
    "conciliation": ("Schlichtungsverfahren", ("Conciliation",)),
    "cooperation_request": ("Aufforderung mit Rechtsfolgenbelehrung", ("CooperationRequest",)),
    "document": ("Dokument", ("Document",)),
    "document_content": ("Dokumentinhalt", ("DocumentContent",)),
    "referral": ("Einschaltung Dritter", ("Referral",)),
    "referral_status_change": ("Statusänderung einer Einschaltung", ("ReferralStatusChange",)),
    "progress_report": ("Rückmeldung", ("ProgressReport",)),
    "consent": ("Einwilligung", ("Consent",)),
    "access_report": (
        "Auskunft",
        (
            "AccessReport",
            "AccessReportReader",
            "AccessReportOccasion",
            "AccessReportRead",
            "AccessReportConsent",
            "AccessReportReferral",
        ),
    ),
}

# Field labels across types; the category (from the schema) says which thing a name is about.
FIELD_LABELS: dict[str, str] = {
    "customerNumber": "Kundennummer",
    "givenName": "Vorname",
    "familyName": "Nachname",
    "dateOfBirth": "Geburtsdatum",
    "street": "Straße",
    "postalCode": "Postleitzahl",
    "city": "Ort",
    "phone": "Telefonnummer",
    "email": "E-Mail-Adresse",
    "householdSize": "Größe der Bedarfsgemeinschaft",
    "childrenInHousehold": "Kinder im Haushalt",
    "status": "Status",
    "version": "Bearbeitungsstand",
    "profile": "Profillage",
    "careVariant": "Betreuungsform",
    "responsibleCaseManager": "zuständige Fachkraft",
    "deputyCaseManager": "Vertretung",
    "admittedOn": "Aufnahme ins Fallmanagement",
    "nextReviewDue": "nächste Überprüfung",
    "reviewOverdue": "Überprüfung überfällig",
    "pastTwoYears": "Dauer über zwei Jahre",
    "closedOn": "Fallabgang",
    "closingReason": "Abgangsgrund",
    "closingReasoning": "Begründung des Abgangs",
    "aftercareUntil": "Nachbetreuung bis",
    "proposedAt": "Vorschlag am",
    "proposedBy": "vorgeschlagen von",
    "profilingItems": "Profiling-Angaben",
    "intakeReasoning": "Zugangsbegründung",
    "decisionReasoning": "Entscheidungsbegründung",
    "declineReason": "Ablehnungsgrund",
    "decidedAt": "Entscheidung am",
    "decidedBy": "entschieden von",
    "qualification": "Qualifikation",
    "circumstances": "Motivation und Rahmenbedingungen",
    "finances": "finanzielle Situation",
    "housing": "Wohnsituation",
    "health": "Gesundheit",
    "addiction": "Sucht",
    "kind": "Art",
    "category": "Kategorie",
    "subcategory": "Unterkategorie",
    "subject": "Betreff",
    "detail": "Beschreibung",
    "goals": "Ziele",
    "title": "Titel",
    "resources": "Ressourcen",
    "outcome": "Ergebnis",
    "targetDate": "Zieltermin",
    "responsible": "Verantwortlich",
    "agreements": "Eingliederungsvereinbarungen",
    "reviews": "Überprüfungen",
    "aftercareNotes": "Vermerke der Nachbetreuung",
    "documents": "Dokumente",
    "dataCategory": "Datenkategorie",
    "specialCategory": "besondere Kategorie (Gesundheit, Sucht)",
    "text": "Text",
    "purpose": "Zweck",
    "serviceCategory": "Leistungsangebot",
    "firstReportDue": "erste Rückmeldung fällig",
    "createdAt": "angelegt am",
    "overdue": "überfällig",
    "reportedOn": "Rückmeldung vom",
    "attendance": "Teilnahme",
    "nextAppointment": "nächster Termin",
    "changedAt": "geändert am",
    "reason": "Begründung",
    "granteeOrganisationId": "Empfänger",
    "referralId": "Einschaltung",
    "direction": "Richtung",
    "categories": "Datenkategorien",
    "explicitSpecialCategories": "ausdrückliche Einwilligung für besondere Kategorien",
    "validFrom": "gültig ab",
    "validUntil": "gültig bis",
    "active": "wirksam",
    "evidenceReference": "Nachweis",
    "recordedAt": "erfasst am",
    "revokedAt": "widerrufen am",
    "revocationChannel": "Widerruf über",
    "clientName": "Name",
    "readers": "Zugriffe",
    "consents": "Einwilligungen",
    "referrals": "Einschaltungen Dritter",
    "document": "Auskunft als Dokument",
}

# The relations a read can rest on (service/policy/facts.py Relation), as the client reads them.
RELATION_LABELS: dict[str, str] = {
    "responsible_case_manager": "als zuständige Fachkraft im Fallmanagement",
    "deputy_case_manager": "als Vertretung der zuständigen Fachkraft",
    "same_jobcenter": "als Mitarbeiterin oder Mitarbeiter Ihres Jobcenters",
    "proposer": "als Fachkraft, die die Aufnahme vorgeschlagen hat",
    "referral_recipient": "als Empfänger einer Einschaltung",
    "report_author": "als Verfasser einer Rückmeldung",
    "data_subject": "als betroffene Person selbst",
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
    "to_partner": "vom Jobcenter an den Partner",
    "to_jobcenter": "vom Partner an das Jobcenter",
}
ACTION_LABELS = {"read": "gelesen", "write": "geändert"}
RECORDER_LABELS = {"staff": "Fachkraft des Jobcenters", "client": "Sie selbst"}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def category_label(category: str) -> str:
    try:
        return CATEGORIES[DataCategory(category)].label_de
    except ValueError:
        return OBJECT_TYPES.get(category, (category,))[0]


def basis_relations_label(basis: str) -> str:
    """`responsible_case_manager+same_jobcenter` → the first relation that explains it."""
    relations = [r for r in basis.split("+") if r in RELATION_LABELS]
    order = list(RELATION_LABELS)
    relations.sort(key=order.index)
    return RELATION_LABELS[relations[0]] if relations else "ohne erkennbare Grundlage"


@cache
def field_categories() -> dict[tuple[str, str], str]:
    """(object_type, GraphQL field name) → data category, walked from the served schema.
    Fields of rows whose category differs per row (assessment entries) map to ROW_CATEGORY."""
    from service.schema import schema  # the schema imports the Auskunft's types: import late

    found: dict[tuple[str, str], str] = {}
    naming = schema.config.name_converter
    for object_type, (_label, type_names) in OBJECT_TYPES.items():
        for type_name in type_names:
            definition = schema.get_type_by_name(type_name)
            for field in getattr(definition, "fields", ()):
                guards = [e for e in field.extensions if isinstance(e, FieldGuard)]
                if guards:
                    key = (object_type, naming.get_graphql_name(field))
                    found.setdefault(key, str(guards[0].category))
    return found


def category_of(object_type: str, field: str, row_category: str | None) -> str:
    """The category of one recorded field; the object type when no category is known."""
    category = field_categories().get((object_type, field))
    if category == ROW_CATEGORY:
        return row_category or object_type
    return category or object_type
