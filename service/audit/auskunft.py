"""The Auskunft (Art. 15 GDPR, § 83 SGB X): who saw which of a client's data, when, on which
occasion — built from the audit log — with the client's consents and referrals (to whom data
went). The client must be able to know "wer, was, wann und bei welcher Gelegenheit über ihn
weiß" (domain/000).

The report says *that* fields were read and by whom, never their values: the data-protection
officer, who reads no case content elsewhere, can produce it for any client of the jobcenter.

One page costs a constant number of queries: the grouped log rows, the consents, the referrals,
then the names of everyone and everything they mention, each looked up once by id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.audit import auskunft_labels as labels
from service.audit.auskunft_log import LogRow, decode_cursor, occasion_rows
from service.cases.models import AssessmentEntry
from service.clients.access import client_for
from service.clients.models import Client
from service.consent.models import Consent, ConsentRevocation
from service.errors import NotFound, ValidationFailed
from service.identity.actor import Actor
from service.identity.roles import ActorKind
from service.partners.categories import SERVICE_CATEGORY_LABELS_DE, ServiceCategory
from service.partners.models import PartnerOrganisation
from service.policy.actions import Action
from service.policy.authorizer import Authorizer
from service.policy.categories import DataCategory
from service.policy.facts import Access, ConsentFact, Relation
from service.policy.guard import GuardTag
from service.referrals.models import Referral
from service.staff.models import StaffUser
from service.tenants.models import Tenant

PARTNER_PERSON = "Beraterin/Berater der Organisation"
# Partner users' names are behind their organisation's row-level security; a jobcenter's
# session cannot read them, so the report names the organisation, which is what answers "wer".
OBJECT_TYPE = "access_report"
# `service auskunft` at the command line, run by operations: recorded as this actor.
SYSTEM_KIND = "system"
CONSOLE_ACTOR = uuid.UUID(int=0)
CONSOLE_OPERATION = "service auskunft"
CONSOLE_BASIS = "console"


@dataclass(frozen=True, slots=True)
class CategoryRead:
    category: str
    label: str
    fields: tuple[str, ...]  # German labels
    field_names: tuple[str, ...]  # as recorded: GraphQL field names


@dataclass(frozen=True, slots=True)
class Occasion:
    cursor: str
    at: datetime
    action: str  # read | write
    action_label: str
    operation: str
    basis: str  # German: on what ground
    consent_id: uuid.UUID | None
    referral_id: uuid.UUID | None
    objects: int
    reads: tuple[CategoryRead, ...]


@dataclass(slots=True)
class Reader:
    """Who: a person and the organisation they acted for."""

    kind: str
    person: str
    organisation: str
    occasions: list[Occasion] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ConsentEntry:
    id: uuid.UUID
    purpose: str
    direction: str
    organisation: str | None
    referral_id: uuid.UUID | None
    categories: tuple[str, ...]  # German labels
    recorded_at: datetime
    recorded_by: str
    valid_from: datetime
    valid_until: datetime | None
    revoked_at: datetime | None
    revoked_via: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class ReferralEntry:
    id: uuid.UUID
    organisation: str
    service: str
    created_at: datetime
    status: str


@dataclass(frozen=True, slots=True)
class AccessReport:
    tenant_id: uuid.UUID
    client_id: uuid.UUID
    client_name: str
    jobcenter: str
    from_: datetime
    to: datetime
    produced_at: datetime
    readers: list[Reader]
    consents: list[ConsentEntry]
    referrals: list[ReferralEntry]
    has_next_page: bool
    end_cursor: str | None


def report_access(actor: Actor, client_id: uuid.UUID) -> Access:
    """What the actor is to the client's report, for the guard; whether they may have it at all
    is asked of the client as they see it (service/clients/access.py), so that a client they may
    not see is NOT_FOUND like an unknown id."""
    if actor.kind is ActorKind.CLIENT:
        own = actor.user_id == client_id
        return Access(frozenset({Relation.DATA_SUBJECT}) if own else frozenset())
    if actor.kind is ActorKind.STAFF:
        return Access(frozenset({Relation.SAME_JOBCENTER}))
    return Access(frozenset())


def report_tag(report: AccessReport, access: Access) -> GuardTag:
    """The report as the guard sees it: the client's data, of type `access_report`."""
    return GuardTag(
        tenant_id=report.tenant_id,
        subject_id=report.client_id,
        object_type=OBJECT_TYPE,
        object_id=report.client_id,
        access=access,
    )


async def access_report(
    session: AsyncSession,
    *,
    actor: Actor,
    authorizer: Authorizer,
    client_id: uuid.UUID,
    from_: datetime,
    to: datetime,
    first: int | None,
    after: str | None,
    now: datetime,
) -> AccessReport:
    """The report for one page of occasions (newest first); `first=None` for all of them."""
    await client_for(
        session,
        actor=actor,
        authorizer=authorizer,
        client_id=client_id,
        action=Action.ACCESS_REPORT_READ,
        now=now,
    )
    return await build_report(
        session, client_id=client_id, from_=from_, to=to, first=first, after=after, now=now
    )


async def build_report(
    session: AsyncSession,
    *,
    client_id: uuid.UUID,
    from_: datetime,
    to: datetime,
    first: int | None,
    after: str | None,
    now: datetime,
) -> AccessReport:
    """The report, for a caller already allowed to have it (or operations at the console)."""
    if to <= from_:
        raise ValidationFailed(
            "to", "the period must end after it begins", "der Zeitraum muss nach Beginn enden"
        )
    client = await session.scalar(select(Client).where(Client.id == client_id))
    if client is None:
        raise NotFound()
    rows = await occasion_rows(session, client, from_, to, first, decode_cursor(after))
    has_next = first is not None and len(rows) > first
    rows = rows[:first] if first is not None else rows
    consents = (
        await session.execute(
            select(Consent, ConsentRevocation)
            .outerjoin(
                ConsentRevocation,
                (ConsentRevocation.tenant_id == Consent.tenant_id)
                & (ConsentRevocation.consent_id == Consent.id),
            )
            .where(Consent.tenant_id == client.tenant_id, Consent.client_id == client.id)
            .order_by(Consent.recorded_at.desc(), Consent.id)
        )
    ).all()
    referrals = (
        await session.scalars(
            select(Referral)
            .where(Referral.tenant_id == client.tenant_id, Referral.client_id == client.id)
            .order_by(Referral.created_at.desc(), Referral.id)
        )
    ).all()
    names = await _Names.load(session, client, rows, consents, referrals)
    consent_by_id = {c.id: c for c, _ in consents}
    readers = _group(rows, names, consent_by_id)
    return AccessReport(
        tenant_id=client.tenant_id,
        client_id=client.id,
        client_name=names.client,
        jobcenter=names.jobcenter,
        from_=from_,
        to=to,
        produced_at=now,
        readers=readers,
        consents=[_consent_entry(c, r, names, now) for c, r in consents],
        referrals=[_referral_entry(r, names) for r in referrals],
        has_next_page=has_next,
        end_cursor=rows[-1].cursor if rows else None,
    )


# --- the log, grouped into occasions: one actor's request, on one ground


@dataclass(slots=True)
class _Names:
    client: str
    jobcenter: str
    staff: dict[uuid.UUID, str]
    organisations: dict[uuid.UUID, str]
    row_categories: dict[uuid.UUID, str]

    @classmethod
    async def load(cls, session, client, rows, consents, referrals) -> _Names:
        staff_ids = {r.actor_id for r in rows if r.actor_kind == ActorKind.STAFF}
        staff_ids |= {c.recorded_by_id for c, _ in consents if c.recorded_by_kind == "staff"}
        org_ids = {r.organisation_id for r in rows if r.actor_kind == ActorKind.PARTNER}
        org_ids |= {c.grantee_organisation_id for c, _ in consents}
        org_ids |= {r.partner_organisation_id for r in referrals}
        entry_ids = {
            uuid.UUID(o["id"]) for r in rows for o in r.objects if o["type"] == "assessment_entry"
        }
        return cls(
            client=f"{client.given_name} {client.family_name}",
            jobcenter=await session.scalar(
                select(Tenant.name).where(Tenant.id == client.tenant_id)
            ),
            staff=await _by_id(session, StaffUser.id, StaffUser.display_name, staff_ids),
            organisations=await _by_id(
                session, PartnerOrganisation.id, PartnerOrganisation.name, org_ids - {None}
            ),
            # Which category an assessment entry was in (finances, health, …): the label only.
            row_categories=await _by_id(
                session, AssessmentEntry.id, AssessmentEntry.data_category, entry_ids
            ),
        )

    def organisation(self, organisation_id: uuid.UUID | None) -> str:
        return self.organisations.get(organisation_id, "unbekannte Organisation")


async def _by_id(session: AsyncSession, id_column, value_column, ids: Iterable) -> dict:
    ids = list(ids)
    if not ids:
        return {}
    result = await session.execute(select(id_column, value_column).where(id_column.in_(ids)))
    return {key: value for key, value in result.all()}


def _group(rows: list[LogRow], names: _Names, consents: dict[uuid.UUID, Consent]) -> list[Reader]:
    """Occasions under their reader, readers in the order of their newest occasion."""
    readers: dict[tuple, Reader] = {}
    for row in rows:
        key, reader = _reader_of(row, names)
        readers.setdefault(key, reader).occasions.append(_occasion(row, names, consents))
    return list(readers.values())


def _reader_of(row: LogRow, names: _Names) -> tuple[tuple, Reader]:
    if row.actor_kind == ActorKind.PARTNER:
        # Grouped by organisation: its counsellors cannot be told apart by name here.
        organisation = names.organisation(row.organisation_id)
        return ("partner", row.organisation_id), Reader("partner", PARTNER_PERSON, organisation)
    if row.actor_kind == ActorKind.STAFF:
        person = names.staff.get(row.actor_id, "Mitarbeiterin/Mitarbeiter des Jobcenters")
        return ("staff", row.actor_id), Reader("staff", person, names.jobcenter)
    if row.actor_kind == ActorKind.CLIENT:
        return ("client", row.actor_id), Reader("client", names.client, "betroffene Person selbst")
    return (row.actor_kind, row.actor_id), Reader(row.actor_kind, "Betrieb", names.jobcenter)


def _occasion(row: LogRow, names: _Names, consents: dict[uuid.UUID, Consent]) -> Occasion:
    consent_id, referral_id, basis = None, None, row.basis
    if row.basis.startswith("consent:"):
        consent_id = uuid.UUID(row.basis.removeprefix("consent:"))
        consent = consents.get(consent_id)
        referral_id = consent.referral_id if consent else None
        basis = "aufgrund Ihrer Einwilligung" + (
            f" vom {consent.recorded_at:%d.%m.%Y}" if consent else ""
        )
    elif row.basis == CONSOLE_BASIS:
        basis = "Erstellung durch den Betrieb des Jobcenters (Kommandozeile)"
    elif row.basis.startswith("mutation:"):
        basis = f"Änderung ({row.basis.removeprefix('mutation:')})"
    else:
        basis = labels.basis_relations_label(row.basis)
    if referral_id is None:
        referral_id = next(
            (uuid.UUID(o["id"]) for o in row.objects if o["type"] == "referral"), None
        )
    return Occasion(
        cursor=row.cursor,
        at=row.at,
        action=row.action,
        action_label=labels.ACTION_LABELS.get(row.action, row.action),
        operation=row.operation,
        basis=basis,
        consent_id=consent_id,
        referral_id=referral_id,
        objects=len(row.objects),
        reads=_reads(row.objects, names.row_categories),
    )


def _reads(objects: list[dict], row_categories: dict[uuid.UUID, str]) -> tuple[CategoryRead, ...]:
    by_category: dict[str, set[str]] = {}
    for obj in objects:
        row_category = row_categories.get(uuid.UUID(obj["id"]))
        for name in obj["fields"]:
            category = labels.category_of(obj["type"], name, row_category)
            by_category.setdefault(category, set()).add(name)
    order = {str(c): i for i, c in enumerate(DataCategory)}
    return tuple(
        CategoryRead(
            category=category,
            label=labels.category_label(category),
            fields=tuple(labels.field_label(n) for n in sorted(fields)),
            field_names=tuple(sorted(fields)),
        )
        for category, fields in sorted(
            by_category.items(), key=lambda item: (order.get(item[0], len(order)), item[0])
        )
    )


def _consent_entry(
    consent: Consent, revocation: ConsentRevocation | None, names: _Names, now: datetime
) -> ConsentEntry:
    revoked_at = revocation.revoked_at if revocation else None
    if consent.recorded_by_kind == "staff":
        recorded_by = names.staff.get(consent.recorded_by_id, labels.RECORDER_LABELS["staff"])
    else:
        recorded_by = labels.RECORDER_LABELS.get(consent.recorded_by_kind, "")
    active = ConsentFact.is_active_at(
        now, valid_from=consent.valid_from, valid_until=consent.valid_until, revoked_at=revoked_at
    )
    return ConsentEntry(
        id=consent.id,
        purpose=labels.PURPOSE_LABELS.get(consent.purpose, consent.purpose),
        direction=labels.DIRECTION_LABELS.get(consent.direction, consent.direction),
        organisation=(
            names.organisation(consent.grantee_organisation_id)
            if consent.grantee_organisation_id
            else None
        ),
        referral_id=consent.referral_id,
        categories=tuple(labels.category_label(c) for c in consent.categories),
        recorded_at=consent.recorded_at,
        recorded_by=recorded_by,
        valid_from=consent.valid_from,
        valid_until=consent.valid_until,
        revoked_at=revoked_at,
        revoked_via=(
            labels.REVOCATION_CHANNEL_LABELS.get(revocation.channel, revocation.channel)
            if revocation
            else None
        ),
        active=active,
    )


def _referral_entry(referral: Referral, names: _Names) -> ReferralEntry:
    try:
        service = SERVICE_CATEGORY_LABELS_DE[ServiceCategory(referral.service_category)]
    except ValueError:
        service = referral.service_category
    return ReferralEntry(
        id=referral.id,
        organisation=names.organisation(referral.partner_organisation_id),
        service=service,
        created_at=referral.created_at,
        status=labels.REFERRAL_STATUS_LABELS.get(referral.status, referral.status),
    )
