"""The closed lists and limits of the case manager's diary: notes (Historienvermerke),
appointments (Termine) and follow-ups (Wiedervorlagen), the daily tools of domain/000's VerBIS
menu ("Termine, Wiedervorlagen, Kundenhistorie").

German labels live in the GraphQL enum descriptions (service/schema/diary/enums.py).
"""

from __future__ import annotations

from enum import StrEnum

NOTE_SUBJECT_LIMIT = 200
NOTE_TEXT_LIMIT = 4000  # as the case's other long texts (service/cases/vocabulary.py)
PLACE_LIMIT = 200
APPOINTMENT_NOTE_LIMIT = 1000
STATUS_REASON_LIMIT = 500
FOLLOW_UP_REASON_LIMIT = 200  # "kurzer Grund": one line in the due list
# Planning horizons: an appointment or a follow-up further out belongs in the plan (a goal's
# target date), not in the diary; longer appointments are no appointments (a measure is).
PLANNING_HORIZON_DAYS = 366
LONGEST_APPOINTMENT_HOURS = 12
DUE_LIST_DAYS_DEFAULT = 7
DUE_LIST_DAYS_LIMIT = 31


class NoteKind(StrEnum):
    """What a Historienvermerk records: a contact with the client by its channel, a note, or a
    decision taken on the case."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"
    LETTER = "letter"
    EMAIL = "email"
    NOTE = "note"
    DECISION = "decision"


class AppointmentKind(StrEnum):
    CONSULTATION = "consultation"  # Beratungsgespräch
    PLAN_REVIEW = "plan_review"  # Überprüfung des Kooperationsplans mit der Kundin / dem Kunden
    HOME_VISIT = "home_visit"  # Hausbesuch
    WITH_PARTNER = "with_partner"  # gemeinsamer Termin mit einem Netzwerkpartner
    PHONE = "phone"  # Telefontermin
    VIDEO = "video"  # Videotermin


class AppointmentStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"  # wahrgenommen
    MISSED = "missed"  # nicht wahrgenommen (with the reason given, if any)
    CANCELLED = "cancelled"  # abgesagt


FINAL_APPOINTMENT_STATUSES = frozenset(
    {AppointmentStatus.HELD, AppointmentStatus.MISSED, AppointmentStatus.CANCELLED}
)
