"""The declarative base all ORM models share, with constraint names Alembic can rely on."""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, MetaData, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}  # noqa: RUF012


def uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=func.gen_random_uuid()
    )


def row_id() -> Mapped[uuid.UUID]:
    """The id of a tenant table's row, indexed on its own as well: rows are fetched by id alone
    (DataLoaders, links between objects), which the (tenant_id, id) key cannot serve while
    row-level security adds the tenant only as a filter (bench/RESULTS.md: 77 ms → index scan)."""
    return mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=func.gen_random_uuid(), index=True
    )


def tenant_key() -> Mapped[uuid.UUID]:
    """`tenant_id`, the leading column of every tenant table's primary key (Citus-ready)."""
    return mapped_column(UUID(as_uuid=True), ForeignKey("tenants.id"), primary_key=True)


class TenantScoped:
    """A model of a jobcenter's table (its key led by `tenant_id`). Each request bound to one
    jobcenter names it in every ORM statement over such a model (service/tenants/binding.py),
    so that Citus routes the statement to one shard; tests/db/test_table_rules.py checks that
    every mapped table with a `tenant_id` is one."""

    # For SQLAlchemy, which analyses the loader criteria's lambda against this class; every
    # model declares its own `tenant_id` (that one is mapped, in its place in the key).
    tenant_id: Mapped[uuid.UUID] = tenant_key()


def created_at(info: dict[str, Any] | None = None) -> Mapped[datetime]:
    return mapped_column(server_default=func.now(), info=info or {})


READ_BY_POLICIES_ONLY = "read_by_policies_only"
"""A column's `info` key for what only row-level security reads (the partner reach,
service/tenants/reach.py): rows for lists leave it out."""


@cache
def row_columns(model: type[Base]) -> tuple[Column[Any], ...]:
    """A model's table columns, to select as plain rows that read like its entities (each
    mapped attribute is named as its column: tests/db/test_row_columns.py) for lists that only
    read them. Measured on a 51-case page (bench, 2026-12-02): ORM entities 1.7 ms of CPU, the
    mapped attributes as columns 1.1–1.4 ms, the table's columns 0.65–0.8 ms — the ORM then
    builds, tracks and identity-maps no entity per row. Rows are tuples: nothing written to
    them reaches the database."""
    return tuple(c for c in model.__table__.columns if not c.info.get(READ_BY_POLICIES_ONLY))
