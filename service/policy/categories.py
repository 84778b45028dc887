"""Data categories: what a consent's scope is made of, and what every field of personal data
belongs to (exactly one, declared where the field is declared; DESIGN.md, Consent).

They are data, not just code: `dataCategories` lists them with German and English labels and a
description, so a consent UI can render the choice the client makes. Assessment data is split by
what a partner needs (Datensparsamkeit, domain/000): a debt counsellor can be given the financial
situation without the housing or health entries. Health and addiction are special categories
(Art. 9 GDPR) and count only under a consent that names them explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DataCategory(StrEnum):
    IDENTITY = "identity"
    CONTACT = "contact"
    HOUSEHOLD = "household"
    CASE_STATUS = "case_status"
    CASE_CLOSURE = "case_closure"
    INTAKE = "intake"
    ASSESSMENT_QUALIFICATION = "assessment_qualification"
    ASSESSMENT_CIRCUMSTANCES = "assessment_circumstances"
    ASSESSMENT_FINANCES = "assessment_finances"
    ASSESSMENT_HOUSING = "assessment_housing"
    ASSESSMENT_HEALTH = "assessment_health"
    ASSESSMENT_ADDICTION = "assessment_addiction"
    INTEGRATION_PLAN = "integration_plan"
    CASE_NOTES = "case_notes"
    APPOINTMENTS = "appointments"
    DOCUMENTS = "documents"
    PROTECTED_DOCUMENTS = "protected_documents"
    REFERRAL = "referral"
    PROGRESS_REPORTS = "progress_reports"
    CONSENTS = "consents"
    ACCESS_REPORT = "access_report"


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    label_de: str
    label_en: str
    description_de: str
    special: bool = False


CATEGORIES: dict[DataCategory, CategoryInfo] = {
    DataCategory.IDENTITY: CategoryInfo(
        "Identität", "Identity", "Name, Geburtsdatum und Kundennummer."
    ),
    DataCategory.CONTACT: CategoryInfo(
        "Kontaktdaten", "Contact details", "Anschrift, Telefonnummer und E-Mail-Adresse."
    ),
    DataCategory.HOUSEHOLD: CategoryInfo(
        "Haushalt", "Household", "Bedarfsgemeinschaft, Kinder und zu betreuende Angehörige."
    ),
    DataCategory.CASE_STATUS: CategoryInfo(
        "Fallstatus",
        "Case status",
        "Ob und seit wann ein Fallmanagement besteht, Betreuungsform, Profillage, zuständige "
        "Fachkraft, Überprüfungstermine.",
    ),
    # Apart from the case status because it is the case's outcome: under a filter by one case
    # manager it would be that person's results, which no leader may see (domain/002). The
    # reasoning in words stays with the protected content (integration plan).
    DataCategory.CASE_CLOSURE: CategoryInfo(
        "Fallabgang",
        "Case closure",
        "Abgangsgrund: warum das Fallmanagement beendet wurde (z. B. nachhaltige Integration).",
    ),
    DataCategory.INTAKE: CategoryInfo(
        "Fallzugang",
        "Intake",
        "Profiling-Angaben und Begründungen für die Aufnahme ins Fallmanagement.",
    ),
    DataCategory.ASSESSMENT_QUALIFICATION: CategoryInfo(
        "Assessment: Qualifikation",
        "Assessment: qualification",
        "Schul- und Berufsabschlüsse, Berufserfahrung, Sprachkenntnisse.",
    ),
    DataCategory.ASSESSMENT_CIRCUMSTANCES: CategoryInfo(
        "Assessment: Motivation und Rahmenbedingungen",
        "Assessment: motivation and circumstances",
        "Motivation, Mobilität, familiäre Situation und Kinderbetreuung.",
    ),
    DataCategory.ASSESSMENT_FINANCES: CategoryInfo(
        "Assessment: finanzielle Situation",
        "Assessment: financial situation",
        "Schulden, Pfändungen und der Umgang mit Geld.",
    ),
    DataCategory.ASSESSMENT_HOUSING: CategoryInfo(
        "Assessment: Wohnsituation",
        "Assessment: housing",
        "Wohnsituation, drohender oder eingetretener Wohnungsverlust, Mietschulden.",
    ),
    DataCategory.ASSESSMENT_HEALTH: CategoryInfo(
        "Assessment: Gesundheit",
        "Assessment: health",
        "Körperliche und psychische Leistungsfähigkeit (besondere Kategorie, Art. 9 DSGVO).",
        special=True,
    ),
    DataCategory.ASSESSMENT_ADDICTION: CategoryInfo(
        "Assessment: Sucht",
        "Assessment: addiction",
        "Suchtmittelgebrauch und Suchtbehandlung (besondere Kategorie, Art. 9 DSGVO).",
        special=True,
    ),
    DataCategory.INTEGRATION_PLAN: CategoryInfo(
        "Integrationsplan",
        "Integration plan",
        "Ziele, Teilziele und Aktivitäten sowie deren Ergebnisse; Eingliederungsvereinbarungen.",
    ),
    # Apart from the plan because the plan is drawn up with the client and shared with them
    # (§ 15 SGB II), while these are the case manager's own reasoning in the protected area.
    DataCategory.CASE_NOTES: CategoryInfo(
        "Begründungen und Vermerke des Fallmanagements",
        "Case manager's reasoning and notes",
        "Begründung des Fallabgangs, Gründe und Prognose der Überprüfungen, Vermerke der "
        "Nachbetreuung, Historienvermerke und Wiedervorlagen (geschützter Bereich "
        "Fallmanagement).",
    ),
    # Apart from the notes because the client is the one who has to come: they read when, where
    # and what kind, and whether it was held (the internal note and the reason recorded for a
    # missed appointment stay case_notes).
    DataCategory.APPOINTMENTS: CategoryInfo(
        "Termine",
        "Appointments",
        "Termine mit der Kundin oder dem Kunden (auch gemeinsam mit einem Netzwerkpartner): "
        "wann, wo, welche Art, ob wahrgenommen oder abgesagt.",
    ),
    DataCategory.DOCUMENTS: CategoryInfo(
        "Dokumente",
        "Documents",
        "Die Liste der Dokumente der Fallakte und die Dokumente des Integrationsbereichs, soweit "
        "sie nicht als Gesundheits- oder Suchtdaten eingeordnet sind.",
    ),
    DataCategory.PROTECTED_DOCUMENTS: CategoryInfo(
        "Dokumente des geschützten Bereichs",
        "Protected-area documents",
        "Dokumente aus dem geschützten Bereich Fallmanagement (z. B. Berichte von Beratungsstellen"
        "). Befunde und Atteste darin sind zusätzlich Gesundheits- oder Suchtdaten und brauchen "
        "deren ausdrückliche Einwilligung.",
    ),
    DataCategory.REFERRAL: CategoryInfo(
        "Einschaltung Dritter",
        "Referral",
        "An wen, wozu und wann die Kundin oder der Kunde vermittelt wurde, und der Stand.",
    ),
    DataCategory.PROGRESS_REPORTS: CategoryInfo(
        "Rückmeldungen der Partner",
        "Progress reports",
        "Inhalt der Rückmeldungen eines Netzwerkpartners an das Jobcenter.",
    ),
    DataCategory.CONSENTS: CategoryInfo(
        "Einwilligungen",
        "Consents",
        "Erteilte und widerrufene Einwilligungen: wem, wozu, in welchem Umfang, wie lange.",
    ),
    DataCategory.ACCESS_REPORT: CategoryInfo(
        "Auskunft",
        "Access report",
        "Wer wann bei welcher Gelegenheit welche Daten gelesen hat (Art. 15 DSGVO, § 83 SGB X); "
        "nur für die Kundin oder den Kunden selbst und die oder den Datenschutzbeauftragten.",
    ),
}

SPECIAL_CATEGORIES = frozenset(c for c, info in CATEGORIES.items() if info.special)
ALL_CATEGORIES = frozenset(DataCategory)
# What a client can consent to share: everything but their own access report, which is theirs
# and the data-protection officer's alone.
CONSENTABLE_CATEGORIES = ALL_CATEGORIES - {DataCategory.ACCESS_REPORT}
# What a document can be classified as when it is added: by what it says, so an Attest is health
# data wherever it is filed (DESIGN.md, invariant 6).
DOCUMENT_CATEGORIES = frozenset(
    {
        DataCategory.DOCUMENTS,
        DataCategory.PROTECTED_DOCUMENTS,
        DataCategory.ASSESSMENT_QUALIFICATION,
        DataCategory.ASSESSMENT_FINANCES,
        DataCategory.ASSESSMENT_HOUSING,
        DataCategory.ASSESSMENT_HEALTH,
        DataCategory.ASSESSMENT_ADDICTION,
    }
)
