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


# The same in English, for a client who asks for it (texts.py); the law's names stay German.
PURPOSES_EN = (
    "Advice and support towards work in employment-oriented case management (§§ 14–16 SGB II; "
    "processing under § 67a ff. SGB X, § 50 ff. SGB II).",
    "The cooperation plan (Kooperationsplan, § 15 SGB II), its review and updates.",
    "Referrals to network partners and their reports back — only as far as you consented "
    "(Art. 6(1)(a), Art. 9(2)(a) GDPR).",
    "The record of who accessed your data when (logging, Art. 5(2), Art. 32 GDPR), and this "
    "report.",
)
STORAGE_EN = (
    "The case management file is erased as soon as the jobcenter no longer needs it for its "
    "tasks (§ 84(2) SGB X); consents and records are kept as long as they are needed to show "
    "that processing was lawful; so are the records of access, which say only who read what "
    "when, not the content."
)
RIGHTS_EN = (
    ("Rectification", "have incorrect data corrected (Art. 16 GDPR, § 84 SGB X)."),
    ("Erasure", "have your data erased where it is no longer needed (Art. 17 GDPR)."),
    (
        "Restriction",
        "have processing restricted, for instance while its accuracy is checked (Art. 18 GDPR).",
    ),
    (
        "Objection",
        "object to processing on grounds relating to your particular situation (Art. 21 "
        "GDPR); you can withdraw a consent at any time with effect for the future (Art. 7(3) "
        "GDPR).",
    ),
    (
        "Complaint",
        "lodge a complaint with the supervisory authority (Art. 77 GDPR): {authority}.",
    ),
)
SUPERVISORY_AUTHORITY_EN = (
    "The Federal Commissioner for Data Protection and Freedom of Information (BfDI), "
    "Graurheindorfer Straße 153, 53117 Bonn"
)
DPO_FALLBACK_EN = 'reachable at the jobcenter\'s address, marked "Datenschutz"'


@dataclass(frozen=True, slots=True)
class Statutory:
    controller: str
    dpo_contact: str
    purposes: tuple[str, ...]
    storage: str
    rights: tuple[tuple[str, str], ...]
    supervisory_authority: str


def statutory(jobcenter: str, dpo_contact: str = "", lang: str = "de") -> Statutory:
    if lang == "en":
        purposes, storage, rights = PURPOSES_EN, STORAGE_EN, RIGHTS_EN
        authority, fallback = SUPERVISORY_AUTHORITY_EN, DPO_FALLBACK_EN
    else:
        purposes, storage, rights = PURPOSES, STORAGE, RIGHTS
        authority, fallback = SUPERVISORY_AUTHORITY, DPO_FALLBACK
    return Statutory(
        controller=jobcenter,
        dpo_contact=dpo_contact or fallback,
        purposes=purposes,
        storage=storage,
        rights=tuple((name, text.format(authority=authority)) for name, text in rights),
        supervisory_authority=authority,
    )
