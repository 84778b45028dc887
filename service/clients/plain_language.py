"""The values a client reads in their own view, in plain language: the enum descriptions of the
schema are written for staff ("FULL_HANDOVER: vollständige Übergabe (Hauptbetreuung)"), and
§ 15 SGB II asks for the plan "in einer für die leistungsberechtigte Person verständlichen
Form". A portal shows these labels, never the enum names. Keyed by the GraphQL enum's name and
value, so they stay data a portal can list (`plainLabels`), like the data categories.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlainLabel:
    enum: str
    value: str  # the GraphQL enum value
    label_de: str
    label_en: str


_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "CaseStatus": {
        "PROPOSED": ("Für das Fallmanagement vorgeschlagen", "Proposed for case management"),
        "DECLINED": ("Nicht ins Fallmanagement aufgenommen", "Not taken into case management"),
        "ADMITTED": ("Sie werden im Fallmanagement betreut", "You are in case management"),
        "CLOSED": ("Das Fallmanagement ist beendet", "Case management has ended"),
    },
    "CareVariant": {
        "FULL_HANDOVER": (
            "Ihre Fallmanagerin oder Ihr Fallmanager betreut Sie allein",
            "Your case manager looks after you alone",
        ),
        "ACCOMPANYING": (
            "Ihre Fallmanagerin oder Ihr Fallmanager begleitet Ihre Betreuung in der "
            "Arbeitsvermittlung",
            "Your case manager accompanies your care by the placement service",
        ),
    },
    "ResponsibleParty": {
        "CLIENT": ("Sie selbst", "You"),
        "CASE_MANAGER": ("Ihre Fallmanagerin oder Ihr Fallmanager", "Your case manager"),
        "NETWORK_PARTNER": ("Eine Beratungsstelle", "A counselling service"),
    },
    "Outcome": {
        "ACHIEVED": ("Erreicht", "Achieved"),
        "NOT_ACHIEVED": ("Nicht erreicht", "Not achieved"),
    },
    "ClosingReason": {
        "LASTING_INTEGRATION": ("Sie haben eine dauerhafte Arbeit", "You have lasting work"),
        "PREREQUISITES_GONE": (
            "Sie kommen auch ohne Fallmanagement weiter",
            "You can make progress without case management",
        ),
        "NO_PROSPECT": (
            "Das Fallmanagement konnte Ihnen nicht weiterhelfen",
            "Case management could not help you further",
        ),
        "CHANGE_OF_RESPONSIBILITY": (
            "Eine andere Stelle ist jetzt für Sie zuständig",
            "Another office is now responsible for you",
        ),
        "WORKING_ALLIANCE_NOT_VIABLE": (
            "Die Zusammenarbeit hat nicht getragen",
            "The cooperation did not work",
        ),
        "NOT_ECONOMICAL": (
            "Das Fallmanagement wurde aus wirtschaftlichen Gründen beendet",
            "Case management ended for economic reasons",
        ),
    },
    "ReferralStatus": {
        "SENT": ("An die Beratungsstelle geschickt", "Sent to the counselling service"),
        "ACCEPTED": ("Von der Beratungsstelle angenommen", "Accepted by the counselling service"),
        "DECLINED": ("Von der Beratungsstelle abgelehnt", "Declined by the counselling service"),
        "IN_PROGRESS": ("Die Beratung läuft", "Counselling is under way"),
        "COMPLETED": ("Die Beratung ist abgeschlossen", "Counselling is completed"),
        "ABORTED": ("Die Beratung wurde abgebrochen", "Counselling was stopped"),
        "NO_SHOW": ("Sie sind nicht zum Termin gekommen", "You did not come to the appointment"),
    },
    "ConsentPurpose": {
        "REFERRAL": (
            "Daten an eine Beratungsstelle weitergeben, an die Sie vermittelt wurden",
            "Share data with a counselling service you were referred to",
        ),
        "DEPUTY": (
            "Eine Vertretung Ihrer Fallmanagerin oder Ihres Fallmanagers darf Ihre Akte lesen",
            "A stand-in for your case manager may read your file",
        ),
    },
    "ConsentDirection": {
        "TO_PARTNER": (
            "Vom Jobcenter an die Beratungsstelle",
            "From the jobcenter to the counselling service",
        ),
        "TO_JOBCENTER": (
            "Von der Beratungsstelle an das Jobcenter",
            "From the counselling service to the jobcenter",
        ),
    },
}

PLAIN_LABELS: tuple[PlainLabel, ...] = tuple(
    PlainLabel(enum, value, de, en)
    for enum, values in _LABELS.items()
    for value, (de, en) in values.items()
)
