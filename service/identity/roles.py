"""The roles an actor can hold. Tokens carry them; our user records must agree (see actor.py)."""

from __future__ import annotations

from enum import StrEnum


class ActorKind(StrEnum):
    STAFF = "staff"
    PARTNER = "partner"
    CLIENT = "client"


class Role(StrEnum):
    CASE_MANAGER = "case_manager"  # Fallmanagement gE
    TEAM_LEAD = "team_lead"  # TL Fallmanagement gE
    PLACEMENT_OFFICER = "placement_officer"  # Arbeitsvermittlung
    DATA_PROTECTION_OFFICER = "data_protection_officer"  # Datenschutzbeauftragte/r
    CONTROLLING = "controlling"
    # Stammdatenpflege: registers and keeps clients, staff, teams and the network; no case content.
    JOBCENTER_ADMIN = "jobcenter_admin"
    PARTNER_COUNSELLOR = "partner_counsellor"  # Beratung bei einem Netzwerkpartner
    CLIENT = "client"  # Kundin / Kunde (eLb)


STAFF_ROLES = frozenset(
    {
        Role.CASE_MANAGER,
        Role.TEAM_LEAD,
        Role.PLACEMENT_OFFICER,
        Role.DATA_PROTECTION_OFFICER,
        Role.CONTROLLING,
        Role.JOBCENTER_ADMIN,
    }
)
PARTNER_ROLES = frozenset({Role.PARTNER_COUNSELLOR})
CLIENT_ROLES = frozenset({Role.CLIENT})

ROLES_BY_KIND: dict[ActorKind, frozenset[Role]] = {
    ActorKind.STAFF: STAFF_ROLES,
    ActorKind.PARTNER: PARTNER_ROLES,
    ActorKind.CLIENT: CLIENT_ROLES,
}
