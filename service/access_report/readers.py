"""Who read or changed a client's data, and on what ground, as the Auskunft tells it.

For the client, readers are named by role and organisation ("Ihre Fallmanagerin oder Ihr
Fallmanager", "eine Beraterin oder ein Berater der Schuldnerberatung West"): the CJEU
(C-579/21, 2023) owes the data subject the dates and purposes of consultations, not in general
the identity of the staff who consulted. The data-protection officer's view keeps the person,
for checking misuse. A role is decided once per person, from what the log says they were to the
client (a read resting on `responsible_case_manager`), else from the case, else from their roles.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from service.access_report import labels
from service.access_report.log import LogRow
from service.identity.roles import ActorKind, Role

CONSOLE_BASIS = "console"
_STAFF_ROLE_ORDER = (
    Role.DATA_PROTECTION_OFFICER,
    Role.CASE_MANAGER,
    Role.TEAM_LEAD,
    Role.PLACEMENT_OFFICER,
)


@dataclass(frozen=True, slots=True)
class ReaderKey:
    kind: str
    role: str  # a key of labels.ROLE_LABELS
    organisation: str
    person: str | None  # only in the data-protection officer's view


@dataclass(frozen=True, slots=True)
class People:
    """What the report knows of the people in the log: looked up once per report."""

    client: str
    jobcenter: str
    staff_names: Mapping[uuid.UUID, str]
    staff_roles: Mapping[uuid.UUID, tuple[str, ...]]
    organisations: Mapping[uuid.UUID, str]
    responsible: uuid.UUID | None
    deputy: uuid.UUID | None
    deputy_consents: frozenset[uuid.UUID]

    def organisation(self, organisation_id: uuid.UUID | None) -> str:
        return self.organisations.get(organisation_id, "unbekannte Organisation")


def staff_roles_in_log(rows: list[LogRow], people: People) -> dict[uuid.UUID, str]:
    """Each member of staff's role towards the client, one per person."""
    relations: dict[uuid.UUID, set[str]] = {}
    for row in rows:
        if row.actor_kind == ActorKind.STAFF:
            found = relations.setdefault(row.actor_id, set())
            found.update(row.basis.split("+"))
            if consent_id(row.basis) in people.deputy_consents:
                found.add("deputy_case_manager")
    return {actor: _staff_role(actor, found, people) for actor, found in relations.items()}


def _staff_role(actor: uuid.UUID, relations: set[str], people: People) -> str:
    if "responsible_case_manager" in relations or actor == people.responsible:
        return "responsible_case_manager"
    if "deputy_case_manager" in relations or actor == people.deputy:
        return "deputy_case_manager"
    roles = people.staff_roles.get(actor, ())
    return next((str(r) for r in _STAFF_ROLE_ORDER if r in roles), "staff")


def reader_of(
    row: LogRow, people: People, staff_roles: Mapping[uuid.UUID, str], *, for_subject: bool
) -> ReaderKey:
    if row.actor_kind == ActorKind.PARTNER:
        # Partner users' names are behind their organisation's row-level security: the report
        # names the organisation in both views.
        return ReaderKey("partner", "partner", people.organisation(row.organisation_id), None)
    if row.actor_kind == ActorKind.STAFF:
        person = None if for_subject else people.staff_names.get(row.actor_id, "unbekannt")
        role = staff_roles.get(row.actor_id, "staff")
        return ReaderKey("staff", role, people.jobcenter, person)
    if row.actor_kind == ActorKind.CLIENT:
        return ReaderKey("client", "client", people.jobcenter, None)
    return ReaderKey(row.actor_kind, "system", people.jobcenter, None)


def reader_label(key: ReaderKey) -> str:
    """The reader as the sentence's subject: "eine Beraterin oder ein Berater der …"."""
    role = labels.ROLE_LABELS.get(key.role, labels.ROLE_LABELS["staff"])
    if key.kind == "partner":
        return f"{role} der Organisation {key.organisation}"
    if key.kind == "client":
        return role
    return f"{role} im {key.organisation}"


def ground_of(row: LogRow, consent_dates: Mapping[uuid.UUID, str], people: People) -> str:
    """The ground of one occasion, in German; every write has one."""
    consent = consent_id(row.basis)
    if consent is not None:
        kind = "in die Vertretung " if consent in people.deputy_consents else ""
        when = consent_dates.get(consent)
        text = f"auf Grundlage Ihrer Einwilligung {kind}".rstrip()
        return f"{text} vom {when}" if when else text
    if row.basis == CONSOLE_BASIS:
        return labels.CONSOLE_GROUND
    if row.basis == "erasure":
        return labels.ERASURE_GROUND
    if row.action == "write" and (row.basis == "change" or row.basis.startswith("mutation:")):
        return labels.WRITE_GROUNDS.get(row.actor_kind, labels.WRITE_GROUNDS["staff"])
    return labels.relations_ground(row.basis)


def consent_id(basis: str) -> uuid.UUID | None:
    if not basis.startswith("consent:"):
        return None
    try:
        return uuid.UUID(basis.removeprefix("consent:"))
    except ValueError:
        return None
