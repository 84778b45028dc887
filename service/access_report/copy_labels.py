"""The words of the copy of the data: its columns by the Auskunft's field labels
(field_labels.py, which names stored columns too), and plain words for coded values — the copy is
for the client to read, so "sub_goal" is "Teilziel" (§ 15 SGB II: in a form the person
understands)."""

from __future__ import annotations

from service.access_report.labels import DEPUTY_DIRECTION, category_label, field_label
from service.clients.plain_language import PLAIN_LABELS
from service.partners.categories import SERVICE_CATEGORY_LABELS_DE

PROFILES = {
    "development": "Entwicklungsprofil",
    "stabilisation": "Stabilisierungsprofil",
    "support": "Unterstützungsprofil",
}
_OWN: dict[tuple[str, str], dict[str, str]] = {
    ("plan_item", "kind"): {"goal": "Ziel", "sub_goal": "Teilziel", "activity": "Aktivität"},
    ("case", "profile"): PROFILES,
    ("case_review", "profileBefore"): PROFILES,
    ("case_review", "profileAfter"): PROFILES,
    ("appointment", "kind"): {
        "consultation": "Beratungsgespräch",
        "plan_review": "Überprüfung des Kooperationsplans",
        "home_visit": "Hausbesuch",
        "with_partner": "gemeinsamer Termin mit einem Netzwerkpartner",
        "phone": "Telefontermin",
        "video": "Videotermin",
    },
    ("appointment", "status"): {
        "planned": "geplant",
        "held": "wahrgenommen",
        "missed": "nicht wahrgenommen",
        "cancelled": "abgesagt",
    },
    ("document", "area"): {
        "integration": "Integrationsbereich",
        "protected": "geschützter Bereich",
    },
    ("referral", "serviceCategory"): {str(k): v for k, v in SERVICE_CATEGORY_LABELS_DE.items()},
    ("progress_report", "attendance"): {
        "attended": "teilgenommen",
        "excused": "entschuldigt",
        "missed": "nicht teilgenommen",
    },
    ("cooperation_plan", "clientPosition"): {
        "pending": "noch offen",
        "agreed": "zugestimmt",
        "disagreed": "nicht zugestimmt",
    },
}
# Values the client's own view already words (service/clients/plain_language.py), by the enum
# they are shown as there.
_PLAIN_ENUMS: dict[tuple[str, str], str] = {
    ("case", "status"): "CaseStatus",
    ("case", "careVariant"): "CareVariant",
    ("case", "closingReason"): "ClosingReason",
    ("plan_item", "responsible"): "ResponsibleParty",
    ("plan_item", "outcome"): "Outcome",
    ("referral", "status"): "ReferralStatus",
    ("referral_status_change", "status"): "ReferralStatus",
    ("progress_report", "status"): "ReferralStatus",
    ("consent", "purpose"): "ConsentPurpose",
    ("consent", "direction"): "ConsentDirection",
}
_PLAIN = {(label.enum, label.value): label.label_de for label in PLAIN_LABELS}


def column_label(name: str, category: str) -> str:
    return field_label(name) or category_label(category)


def value_label(object_type: str, name: str, value: object, *, deputy: bool = False) -> str | None:
    """The value in plain German, or None where it is shown as stored (texts, dates)."""
    if deputy and (object_type, name) == ("consent", "direction"):
        return DEPUTY_DIRECTION  # a deputy consent lets a colleague stand in: no data leaves
    if isinstance(value, list) and (object_type, name) == ("consent", "categories"):
        return ", ".join(category_label(str(category)) for category in value)
    if not isinstance(value, str) or not value:
        return None
    own = _OWN.get((object_type, name))
    if own is not None:
        return own.get(value)
    enum = _PLAIN_ENUMS.get((object_type, name))
    return _PLAIN.get((enum, value.upper())) if enum else None
