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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.access_report import labels
from service.access_report.log import LogRow, decode_cursor, occasion_rows
from service.access_report.readers import (
    People,
    ReaderKey,
    consent_id,
    ground_of,
    reader_label,
    reader_of,
    staff_roles_in_log,
)
from service.caller import Caller
from service.cases.models import AssessmentEntry, Case, CaseDocument, ProfilingItem
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
from service.policy.facts import Access, ConsentFact
from service.policy.guard import GuardTag
from service.referrals.models import Referral
from service.staff.models import StaffUser
from service.tenants.models import Tenant

OBJECT_TYPE = "access_report"
# `service auskunft` at the command line, run by operations: recorded as this actor.
SYSTEM_KIND = "system"
LOCAL = ZoneInfo("Europe/Berlin")  # times as the client lives them; the log keeps UTC
CONSOLE_ACTOR = uuid.UUID(int=0)
CONSOLE_OPERATION = "service auskunft"


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
    occasion: str  # German: a registered document's label, or "nicht registriert"
    operation: str | None  # as recorded; the data-protection officer's view only
    basis: str  # German: on what ground
    consent_id: uuid.UUID | None
    referral_id: uuid.UUID | None
    objects: int
    reads: tuple[CategoryRead, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    """One sentence of the Auskunft: one reader, one day, one action, one ground."""

    day: date
    action: str
    ground: str
    categories: tuple[str, ...]  # keys
    labels: tuple[str, ...]  # German labels (service/policy/categories.py)
    occasions: tuple[str, ...]  # German
    text: str


@dataclass(slots=True)
class Reader:
    """Who: a role (and, for the data-protection officer, the person) and the organisation."""

    kind: str
    role: str  # German
    person: str  # German: the role for the client, the name for the data-protection officer
    organisation: str
    occasions: list[Occasion] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ReportReads:
    """The reads of the Auskunft itself, told in one line rather than listed."""

    count: int
    last_at: datetime | None
    text: str


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
    deputy: bool
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
    last_day: date  # inclusive, as the client says it
    readers: list[Reader]
    report_reads: ReportReads
    consents: list[ConsentEntry]
    referrals: list[ReferralEntry]
    has_next_page: bool
    end_cursor: str | None


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
    categories: labels.FieldCategories,
    occasion_labels: Mapping[str, str] | None = None,
) -> tuple[AccessReport, GuardTag]:
    """The report for one page of occasions (newest first; `first=None` for all of them), and
    the report as the guard sees it. What the actor is to the client is asked once, of the
    client as they see it (service/clients/access.py): a client they may not see is NOT_FOUND
    like an unknown id, and the same answer is what the guard admits the report's fields on."""
    caller = Caller(session=session, actor=actor, authorizer=authorizer, now=now)
    _, access = await client_for(caller, client_id=client_id, action=Action.ACCESS_REPORT_READ)
    report = await build_report(
        session,
        client_id=client_id,
        from_=from_,
        to=to,
        first=first,
        after=after,
        now=now,
        categories=categories,
        for_subject=actor.kind is ActorKind.CLIENT,
        occasion_labels=occasion_labels or {},
    )
    return report, report_tag(report, access)


async def build_report(
    session: AsyncSession,
    *,
    client_id: uuid.UUID,
    from_: datetime,
    to: datetime,
    first: int | None,
    after: str | None,
    now: datetime,
    categories: labels.FieldCategories,
    for_subject: bool = False,
    occasion_labels: Mapping[str, str] | None = None,
) -> AccessReport:
    """The report, for a caller already allowed to have it (or operations at the console).
    `for_subject`: written for the client (readers by role, no operation names)."""
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
    context = _Telling(
        names=names,
        consent_dates={c.id: _day(c.recorded_at) for c, _ in consents},
        consent_referrals={c.id: c.referral_id for c, _ in consents},
        staff_roles=staff_roles_in_log(rows, names.people),
        categories=categories,
        for_subject=for_subject,
        occasion_labels=occasion_labels or {},
    )
    own = [row for row in rows if _is_report_read(row)]
    readers = _group([row for row in rows if not _is_report_read(row)], context)
    return AccessReport(
        tenant_id=client.tenant_id,
        client_id=client.id,
        client_name=names.people.client,
        jobcenter=names.people.jobcenter,
        from_=from_,
        to=to,
        produced_at=now,
        last_day=(to - timedelta(microseconds=1)).astimezone(LOCAL).date(),
        readers=readers,
        report_reads=_report_reads(own, context),
        consents=[_consent_entry(c, r, names, now) for c, r in consents],
        referrals=[_referral_entry(r, names) for r in referrals],
        has_next_page=has_next,
        end_cursor=rows[-1].cursor if rows else None,
    )


def _day(at: datetime) -> str:
    return at.astimezone(LOCAL).strftime("%d.%m.%Y")


def _is_report_read(row: LogRow) -> bool:
    """A reading of the Auskunft: of the report, and of the copy of the data that comes with it
    (Art. 15(3) GDPR) — the items of the copy are read in the same request as the report or the
    copy itself (service/access_report/copy.py), and are summarised with it, not listed."""
    return row.action == "read" and any(o["type"] == OBJECT_TYPE for o in row.objects)


# --- the log, grouped into occasions: one actor's request, on one ground


@dataclass(slots=True)
class _Names:
    people: People
    row_categories: dict[uuid.UUID, str]

    @classmethod
    async def load(cls, session, client, rows, consents, referrals) -> _Names:
        staff_ids = {r.actor_id for r in rows if r.actor_kind == ActorKind.STAFF}
        staff_ids |= {c.recorded_by_id for c, _ in consents if c.recorded_by_kind == "staff"}
        org_ids = {r.organisation_id for r in rows if r.actor_kind == ActorKind.PARTNER}
        org_ids |= {c.grantee_organisation_id for c, _ in consents}
        org_ids |= {r.partner_organisation_id for r in referrals}
        row_ids = {uuid.UUID(o["id"]) for r in rows for o in r.objects}
        staff = {}
        if staff_ids:
            result = await session.execute(
                select(StaffUser.id, StaffUser.display_name, StaffUser.roles).where(
                    StaffUser.id.in_(staff_ids)
                )
            )
            staff = {row.id: row for row in result.all()}
        case = (
            await session.execute(
                select(Case.responsible_case_manager_id, Case.deputy_case_manager_id)
                .where(Case.tenant_id == client.tenant_id, Case.client_id == client.id)
                .order_by(Case.created_at.desc())
                .limit(1)
            )
        ).first()
        # Which category a row of a per-row category was in (finances, health, …): the label
        # only. Its id is the one the log recorded, whether the read's or the write's.
        row_categories = {}
        for model in (AssessmentEntry, ProfilingItem, CaseDocument):
            row_categories |= await _by_id(session, model.id, model.data_category, row_ids)
        people = People(
            client=f"{client.given_name} {client.family_name}",
            jobcenter=await session.scalar(
                select(Tenant.name).where(Tenant.id == client.tenant_id)
            ),
            staff_names={key: row.display_name for key, row in staff.items()},
            staff_roles={key: tuple(row.roles) for key, row in staff.items()},
            organisations=await _by_id(
                session, PartnerOrganisation.id, PartnerOrganisation.name, org_ids - {None}
            ),
            responsible=case[0] if case else None,
            deputy=case[1] if case else None,
            deputy_consents=frozenset(c.id for c, _ in consents if c.purpose == "deputy"),
        )
        return cls(people=people, row_categories=row_categories)

    def organisation(self, organisation_id: uuid.UUID | None) -> str:
        return self.people.organisation(organisation_id)


@dataclass(frozen=True, slots=True)
class _Telling:
    """What turning log rows into sentences needs, looked up once per report."""

    names: _Names
    consent_dates: Mapping[uuid.UUID, str]
    staff_roles: Mapping[uuid.UUID, str]
    consent_referrals: Mapping[uuid.UUID | None, uuid.UUID | None]
    categories: labels.FieldCategories
    for_subject: bool
    occasion_labels: Mapping[str, str]


async def _by_id(session: AsyncSession, id_column, value_column, ids: Iterable) -> dict:
    ids = list(ids)
    if not ids:
        return {}
    result = await session.execute(select(id_column, value_column).where(id_column.in_(ids)))
    return {key: value for key, value in result.all()}


def _group(rows: list[LogRow], context: _Telling) -> list[Reader]:
    """Occasions under their reader, readers in the order of their newest occasion; each
    reader's occasions told as sentences, one per day, action and ground."""
    readers: dict[ReaderKey, Reader] = {}
    people = context.names.people
    for row in rows:
        key = reader_of(row, people, context.staff_roles, for_subject=context.for_subject)
        if key not in readers:
            role = labels.ROLE_LABELS.get(key.role, labels.ROLE_LABELS["staff"])
            readers[key] = Reader(key.kind, role, key.person or role, key.organisation)
        readers[key].occasions.append(_occasion(row, context))
    for key, reader in readers.items():
        reader.statements = _statements(key, reader)
    return list(readers.values())


def _statements(key: ReaderKey, reader: Reader) -> list[Statement]:
    grouped: dict[tuple, list[Occasion]] = {}
    for occasion in reader.occasions:
        day = occasion.at.astimezone(LOCAL).date()
        grouped.setdefault((day, occasion.action, occasion.basis), []).append(occasion)
    order = {str(c): i for i, c in enumerate(DataCategory)}
    statements = []
    for (day, action, ground), occasions in grouped.items():
        categories = sorted(
            {read.category for o in occasions for read in o.reads},
            key=lambda c: (order.get(c, len(order)), c),
        )
        occasion_labels = tuple(dict.fromkeys(o.occasion for o in occasions))
        subject = reader_label(key)
        if key.person:
            subject = f"{key.person} ({subject})"
        what = labels.join_german([labels.category_phrase(c) for c in categories])
        verb = labels.ACTION_LABELS.get(action, action)
        has = "haben" if subject == labels.ROLE_LABELS["client"] else "hat"  # "Sie selbst haben"
        who = f"{subject[0].upper()}{subject[1:]}"
        text = f"{who} {has} am {day:%d.%m.%Y} {what} {verb} — {ground}."
        statements.append(
            Statement(
                day=day,
                action=action,
                ground=ground,
                categories=tuple(categories),
                labels=tuple(labels.category_label(c) for c in categories),
                occasions=occasion_labels,
                text=text,
            )
        )
    return statements


def _report_reads(rows: list[LogRow], context: _Telling) -> ReportReads:
    if not rows:
        return ReportReads(0, None, "Diese Auskunft wurde im Zeitraum nicht abgerufen.")
    people = context.names.people
    by_reader: dict[str, int] = {}
    for row in rows:
        key = reader_of(row, people, context.staff_roles, for_subject=True)
        role = labels.ROLE_LABELS.get(key.role, labels.ROLE_LABELS["staff"])
        by_reader[role] = by_reader.get(role, 0) + 1
    who = labels.join_german([f"{count}-mal {role}" for role, count in by_reader.items()])
    last = max(row.at for row in rows)
    text = (
        f"Diese Auskunft wurde im Zeitraum {len(rows)}-mal abgerufen ({who}), zuletzt am "
        f"{last.astimezone(LOCAL):%d.%m.%Y um %H:%M} Uhr."
    )
    return ReportReads(len(rows), last, text)


def _occasion(row: LogRow, context: _Telling) -> Occasion:
    consent = consent_id(row.basis)
    consents = context.consent_dates
    referral_id = context.consent_referrals.get(consent)
    if referral_id is None:
        referral_id = next(
            (uuid.UUID(o["id"]) for o in row.objects if o["type"] == "referral"), None
        )
    return Occasion(
        cursor=row.cursor,
        at=row.at,
        action=row.action,
        action_label=labels.ACTION_LABELS.get(row.action, row.action),
        occasion=labels.occasion_label(row.operation, context.occasion_labels),
        operation=None if context.for_subject else row.operation,
        basis=ground_of(row, consents, context.names.people),
        consent_id=consent,
        referral_id=referral_id,
        objects=len(row.objects),
        reads=_reads(row, context.names.row_categories, context.categories),
    )


def _reads(
    row: LogRow, row_categories: dict[uuid.UUID, str], categories: labels.FieldCategories
) -> tuple[CategoryRead, ...]:
    by_category: dict[str, set[str]] = {}
    write = row.action == "write"
    category_of = categories.category_of
    for obj in row.objects:
        row_category = row_categories.get(uuid.UUID(obj["id"]))
        for name in obj["fields"]:
            category = category_of(obj["type"], name, row_category, write=write)
            if category is not None:
                by_category.setdefault(category, set()).add(name)
        if write and not any(
            category_of(obj["type"], n, row_category, write=True) for n in obj["fields"]
        ):
            # A row written with only keys and bookkeeping is still a record about the client.
            by_category.setdefault(category_of(obj["type"], "", row_category), set())
    order = {str(c): i for i, c in enumerate(DataCategory)}
    return tuple(
        CategoryRead(
            category=category,
            label=labels.category_label(category),
            fields=tuple(
                dict.fromkeys(
                    label for n in sorted(fields) if (label := labels.field_label(n)) is not None
                )
            ),
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
        recorded_by = labels.RECORDER_LABELS["staff"]
    else:
        recorded_by = labels.RECORDER_LABELS.get(consent.recorded_by_kind, "")
    active = ConsentFact.is_active_at(
        now, valid_from=consent.valid_from, valid_until=consent.valid_until, revoked_at=revoked_at
    )
    deputy = consent.purpose == "deputy"
    return ConsentEntry(
        id=consent.id,
        purpose=labels.PURPOSE_LABELS.get(consent.purpose, consent.purpose),
        direction=(
            labels.DEPUTY_DIRECTION
            if deputy
            else labels.DIRECTION_LABELS.get(consent.direction, consent.direction)
        ),
        organisation=(
            names.organisation(consent.grantee_organisation_id)
            if consent.grantee_organisation_id
            else None
        ),
        referral_id=consent.referral_id,
        categories=tuple(labels.category_label(c) for c in consent.categories),
        recorded_at=consent.recorded_at,
        recorded_by=recorded_by,
        deputy=deputy,
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
