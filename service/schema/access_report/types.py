"""The Auskunft as GraphQL types. The report is itself personal data of the client: every field
is read through the guard under the category `access_report`, and so reading it is recorded."""

from __future__ import annotations

import datetime
import uuid

import strawberry

from service.access_report.report import (
    AccessReport,
    CategoryRead,
    ConsentEntry,
    Occasion,
    Reader,
    ReferralEntry,
    Statement,
)
from service.policy.categories import DataCategory
from service.policy.guard import GuardTag, personal_field, personal_type
from service.schema.pagination import PageInfo

REPORT = DataCategory.ACCESS_REPORT


def _id(value: uuid.UUID | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value else None


@personal_type(name="AccessReportRead", description="Fields of one data category that were read.")
class CategoryReadNode:
    guard: strawberry.Private[GuardTag]
    category: str | None = personal_field(REPORT, description="Key of the data category.")
    label: str | None = personal_field(REPORT, description="The category, in German.")
    fields: list[str] | None = personal_field(REPORT, description="Field labels, in German.")
    field_names: list[str] | None = personal_field(REPORT, description="Fields as recorded.")


@personal_type(
    name="AccessReportOccasion",
    description="One request of one reader, on one ground (Gelegenheit): when, what, why.",
)
class OccasionNode:
    guard: strawberry.Private[GuardTag]
    at: datetime.datetime | None = personal_field(REPORT)
    action: str | None = personal_field(REPORT, description="READ or WRITE.")
    action_label: str | None = personal_field(REPORT, description="gelesen / geändert.")
    occasion: str | None = personal_field(
        REPORT,
        description="The occasion in the portal's words: a registered document's label, or "
        "'Abfrage über die Schnittstelle (nicht registriert)'.",
    )
    operation: str | None = personal_field(
        REPORT,
        description="As recorded (a registered document's id, or the name the caller chose); "
        "for the data-protection officer only, null in the client's own report.",
    )
    basis: str | None = personal_field(REPORT, description="On what ground, in German.")
    consent_id: strawberry.ID | None = personal_field(REPORT, description="The consent relied on.")
    referral_id: strawberry.ID | None = personal_field(REPORT, description="The referral.")
    objects: int | None = personal_field(REPORT, description="How many records were touched.")
    reads: list[CategoryReadNode] | None = personal_field(REPORT)


@personal_type(
    name="AccessReportStatement",
    description="One sentence of the Auskunft: one reader, one day, one action, one ground.",
)
class StatementNode:
    guard: strawberry.Private[GuardTag]
    day: datetime.date | None = personal_field(REPORT, description="Local day (Europe/Berlin).")
    action: str | None = personal_field(REPORT, description="READ or WRITE.")
    ground: str | None = personal_field(REPORT, description="On what ground, in German.")
    categories: list[str] | None = personal_field(REPORT, description="Category keys.")
    labels: list[str] | None = personal_field(REPORT, description="The categories, in German.")
    occasions: list[str] | None = personal_field(REPORT, description="In German.")
    text: str | None = personal_field(REPORT, description="The sentence, in German.")


@personal_type(
    name="AccessReportReader",
    description="Who read: by role and organisation for the client (CJEU C-579/21); the "
    "data-protection officer's report also names the person.",
)
class ReaderNode:
    guard: strawberry.Private[GuardTag]
    kind: str | None = personal_field(REPORT, description="STAFF, PARTNER, CLIENT or SYSTEM.")
    role: str | None = personal_field(REPORT, description="The reader's role, in German.")
    person: str | None = personal_field(
        REPORT, description="The role for the client; the name for the data-protection officer."
    )
    organisation: str | None = personal_field(REPORT)
    statements: list[StatementNode] | None = personal_field(
        REPORT, description="This page's occasions as sentences, newest first."
    )
    occasions: list[OccasionNode] | None = personal_field(REPORT, description="Newest first.")


@personal_type(name="AccessReportConsent", description="A consent and its history.")
class ConsentEntryNode:
    guard: strawberry.Private[GuardTag]
    id: strawberry.ID
    purpose: str | None = personal_field(REPORT)
    direction: str | None = personal_field(REPORT)
    organisation: str | None = personal_field(REPORT, description="To whom data may go.")
    referral_id: strawberry.ID | None = personal_field(REPORT)
    categories: list[str] | None = personal_field(REPORT, description="In German.")
    recorded_at: datetime.datetime | None = personal_field(REPORT)
    recorded_by: str | None = personal_field(REPORT)
    valid_from: datetime.datetime | None = personal_field(REPORT)
    valid_until: datetime.datetime | None = personal_field(REPORT)
    revoked_at: datetime.datetime | None = personal_field(REPORT)
    revoked_via: str | None = personal_field(REPORT)
    active: bool | None = personal_field(REPORT)


@personal_type(name="AccessReportReferral", description="A referral: to whom data went.")
class ReferralEntryNode:
    guard: strawberry.Private[GuardTag]
    id: strawberry.ID
    organisation: str | None = personal_field(REPORT)
    service: str | None = personal_field(REPORT, description="The partner's service, German.")
    created_at: datetime.datetime | None = personal_field(REPORT)
    status: str | None = personal_field(REPORT, description="In German.")


@personal_type(
    name="AccessReport",
    description="Auskunft (Art. 15 DSGVO, § 83 SGB X): who read which of the client's data, "
    "when and on which occasion; the consents and referrals. Never the values read.",
)
class AccessReportNode:
    guard: strawberry.Private[GuardTag]
    client_name: str | None = personal_field(REPORT)
    jobcenter: str | None = personal_field(REPORT)
    period_from: datetime.datetime | None = personal_field(REPORT, name="from")
    period_to: datetime.datetime | None = personal_field(REPORT, name="to")
    last_day: datetime.date | None = personal_field(
        REPORT, description="The period's last day, included (Europe/Berlin)."
    )
    report_reads: str | None = personal_field(
        REPORT, description="The reads of this Auskunft itself, in one German sentence."
    )
    produced_at: datetime.datetime | None = personal_field(REPORT)
    readers: list[ReaderNode] | None = personal_field(
        REPORT, description="This page's occasions, grouped by who read."
    )
    consents: list[ConsentEntryNode] | None = personal_field(REPORT)
    referrals: list[ReferralEntryNode] | None = personal_field(REPORT)
    page_info: PageInfo = strawberry.field(description="Pages over occasions, newest first.")


def access_report_node(
    report: AccessReport, tag: GuardTag, *, after: str | None
) -> AccessReportNode:
    return AccessReportNode(
        guard=tag,
        client_name=report.client_name,
        jobcenter=report.jobcenter,
        period_from=report.from_,
        period_to=report.to,
        last_day=report.last_day,
        report_reads=report.report_reads.text,
        produced_at=report.produced_at,
        readers=[_reader(tag, reader) for reader in report.readers],
        consents=[_consent(tag, consent) for consent in report.consents],
        referrals=[_referral(tag, referral) for referral in report.referrals],
        # The report has no edges (its occasions are grouped by reader): no start cursor.
        page_info=PageInfo(
            has_next_page=report.has_next_page,
            has_previous_page=after is not None,
            start_cursor=None,
            end_cursor=report.end_cursor,
        ),
    )


def _reader(tag: GuardTag, reader: Reader) -> ReaderNode:
    return ReaderNode(
        guard=tag,
        kind=reader.kind.upper(),
        role=reader.role,
        person=reader.person,
        organisation=reader.organisation,
        statements=[_statement(tag, statement) for statement in reader.statements],
        occasions=[_occasion(tag, occasion) for occasion in reader.occasions],
    )


def _occasion(tag: GuardTag, occasion: Occasion) -> OccasionNode:
    return OccasionNode(
        guard=tag,
        at=occasion.at,
        action=occasion.action.upper(),
        action_label=occasion.action_label,
        occasion=occasion.occasion,
        operation=occasion.operation,
        basis=occasion.basis,
        consent_id=_id(occasion.consent_id),
        referral_id=_id(occasion.referral_id),
        objects=occasion.objects,
        reads=[_read(tag, read) for read in occasion.reads],
    )


def _statement(tag: GuardTag, statement: Statement) -> StatementNode:
    return StatementNode(
        guard=tag,
        day=statement.day,
        action=statement.action.upper(),
        ground=statement.ground,
        categories=list(statement.categories),
        labels=list(statement.labels),
        occasions=list(statement.occasions),
        text=statement.text,
    )


def _read(tag: GuardTag, read: CategoryRead) -> CategoryReadNode:
    return CategoryReadNode(
        guard=tag,
        category=read.category,
        label=read.label,
        fields=list(read.fields),
        field_names=list(read.field_names),
    )


def _consent(tag: GuardTag, entry: ConsentEntry) -> ConsentEntryNode:
    return ConsentEntryNode(
        guard=tag,
        id=strawberry.ID(str(entry.id)),
        purpose=entry.purpose,
        direction=entry.direction,
        organisation=entry.organisation,
        referral_id=_id(entry.referral_id),
        categories=list(entry.categories),
        recorded_at=entry.recorded_at,
        recorded_by=entry.recorded_by,
        valid_from=entry.valid_from,
        valid_until=entry.valid_until,
        revoked_at=entry.revoked_at,
        revoked_via=entry.revoked_via,
        active=entry.active,
    )


def _referral(tag: GuardTag, entry: ReferralEntry) -> ReferralEntryNode:
    return ReferralEntryNode(
        guard=tag,
        id=strawberry.ID(str(entry.id)),
        organisation=entry.organisation,
        service=entry.service,
        created_at=entry.created_at,
        status=entry.status,
    )
