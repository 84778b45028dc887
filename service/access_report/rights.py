"""The statutory parts of the Auskunft (Art. 15(1)–(2) GDPR, § 83 SGB X): controller and
data-protection officer, purposes, recipients, storage period, the data subject's rights and the
supervisory authority. Texts for today's law: the SGB X of 2004–2009 in domain/ predates the
GDPR; § 83 SGB X now refers to Art. 15 GDPR and limits it (e.g. § 83(1) for data only kept
for legal retention).

Supervisory authority: for a jobcenter run jointly by the Bundesagentur and the municipality
(gemeinsame Einrichtung) the Federal Commissioner (§ 50(4) SGB II); for a municipal jobcenter
(zugelassener kommunaler Träger) the Land's commissioner — a deployment for one of those sets
its own text.
"""

from __future__ import annotations

from dataclasses import dataclass

PURPOSES = (
    "Beratung und Unterstützung bei der Eingliederung in Arbeit im beschäftigungsorientierten "
    "Fallmanagement (§§ 14–16 SGB II; Verarbeitung nach § 67a ff. SGB X, § 50 ff. SGB II).",
    "Der Kooperationsplan (§ 15 SGB II), seine Überprüfung und Fortschreibung.",
    "Die Vermittlung an Netzwerkpartner (Einschaltung Dritter) und deren Rückmeldungen — nur "
    "soweit Sie eingewilligt haben (Art. 6 Abs. 1 lit. a, Art. 9 Abs. 2 lit. a DSGVO).",
    "Der Nachweis, wer wann auf Ihre Daten zugegriffen hat (Protokollierung, Art. 5 Abs. 2, "
    "Art. 32 DSGVO), und diese Auskunft.",
)
STORAGE = (
    "Die Akte des Fallmanagements wird gelöscht, sobald sie für die Aufgaben des Jobcenters "
    "nicht mehr erforderlich ist (§ 84 Abs. 2 SGB X); Einwilligungen und Protokolle werden so "
    "lange aufbewahrt, wie sie zum Nachweis einer rechtmäßigen Verarbeitung nötig sind; ebenso "
    "die Protokolle der Zugriffe, die nur sagen, wer wann was gelesen hat, nicht den Inhalt."
)
RIGHTS = (
    ("Berichtigung", "unrichtige Daten berichtigen zu lassen (Art. 16 DSGVO, § 84 SGB X)."),
    ("Löschung", "Ihre Daten löschen zu lassen, soweit sie nicht mehr nötig sind (Art. 17 DSGVO)."),
    (
        "Einschränkung",
        "die Verarbeitung einschränken zu lassen, etwa solange die Richtigkeit geprüft wird "
        "(Art. 18 DSGVO).",
    ),
    (
        "Widerspruch",
        "der Verarbeitung aus Gründen Ihrer besonderen Situation zu widersprechen (Art. 21 "
        "DSGVO); eine Einwilligung können Sie jederzeit für die Zukunft widerrufen (Art. 7 "
        "Abs. 3 DSGVO).",
    ),
    (
        "Beschwerde",
        "sich bei der Aufsichtsbehörde zu beschweren (Art. 77 DSGVO): {authority}.",
    ),
)
SUPERVISORY_AUTHORITY = (
    "Die Bundesbeauftragte für den Datenschutz und die Informationsfreiheit (BfDI), "
    "Graurheindorfer Straße 153, 53117 Bonn"
)
DPO_FALLBACK = "erreichbar über die Anschrift des Jobcenters, Stichwort „Datenschutz“"


@dataclass(frozen=True, slots=True)
class Statutory:
    controller: str
    dpo_contact: str
    purposes: tuple[str, ...]
    storage: str
    rights: tuple[tuple[str, str], ...]
    supervisory_authority: str


def statutory(jobcenter: str, dpo_contact: str = "") -> Statutory:
    return Statutory(
        controller=jobcenter,
        dpo_contact=dpo_contact or DPO_FALLBACK,
        purposes=PURPOSES,
        storage=STORAGE,
        rights=tuple((name, text.format(authority=SUPERVISORY_AUTHORITY)) for name, text in RIGHTS),
        supervisory_authority=SUPERVISORY_AUTHORITY,
    )
