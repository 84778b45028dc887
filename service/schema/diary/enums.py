"""The diary's vocabularies as GraphQL enums, with their German terms."""

from __future__ import annotations

import strawberry

from service.diary import vocabulary

NoteKind = strawberry.enum(
    vocabulary.NoteKind,
    name="CaseNoteKind",
    description="Art des Historienvermerks: IN_PERSON persönlicher Kontakt, PHONE telefonisch, "
    "VIDEO per Video, LETTER schriftlich, EMAIL per E-Mail, NOTE Vermerk, DECISION "
    "Entscheidung.",
)
AppointmentKind = strawberry.enum(
    vocabulary.AppointmentKind,
    name="AppointmentKind",
    description="Art des Termins: CONSULTATION Beratungsgespräch, PLAN_REVIEW Überprüfung des "
    "Kooperationsplans, HOME_VISIT Hausbesuch, WITH_PARTNER gemeinsam mit einem "
    "Netzwerkpartner, PHONE Telefontermin, VIDEO Videotermin.",
)
AppointmentStatus = strawberry.enum(
    vocabulary.AppointmentStatus,
    name="AppointmentStatus",
    description="PLANNED geplant, HELD wahrgenommen, MISSED nicht wahrgenommen (mit Grund), "
    "CANCELLED abgesagt.",
)
