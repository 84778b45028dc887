"""The case vocabularies as GraphQL enums, with the German terms of the domain sources."""

from __future__ import annotations

import strawberry

from service.cases import vocabulary
from service.cases.models import CaseStatus as CaseStatusValues

CaseStatus = strawberry.enum(
    CaseStatusValues,
    name="CaseStatus",
    description="PROPOSED: Fallzugang vorgeschlagen; DECLINED: nicht übernommen; ADMITTED: im "
    "Fallmanagement; CLOSED: Fallabgang.",
)
Profile = strawberry.enum(
    vocabulary.Profile,
    name="Profile",
    description="Profillage, nach Marktnähe absteigend: marktnah MARKET (Marktprofil), "
    "ACTIVATION (Aktivierungsprofil), PROMOTION (Förderprofil); komplex DEVELOPMENT "
    "(Entwicklungsprofil), STABILISATION (Stabilisierungsprofil), SUPPORT "
    "(Unterstützungsprofil). Ins Fallmanagement führt nur eine komplexe Profillage.",
)
CareVariant = strawberry.enum(
    vocabulary.CareVariant,
    name="CareVariant",
    description="FULL_HANDOVER: vollständige Übergabe (Hauptbetreuung); ACCOMPANYING: "
    "begleitende Betreuung (Nebenbetreuung).",
)
ProfilingCategory = strawberry.enum(
    vocabulary.ProfilingCategory,
    name="ProfilingCategory",
    description="Schlüsselgruppen des Profilings: Qualifikation, Motivation, "
    "Rahmenbedingungen, Leistungsfähigkeit. Handlungsbedarfe in Rahmenbedingungen und "
    "Leistungsfähigkeit zählen für die Faustregel des Fallzugangs.",
)
AssessmentKind = strawberry.enum(
    vocabulary.AssessmentKind,
    name="AssessmentKind",
    description="STRENGTH: Stärken/Ressourcen; STABILISATION_NEED: Stabilisierungsbedarf.",
)
AssessmentCategory = strawberry.enum(
    vocabulary.AssessmentCategory,
    name="AssessmentCategory",
    description="Qualifikation; Motivation/Rahmenbedingungen; Leistungsfähigkeit.",
)
AssessmentSubcategory = strawberry.enum(
    vocabulary.AssessmentSubcategory,
    name="AssessmentSubcategory",
    description="Subkategorie. Legt Kategorie und Datenkategorie des Eintrags fest: "
    "Schulabschluss, Berufsausbildung, Berufserfahrung, Sprachkenntnisse (Qualifikation); "
    "Motivation, Mobilität, Familie/Kinderbetreuung (Rahmenbedingungen); Schulden (finanzielle "
    "Situation); Wohnen (Wohnsituation); körperliche und psychische Leistungsfähigkeit "
    "(Gesundheit); Sucht.",
)
ResponsibleParty = strawberry.enum(
    vocabulary.ResponsibleParty,
    name="ResponsibleParty",
    description="Verantwortlich: Kunde, Fallmanager/in oder ein Netzwerkpartner.",
)
PlanChange = strawberry.enum(
    vocabulary.PlanChange,
    name="PlanChange",
    description="Fortschreibung eines Planschritts: EDITED geändert (Titel, Ressourcen, "
    "Verantwortlich); REDATED neuer Zieltermin; WITHDRAWN zurückgenommen; OUTCOME_CORRECTED "
    "Ergebnis berichtigt.",
)
Outcome = strawberry.enum(
    vocabulary.Outcome,
    name="Outcome",
    description="Fallsteuerung: erfolgreich / nicht erfolgreich abgeschlossen.",
)
ClosingReason = strawberry.enum(
    vocabulary.ClosingReason,
    name="ClosingReason",
    description="Abgangsgründe: dauerhafte Integration in Arbeit; Voraussetzungen entfallen, "
    "Fortschritte auch ohne Fallmanagement möglich; keine Verbesserung der Perspektiven "
    "erkennbar; Zuständigkeitswechsel (z. B. SGB XII); mangelnde Tragfähigkeit des "
    "Arbeitsbündnisses; Wirtschaftlichkeit entfällt.",
)
DocumentArea = strawberry.enum(
    vocabulary.DocumentArea,
    name="DocumentArea",
    description="INTEGRATION: Integration; PROTECTED: geschützter Bereich Fallmanagement.",
)
