"""Potenzialanalyse and Kooperationsplan (§§ 15, 15a SGB II since 2023): the analysis with its
items, the plan's versions, their joint reviews, the Schlichtung, and requests to act with advice
on legal consequences (see cooperation_vocabulary.py for the law).

Versions are never rewritten: a new version is a new row, and the one it follows only gets the day
it stopped being in effect (`superseded_from`). The client's answer to a version is set once.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, TenantScoped, created_at, row_id, tenant_key, uuid_pk
from service.policy.categories import DataCategory
from service.policy.data_map import CODE, DATE, ROW, WRITTEN_AT, free_text, kept, not_personal
from service.tenants.reach import reach_column

PLAN = DataCategory.INTEGRATION_PLAN
ROW_CLASSIFICATION = "the row's data category in the data map, set from what the row says"


def _case_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"])


def _staff_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["tenant_id", column], ["staff_users.tenant_id", "staff_users.id"])


def _plan_fk(column: str = "plan_id") -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", column], ["cooperation_plans.tenant_id", "cooperation_plans.id"]
    )


def _case_index(table: str) -> Index:
    # Without the tenant, like the other case tables (migration 0016).
    return Index(f"ix_{table}_case_id", "case_id")


class PotentialAnalysis(TenantScoped, Base):
    """A Potenzialanalyse (§ 15 Abs. 1 SGB II), conducted with the client on a day."""

    __tablename__ = "potential_analyses"
    __table_args__ = (_case_fk(), _staff_fk("conducted_by_id"), _case_index("potential_analyses"))

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    conducted_on: Mapped[date] = mapped_column(info=kept(PLAN, DATE))
    conducted_by_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = created_at(WRITTEN_AT)
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()


class PotentialAnalysisItem(TenantScoped, Base):
    """A strength, a need or the client's own view on one topic. Classified by what it says (the
    topic's data category): a need on addiction is addiction data, special category (Art. 9)."""

    __tablename__ = "potential_analysis_items"
    __table_args__ = (
        _case_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "analysis_id"],
            ["potential_analyses.tenant_id", "potential_analyses.id"],
            name="fk_potential_analysis_items_analysis",
        ),
        _case_index("potential_analysis_items"),
        CheckConstraint("kind IN ('strength', 'need', 'client_view')", name="kind_known"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    analysis_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    position: Mapped[int] = mapped_column(info=not_personal("the order of the items"))
    kind: Mapped[str] = mapped_column(String(20), info=kept(ROW, CODE))
    subcategory: Mapped[str] = mapped_column(String(40), info=kept(ROW, CODE))
    data_category: Mapped[str] = mapped_column(String(40), info=not_personal(ROW_CLASSIFICATION))
    text: Mapped[str] = mapped_column(String(1000), info=free_text(ROW))
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()


class CooperationPlan(TenantScoped, Base):
    """One version of the plan shared with the client, under the law it was made under.

    A Kooperationsplan is in effect from `valid_from` once the client agreed, until the day before
    the next agreed version's `valid_from` (`superseded_from`) or its `valid_until`, if it has
    one; so versions never overlap. Migrated Eingliederungsvereinbarungen (0024) keep their
    numbers, dates and snapshot, and count as agreed (they were concluded).
    """

    __tablename__ = "cooperation_plans"
    __table_args__ = (
        _case_fk(),
        _staff_fk("drawn_up_by_id"),
        ForeignKeyConstraint(
            ["tenant_id", "potential_analysis_id"],
            ["potential_analyses.tenant_id", "potential_analyses.id"],
            name="fk_cooperation_plans_potential_analysis",
        ),
        UniqueConstraint("tenant_id", "case_id", "number"),
        Index("ix_cooperation_plans_case_id", "case_id"),
        CheckConstraint(
            "client_position IN ('pending', 'agreed', 'disagreed')", name="position_known"
        ),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    number: Mapped[int] = mapped_column(info=not_personal("the version's number"))
    legal_basis: Mapped[str] = mapped_column(String(60), info=kept(PLAN, CODE))
    potential_analysis_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    valid_from: Mapped[date] = mapped_column(info=kept(PLAN, DATE))
    valid_until: Mapped[date | None] = mapped_column(info=kept(PLAN, DATE))
    superseded_from: Mapped[date | None] = mapped_column(info=kept(PLAN, DATE))
    review_due: Mapped[date] = mapped_column(info=kept(PLAN, DATE))
    plain_text: Mapped[str | None] = mapped_column(Text, info=free_text(PLAN))
    plan: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, info=free_text(PLAN))
    client_position: Mapped[str] = mapped_column(String(20), info=kept(PLAN, CODE))
    client_position_on: Mapped[date | None] = mapped_column(info=kept(PLAN, DATE))
    client_position_note: Mapped[str | None] = mapped_column(Text, info=free_text(PLAN))
    drawn_up_by_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = created_at(kept(PLAN, DATE))
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()


class CooperationPlanReview(TenantScoped, Base):
    """The joint review of a version (§ 15 Abs. 3: gemeinsam überprüfen und fortschreiben)."""

    __tablename__ = "cooperation_plan_reviews"
    __table_args__ = (
        _case_fk(),
        _plan_fk(),
        _staff_fk("author_id"),
        _case_index("cooperation_plan_reviews"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    plan_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    reviewed_on: Mapped[date] = mapped_column(info=kept(PLAN, DATE))
    with_client: Mapped[bool] = mapped_column(info=kept(PLAN, CODE))
    notes: Mapped[str] = mapped_column(Text, info=free_text(PLAN))
    next_review_due: Mapped[date] = mapped_column(info=kept(PLAN, DATE))
    author_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = created_at(WRITTEN_AT)
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()


class Conciliation(TenantScoped, Base):
    """A Schlichtungsverfahren (§ 15a SGB II) on a version the client disagreed with."""

    __tablename__ = "conciliations"
    __table_args__ = (
        _case_fk(),
        _plan_fk(),
        _staff_fk("recorded_by_id"),
        _case_index("conciliations"),
        CheckConstraint("status IN ('open', 'agreed', 'not_agreed')", name="status_known"),
        CheckConstraint("requested_by IN ('client', 'jobcenter', 'both')", name="requester_known"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    plan_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    started_on: Mapped[date] = mapped_column(info=kept(PLAN, DATE))
    requested_by: Mapped[str] = mapped_column(String(20), info=kept(PLAN, CODE))
    subject: Mapped[str] = mapped_column(Text, info=free_text(PLAN))
    status: Mapped[str] = mapped_column(String(20), info=kept(PLAN, CODE))
    ended_on: Mapped[date | None] = mapped_column(info=kept(PLAN, DATE))
    outcome: Mapped[str | None] = mapped_column(Text, info=free_text(PLAN))
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = created_at(WRITTEN_AT)
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()


class CooperationRequest(TenantScoped, Base):
    """A request to act with advice on its legal consequences (Aufforderung zu einer
    Mitwirkungshandlung mit Rechtsfolgenbelehrung, § 15 Abs. 5/6 SGB II): the one binding thing,
    kept apart from the plan, dated, never edited."""

    __tablename__ = "cooperation_requests"
    __table_args__ = (
        _case_fk(),
        _plan_fk(),
        _staff_fk("issued_by_id"),
        _case_index("cooperation_requests"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    plan_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    issued_on: Mapped[date] = mapped_column(info=kept(PLAN, DATE))
    action: Mapped[str] = mapped_column(Text, info=free_text(PLAN))
    due_on: Mapped[date] = mapped_column(info=kept(PLAN, DATE))
    legal_consequences: Mapped[str] = mapped_column(Text, info=free_text(PLAN))
    issued_by_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = created_at(WRITTEN_AT)
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()
