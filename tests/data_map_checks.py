"""The data map checked against PostgreSQL's catalog, not against our models: which tables hold a
client's data (their foreign keys lead to `clients`), which of their columns the map does not
classify, and where a marker text lies anywhere in the database."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from service.clients.erasure import ERASING, owner_conditions
from service.policy.data_map import Erasure, classification_of, client_tables
from service.tables import all_tables

FOREIGN_KEYS = text(
    """
    SELECT DISTINCT src.relname AS source, dst.relname AS target
      FROM pg_constraint c
      JOIN pg_class src ON src.oid = c.conrelid
      JOIN pg_class dst ON dst.oid = c.confrelid
     WHERE c.contype = 'f' AND src.relname <> dst.relname AND NOT src.relispartition
    """
)
COLUMNS = text(
    """
    SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length AS length
      FROM information_schema.columns c
      JOIN information_schema.tables t
        ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
    """
)
TEXT_TYPES = {"text", "character varying", "jsonb", "bytea"}


async def catalog_client_tables(conn: AsyncConnection) -> set[str]:
    edges = (await conn.execute(FOREIGN_KEYS)).all()
    holding = {"clients"}
    while True:
        more = {edge.source for edge in edges if edge.target in holding} - holding
        if not more:
            return holding
        holding |= more


async def catalog_columns(conn: AsyncConnection) -> dict[str, dict[str, tuple[str, int | None]]]:
    """table → column → (data type, maximum length)."""
    columns: dict[str, dict[str, tuple[str, int | None]]] = {}
    for row in await conn.execute(COLUMNS):
        columns.setdefault(row.table_name, {})[row.column_name] = (row.data_type, row.length)
    return columns


def _mapped_columns() -> dict[str, dict[str, object]]:
    return {
        table.name: {column.name: classification_of(column) for column in table.columns}
        for table in all_tables().tables.values()
    }


async def unclassified_in_catalog(conn: AsyncConnection) -> list[str]:
    """`table.column` of every column of a client table that the map does not classify."""
    mapped = _mapped_columns()
    columns = await catalog_columns(conn)
    return sorted(
        f"{table}.{column}"
        for table in await catalog_client_tables(conn)
        for column in columns[table]
        if mapped.get(table, {}).get(column) is None
    )


async def plant_marker(conn: AsyncConnection, client_id: uuid.UUID, marker: str) -> list[str]:
    """Write `marker` into every text column of the client's rows that erasure must not leave:
    all but the keys, the kept codes and what is not personal data — and any column the map does
    not know. Returns the columns planted."""
    mapped = _mapped_columns()
    owners = owner_conditions(client_tables(all_tables()))
    await conn.execute(text(ERASING))  # the rows never edited otherwise let us plant, too
    planted = []
    columns = await catalog_columns(conn)
    for table in sorted(await catalog_client_tables(conn)):
        for column, (data_type, length) in columns[table].items():
            classification = mapped.get(table, {}).get(column)
            if data_type not in TEXT_TYPES or (
                classification is not None and classification.erasure is Erasure.KEEP
            ):
                continue
            expression = {
                "jsonb": "to_jsonb(CAST(:marker AS text))",
                "bytea": "convert_to(:marker, 'UTF8')",
            }.get(data_type, f"left(:marker || ' ' || coalesce({column}, ''), {length or 4000})")
            await conn.execute(
                text(f"UPDATE {table} SET {column} = {expression} WHERE {owners[table]}"),
                {"marker": marker, "client": client_id},
            )
            planted.append(f"{table}.{column}")
    return sorted(planted)


async def marker_found(conn: AsyncConnection, marker: str) -> list[str]:
    """`table.column` of every text column in the whole database that holds `marker`."""
    found = []
    for table, table_columns in sorted((await catalog_columns(conn)).items()):
        for column, (data_type, _) in table_columns.items():
            if data_type not in TEXT_TYPES:
                continue
            contains = (
                f"position(convert_to(:m, 'UTF8') in {column}) > 0"
                if data_type == "bytea"
                else f"strpos({column}::text, :m) > 0"
            )
            hit = await conn.scalar(
                text(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {contains})"), {"m": marker}
            )
            if hit:
                found.append(f"{table}.{column}")
    return sorted(found)
