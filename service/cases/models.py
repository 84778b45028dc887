"""Cases in employment-oriented case management (bFM) and everything recorded on them: intake,
assessment, integration plan with steering, agreements, reviews, after-care notes, documents.

Vocabulary (domain/000, domain/001): Fallzugang = intake, Assessment, Integrationsplan = plan,
Fallsteuerung = steering (outcomes), Eingliederungsvereinbarung = agreement, Fallabgang = closure.
Every table leads its keys with `tenant_id` (Citus) and is confined by row-level security.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, TenantScoped, created_at, row_id, tenant_key, uuid_pk
from service.policy.categories import DataCategory
from service.policy.data_map import CODE, DATE, ROW, WRITTEN_AT, free_text, kept, not_personal
from service.tenants.reach import reach_column


class CaseStatus(StrEnum):
    PROPOSED = "proposed"  # Fallzugang vorgeschlagen, not yet decided
    DECLINED = "declined"  # intake declined, with a recorded reason
    ADMITTED = "admitted"  # in case management
    CLOSED = "closed"  # Fallabgang


ROW_CLASSIFICATION = "the row's data category in the data map, set from what the row says"
OPEN_STATUSES = (CaseStatus.PROPOSED, CaseStatus.ADMITTED)


def _staff_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["tenant_id", column], ["staff_users.tenant_id", "staff_users.id"])


def _case_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"])


def _case_index(table: str) -> Index:
    # Not led by tenant_id: row-level security adds the tenant only as an OR-ed filter, so such
    # an index cannot serve `case_id IN (…)` (migration 0016).
    return Index(f"ix_{table}_case_id", "case_id")


class Case(TenantScoped, Base):
    """A client's case in employment-oriented case management, from intake to closure.

    At most one open (proposed or admitted) case per client and jobcenter: a partial unique index.
    `version` increases with every change, so two staff editing at once cannot lose an update.
    """

    __tablename__ = "cases"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "client_id"], ["clients.tenant_id", "clients.id"]),
        _staff_fk("responsible_case_manager_id"),
        _staff_fk("deputy_case_manager_id"),
        _staff_fk("proposed_by_id"),
        _staff_fk("decided_by_id"),
        _staff_fk("handed_over_to_id"),
        _staff_fk("handed_over_by_id"),
        CheckConstraint(
            "status IN ('proposed', 'declined', 'admitted', 'closed')", name="status_known"
        ),
        Index(
            "uq_cases_one_open_per_client",
            "tenant_id",
            "client_id",
            unique=True,
            postgresql_where=text("status IN ('proposed', 'admitted')"),
        ),
        # A member of staff's own cases (responsible, deputy, proposer), listed on every start
        # page. Without the tenant: row-level security adds it only as an OR-ed filter, so an
        # index led by it cannot serve the lookup (migration 0016, bench/RESULTS.md).
        Index("ix_cases_responsible_case_manager_id", "responsible_case_manager_id"),
        Index("ix_cases_deputy_case_manager_id", "deputy_case_manager_id"),
        Index("ix_cases_proposed_by_id", "proposed_by_id"),
        # The fourth way a case is someone's (0003); without it the OR of the four scanned the
        # jobcenter's cases on every case list (migration 0008).
        Index(
            "ix_cases_handed_over_to_id",
            "handed_over_to_id",
            postgresql_where=text("handed_over_to_id IS NOT NULL"),
        ),
        # Every case of the jobcenter in list order, for the team lead's pages: without it each
        # page sorted the whole jobcenter's cases (migration 0010).
        Index("ix_cases_tenant_id_created_at", "tenant_id", "created_at", "id"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    client_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    status: Mapped[str] = mapped_column(
        String(20), server_default=text("'proposed'"), info=kept(DataCategory.CASE_STATUS, CODE)
    )
    responsible_case_manager_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    deputy_case_manager_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    version: Mapped[int] = mapped_column(
        server_default=text("1"), info=not_personal("a counter against lost updates")
    )
    created_at: Mapped[datetime] = created_at(kept(DataCategory.INTAKE, DATE))
    # Intake (Fallzugang, Übergabe)
    proposed_by_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    profile: Mapped[str | None] = mapped_column(
        String(20), info=kept(DataCategory.CASE_STATUS, CODE)
    )
    intake_reasoning: Mapped[str | None] = mapped_column(Text, info=free_text(DataCategory.INTAKE))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    decided_at: Mapped[datetime | None] = mapped_column(info=kept(DataCategory.INTAKE, DATE))
    care_variant: Mapped[str | None] = mapped_column(
        String(20), info=kept(DataCategory.CASE_STATUS, CODE)
    )
    decision_reasoning: Mapped[str | None] = mapped_column(
        Text, info=free_text(DataCategory.INTAKE)
    )
    decline_reason: Mapped[str | None] = mapped_column(Text, info=free_text(DataCategory.INTAKE))
    # Running case
    admitted_on: Mapped[date | None] = mapped_column(info=kept(DataCategory.CASE_STATUS, DATE))
    next_review_due: Mapped[date | None] = mapped_column(info=kept(DataCategory.CASE_STATUS, DATE))
    # Closure (Fallabgang)
    closed_on: Mapped[date | None] = mapped_column(info=kept(DataCategory.CASE_STATUS, DATE))
    closing_reason: Mapped[str | None] = mapped_column(
        String(40), info=kept(DataCategory.CASE_CLOSURE, CODE)
    )
    closing_reasoning: Mapped[str | None] = mapped_column(
        Text, info=free_text(DataCategory.CASE_NOTES)
    )
    aftercare_until: Mapped[date | None] = mapped_column(info=kept(DataCategory.CASE_STATUS, DATE))
    # The closing talk (domain/004): looking back and ahead, with the client or without them.
    closing_retrospective: Mapped[str | None] = mapped_column(
        Text, info=free_text(DataCategory.CASE_NOTES)
    )
    closing_prospective: Mapped[str | None] = mapped_column(
        Text, info=free_text(DataCategory.CASE_NOTES)
    )
    client_took_part_in_closure: Mapped[bool | None] = mapped_column(
        info=kept(DataCategory.CASE_NOTES, CODE)
    )
    # Handover back to the placement officer (domain/001: Fallabgang, Rückgabe an die AV).
    handed_over_to_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    handed_over_by_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    handed_over_at: Mapped[datetime | None] = mapped_column(
        info=kept(DataCategory.CASE_STATUS, DATE)
    )
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()


class ProfilingItem(TenantScoped, Base):
    """A profiling item taken over into the intake reasoning (Fallzugang: category + detail)."""

    __tablename__ = "case_profiling_items"
    __table_args__ = (_case_fk(), _case_index("case_profiling_items"))

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    position: Mapped[int] = mapped_column(info=not_personal("the order of the items"))
    category: Mapped[str] = mapped_column(String(20), info=kept(ROW, CODE))
    subcategory: Mapped[str | None] = mapped_column(String(40), info=kept(ROW, CODE))
    data_category: Mapped[str] = mapped_column(String(40), info=not_personal(ROW_CLASSIFICATION))
    detail: Mapped[str] = mapped_column(String(500), info=free_text(ROW))
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()


class AssessmentEntry(TenantScoped, Base):
    """One assessment entry. Re-assessment adds a new row that `replaces_id` the old one and marks
    the old one superseded, so the history stays (domain/000: Historienvermerk)."""

    __tablename__ = "assessment_entries"
    __table_args__ = (
        _case_fk(),
        _staff_fk("recorded_by_id"),
        _case_index("assessment_entries"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(String(20), info=kept(ROW, CODE))
    category: Mapped[str] = mapped_column(String(20), info=kept(ROW, CODE))
    subcategory: Mapped[str] = mapped_column(String(40), info=kept(ROW, CODE))
    data_category: Mapped[str] = mapped_column(String(40), info=not_personal(ROW_CLASSIFICATION))
    subject: Mapped[str] = mapped_column(String(200), info=free_text(ROW))
    detail: Mapped[str | None] = mapped_column(Text, info=free_text(ROW))
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    updated_at: Mapped[datetime] = created_at(kept(ROW, DATE))
    replaces_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), info=not_personal("the entry this one replaced: a key")
    )
    superseded_at: Mapped[datetime | None] = mapped_column(info=kept(ROW, DATE))
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()


class PlanItem(TenantScoped, Base):
    """A goal, sub-goal or activity of the integration plan, with its steering outcome.

    One table for the three levels: they share the outcome and are read together per case.
    """

    __tablename__ = "plan_items"
    __table_args__ = (
        _case_fk(),
        ForeignKeyConstraint(["tenant_id", "goal_id"], ["plan_items.tenant_id", "plan_items.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "sub_goal_id"], ["plan_items.tenant_id", "plan_items.id"]
        ),
        _case_index("plan_items"),
        CheckConstraint("kind IN ('goal', 'sub_goal', 'activity')", name="kind_known"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(String(20), info=kept(DataCategory.INTEGRATION_PLAN, CODE))
    goal_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    sub_goal_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    title: Mapped[str] = mapped_column(String(300), info=free_text(DataCategory.INTEGRATION_PLAN))
    resources: Mapped[str | None] = mapped_column(
        Text, info=free_text(DataCategory.INTEGRATION_PLAN)
    )
    target_date: Mapped[date | None] = mapped_column(info=kept(DataCategory.INTEGRATION_PLAN, DATE))
    responsible: Mapped[str | None] = mapped_column(
        String(20), info=kept(DataCategory.INTEGRATION_PLAN, CODE)
    )
    partner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("partner_organisations.id")
    )
    outcome: Mapped[str | None] = mapped_column(
        String(20), info=kept(DataCategory.INTEGRATION_PLAN, CODE)
    )
    outcome_on: Mapped[date | None] = mapped_column(info=kept(DataCategory.INTEGRATION_PLAN, DATE))
    outcome_reason: Mapped[str | None] = mapped_column(
        Text, info=free_text(DataCategory.INTEGRATION_PLAN)
    )
    withdrawn_on: Mapped[date | None] = mapped_column(
        info=kept(DataCategory.INTEGRATION_PLAN, DATE)
    )
    created_at: Mapped[datetime] = created_at(WRITTEN_AT)
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()


class PlanItemRevision(TenantScoped, Base):
    """A plan item as it stood before one change (Fortschreibung, domain/004: the plan "muss sich
    im Zeitverlauf an Veränderungen der Gegebenheiten anpassen"), and why it changed. The item
    carries what holds now; these rows keep every earlier text, date and outcome. Insert-only:
    the service's role may UPDATE only the texts erasure blanks."""

    __tablename__ = "plan_item_revisions"
    __table_args__ = (
        _case_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "plan_item_id"], ["plan_items.tenant_id", "plan_items.id"]
        ),
        _staff_fk("changed_by_id"),
        _case_index("plan_item_revisions"),
        Index("ix_plan_item_revisions_plan_item_id", "plan_item_id"),
        CheckConstraint(
            "change IN ('edited', 'redated', 'withdrawn', 'outcome_corrected')",
            name="change_known",
        ),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    plan_item_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    change: Mapped[str] = mapped_column(String(20), info=kept(DataCategory.INTEGRATION_PLAN, CODE))
    reason: Mapped[str] = mapped_column(Text, info=free_text(DataCategory.INTEGRATION_PLAN))
    # The item before the change.
    title: Mapped[str] = mapped_column(String(300), info=free_text(DataCategory.INTEGRATION_PLAN))
    resources: Mapped[str | None] = mapped_column(
        Text, info=free_text(DataCategory.INTEGRATION_PLAN)
    )
    target_date: Mapped[date | None] = mapped_column(info=kept(DataCategory.INTEGRATION_PLAN, DATE))
    responsible: Mapped[str | None] = mapped_column(
        String(20), info=kept(DataCategory.INTEGRATION_PLAN, CODE)
    )
    partner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("partner_organisations.id")
    )
    outcome: Mapped[str | None] = mapped_column(
        String(20), info=kept(DataCategory.INTEGRATION_PLAN, CODE)
    )
    outcome_on: Mapped[date | None] = mapped_column(info=kept(DataCategory.INTEGRATION_PLAN, DATE))
    outcome_reason: Mapped[str | None] = mapped_column(
        Text, info=free_text(DataCategory.INTEGRATION_PLAN)
    )
    changed_by_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    changed_at: Mapped[datetime] = created_at(WRITTEN_AT)
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()


class IntegrationAgreement(TenantScoped, Base):
    """A numbered, immutable version of the integration agreement (Eingliederungsvereinbarung):
    the plan as it stood when concluded. The service's role may only insert and read it."""

    __tablename__ = "integration_agreements"
    __table_args__ = (
        _case_fk(),
        _staff_fk("concluded_by_id"),
        UniqueConstraint("tenant_id", "case_id", "number"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    number: Mapped[int] = mapped_column(info=not_personal("the version's number"))
    valid_from: Mapped[date] = mapped_column(info=kept(DataCategory.INTEGRATION_PLAN, DATE))
    valid_until: Mapped[date] = mapped_column(info=kept(DataCategory.INTEGRATION_PLAN, DATE))
    plan: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, info=free_text(DataCategory.INTEGRATION_PLAN)
    )
    concluded_by_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    concluded_at: Mapped[datetime] = created_at(kept(DataCategory.INTEGRATION_PLAN, DATE))
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()


class CaseReview(TenantScoped, Base):
    """The six-monthly review: why case management continues and with what prognosis."""

    __tablename__ = "case_reviews"
    __table_args__ = (_case_fk(), _staff_fk("author_id"), _case_index("case_reviews"))

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    reviewed_on: Mapped[date] = mapped_column(info=kept(DataCategory.INTEGRATION_PLAN, DATE))
    reasoning: Mapped[str] = mapped_column(Text, info=free_text(DataCategory.CASE_NOTES))
    prognosis: Mapped[str] = mapped_column(Text, info=free_text(DataCategory.CASE_NOTES))
    profile_before: Mapped[str | None] = mapped_column(
        String(20), info=kept(DataCategory.INTEGRATION_PLAN, CODE)
    )
    profile_after: Mapped[str | None] = mapped_column(
        String(20), info=kept(DataCategory.INTEGRATION_PLAN, CODE)
    )
    next_review_due: Mapped[date] = mapped_column(info=kept(DataCategory.INTEGRATION_PLAN, DATE))
    author_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = created_at(WRITTEN_AT)
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()


class AftercareNote(TenantScoped, Base):
    """A note of after-care (nachgehende Betreuung): the only thing a closed case still takes."""

    __tablename__ = "aftercare_notes"
    __table_args__ = (_case_fk(), _staff_fk("author_id"), _case_index("aftercare_notes"))

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    text: Mapped[str] = mapped_column(Text, info=free_text(DataCategory.CASE_NOTES))
    author_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = created_at(kept(DataCategory.INTEGRATION_PLAN, DATE))
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()


class CaseDocument(TenantScoped, Base):
    """A document of the case file (Dokumentenverwaltung). The content is stored in PostgreSQL;
    after `access_until` nobody reads it (the policy refuses objects flagged access_expired)."""

    __tablename__ = "case_documents"
    __table_args__ = (
        _case_fk(),
        _staff_fk("author_id"),
        _case_index("case_documents"),
        CheckConstraint("area IN ('integration', 'protected')", name="area_known"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    title: Mapped[str] = mapped_column(String(200), info=free_text(ROW))
    area: Mapped[str] = mapped_column(String(20), info=kept(ROW, CODE))
    data_category: Mapped[str] = mapped_column(String(40), info=not_personal(ROW_CLASSIFICATION))
    author_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = created_at(kept(ROW, DATE))
    access_until: Mapped[date | None] = mapped_column(info=kept(ROW, DATE))
    visible_to_client: Mapped[bool] = mapped_column(
        server_default=text("false"), info=kept(ROW, CODE)
    )
    media_type: Mapped[str] = mapped_column(String(100), info=kept(ROW, CODE))
    size_bytes: Mapped[int] = mapped_column(info=kept(ROW, CODE))
    content: Mapped[bytes] = mapped_column(LargeBinary, info=free_text(ROW))
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()
