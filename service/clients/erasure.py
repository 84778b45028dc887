"""Erasure (Löschung, Art. 17 GDPR) walks the data map: in every table with a client's data, each
column the map marks BLANK or REPLACE is blanked or replaced on the client's rows; keys and kept
columns stay, so references, the indicators' counts and the audit chain still hold.

The statements are made from the map once (`erasure_plan`), so a column added with its
classification is erased without anyone touching this module, and a column added without one
fails tests/db/test_data_map.py. Which rows are the client's follows the foreign keys towards
`clients` (a review's case, a revocation's consent).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Column, LargeBinary, MetaData, String, Table, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from service.policy.data_map import Erasure, classification_of, client_tables

ERASED = "[gelöscht]"
# The switch the erasure-only trigger looks for on tables never edited else
# (migrations/sql/functions/refuse_update_outside_erasure.sql). SET LOCAL, as the scope binding:
# on Citus the trigger fires on the workers, which see SET LOCAL and never set_config().
ERASING = "SET LOCAL casework.erasing = on"


@dataclass(frozen=True, slots=True)
class ErasureStep:
    table: str
    columns: tuple[str, ...]  # the erased columns, for the audit record (that, not what)
    statement: str  # UPDATE … RETURNING the row's key, with the client as :client


@dataclass(frozen=True, slots=True)
class ErasedRow:
    table: str
    row_id: uuid.UUID
    columns: tuple[str, ...]


@cache
def erasure_plan(metadata: MetaData) -> tuple[ErasureStep, ...]:
    tables = client_tables(metadata)
    owners = owner_conditions(tables)
    steps = []
    for table in tables:
        erased = [column for column in table.columns if _erased(column)]
        if erased:
            assignments = ", ".join(f"{column.name} = {_erased_value(column)}" for column in erased)
            statement = (
                f"UPDATE {table.name} SET {assignments} WHERE {owners[table.name]}"
                f" RETURNING {_row_key(table)}"
            )
            steps.append(ErasureStep(table.name, tuple(c.name for c in erased), statement))
    return tuple(steps)


async def erase_client_rows(
    session: AsyncSession, client_id: uuid.UUID, *, tables: MetaData
) -> list[ErasedRow]:
    """Blank every erasable column of the client's rows in `tables` (every table of the service,
    service/tables.py, handed down: the registry sits above the domains); return which rows had
    which columns erased, for the audit."""
    await session.execute(text(ERASING))
    erased: list[ErasedRow] = []
    for step in erasure_plan(tables):
        rows = await session.execute(text(step.statement), {"client": client_id, "erased": ERASED})
        erased += [ErasedRow(step.table, row[0], step.columns) for row in rows]
    return erased


def _erased(column: Column) -> bool:
    classification = classification_of(column)
    return classification is not None and classification.erasure is not Erasure.KEEP


def _erased_value(column: Column) -> str:
    classification = classification_of(column)
    assert classification is not None
    if classification.erasure is Erasure.REPLACE:
        return classification.replacement_sql  # type: ignore[return-value]
    if column.nullable:
        return "NULL"
    if isinstance(column.type, String | Text):
        # One parameter for varchar and text columns alike: typed once, or PostgreSQL deduces
        # it twice and refuses ("inconsistent types deduced for parameter").
        return "CAST(:erased AS text)"
    if isinstance(column.type, LargeBinary):
        return "''::bytea"
    if isinstance(column.type, JSONB):
        return "'[]'::jsonb"
    raise TypeError(f"{column.table.name}.{column.name}: no empty value to erase it with")


def _row_key(table: Table) -> str:
    (key,) = (column.name for column in table.primary_key.columns if column.name != "tenant_id")
    return key


def owner_conditions(tables: list[Table]) -> dict[str, str]:
    """For each client table, the condition that selects the client's rows, following its
    foreign key nearest `clients` (in table order, parents come first)."""
    conditions: dict[str, str] = {"clients": "id = :client"}
    depth = {"clients": 0}
    for table in tables:
        if table.name in conditions:
            continue
        column, parent = min(
            (
                (fk.parent.name, fk.column.table.name)
                for fk in table.foreign_keys
                if fk.column.table.name in depth
                and fk.column.table is not table
                # The parent's id, not another column a composite key also checks (a
                # report's partner_organisation_id against its referral's, migration 0007).
                and fk.column.name == "id"
            ),
            key=lambda pair: depth[pair[1]],
        )
        depth[table.name] = depth[parent] + 1
        conditions[table.name] = (
            f"{column} = :client"
            if parent == "clients"
            else f"{column} IN (SELECT id FROM {parent} WHERE {conditions[parent]})"
        )
    return conditions
