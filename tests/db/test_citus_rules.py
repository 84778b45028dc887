"""The schema can be distributed by tenant on Citus without change (DESIGN.md, Scale-out):
every table has a decision in migrations/citus/distribute.sql, and the keys of the distributed
tables follow what Citus needs for co-located joins. Read from this run's database catalog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

DISTRIBUTE_SQL = Path(__file__).resolve().parents[2] / "migrations" / "citus" / "distribute.sql"
SQL = DISTRIBUTE_SQL.read_text()
REFERENCE = set(re.findall(r"create_reference_table\('(\w+)'\)", SQL))
DISTRIBUTED = set(re.findall(r"create_distributed_table\('(\w+)', 'tenant_id'", SQL))
LOCAL = set(re.findall(r"-- local: (\w+)", SQL))
AUDIT_APPEND_SQL = (
    Path(__file__).resolve().parents[2] / "migrations" / "sql" / "functions" / "audit_append.sql"
).read_text()


def _colocation_groups() -> dict[str, str]:
    """Each distributed table's colocation group, named by its first table: Citus' 'default'
    for a table created without `colocate_with`, its own for 'none', else its target's."""
    groups: dict[str, str] = {}
    for table, target in re.findall(
        r"create_distributed_table\('(\w+)', 'tenant_id'(?:, colocate_with => '(\w+)')?\)", SQL
    ):
        groups[table] = {"": "default", "none": table}.get(target) or groups[target]
    return groups


GROUPS = _colocation_groups()

TABLES = text(
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
)
# Primary keys and unique indexes, with their columns in order.
UNIQUE_KEYS = text(
    """
    SELECT t.relname AS table_name, i.relname AS index_name,
           array_agg(a.attname ORDER BY k.ord) AS columns
      FROM pg_index x
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY k(num, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.num
     WHERE n.nspname = 'public' AND x.indisunique AND NOT t.relispartition
     GROUP BY t.relname, i.relname
    """
)
FOREIGN_KEYS = text(
    """
    SELECT c.conname AS name, src.relname AS source, dst.relname AS target,
           (SELECT array_agg(a.attname ORDER BY k.ord)
              FROM unnest(c.conkey) WITH ORDINALITY k(num, ord)
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num) AS columns,
           (SELECT array_agg(a.attname ORDER BY k.ord)
              FROM unnest(c.confkey) WITH ORDINALITY k(num, ord)
              JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num) AS referenced
      FROM pg_constraint c
      JOIN pg_class src ON src.oid = c.conrelid
      JOIN pg_class dst ON dst.oid = c.confrelid
     WHERE c.contype = 'f' AND NOT src.relispartition
    """
)


@pytest.fixture(scope="module")
async def catalog(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        tables = set(await conn.scalars(TABLES))
        keys = (await conn.execute(UNIQUE_KEYS)).all()
        foreign_keys = (await conn.execute(FOREIGN_KEYS)).all()
    await engine.dispose()
    return tables, keys, foreign_keys


async def test_every_table_has_exactly_one_citus_decision(catalog):
    tables, _, _ = catalog
    decided = [*REFERENCE, *DISTRIBUTED, *LOCAL]

    assert len(decided) == len(set(decided)), "a table is named twice"
    assert tables == set(decided)


async def test_unique_keys_of_distributed_tables_include_tenant_id(catalog):
    _, keys, _ = catalog
    offenders = [
        f"{row.table_name}.{row.index_name}"
        for row in keys
        if row.table_name in DISTRIBUTED and "tenant_id" not in row.columns
    ]
    assert offenders == []


async def test_foreign_keys_between_distributed_tables_are_colocated(catalog):
    _, _, foreign_keys = catalog
    offenders = []
    for row in foreign_keys:
        if row.source in DISTRIBUTED and row.target in DISTRIBUTED:
            pairs = dict(zip(row.columns, row.referenced, strict=True))
            if pairs.get("tenant_id") != "tenant_id":
                offenders.append(row.name)
    assert offenders == []


async def test_foreign_keys_stay_within_a_colocation_group(catalog):
    """Citus checks a foreign key between distributed tables on one node only if they are
    co-located."""
    _, _, foreign_keys = catalog
    offenders = [
        row.name
        for row in foreign_keys
        if row.source in DISTRIBUTED
        and row.target in DISTRIBUTED
        and GROUPS[row.source] != GROUPS[row.target]
    ]
    assert offenders == []


def test_what_audit_append_writes_is_a_colocation_group_of_its_own():
    """audit_append runs as its owner in the transaction of the write it records; Citus refuses
    a second user on placements co-located with ones the app's role modified in that
    transaction (docs/scale-out.md, item 7). So every table it touches is in one group, and
    nothing else is."""
    touched = set(re.findall(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+(\w+)", AUDIT_APPEND_SQL)) & set(
        GROUPS
    )
    audit_groups = {GROUPS[table] for table in touched}

    assert touched == {table for table in GROUPS if table.startswith("audit_")}
    assert len(audit_groups) == 1
    assert {table for table, group in GROUPS.items() if group in audit_groups} == touched


async def test_reference_tables_never_point_at_distributed_ones(catalog):
    _, _, foreign_keys = catalog
    offenders = [
        row.name for row in foreign_keys if row.source in REFERENCE and row.target in DISTRIBUTED
    ]
    assert offenders == []


async def test_distributed_tables_reach_global_tables_only_through_reference_tables(catalog):
    _, _, foreign_keys = catalog
    offenders = [
        row.name
        for row in foreign_keys
        if row.source in DISTRIBUTED and row.target not in DISTRIBUTED | REFERENCE
    ]
    assert offenders == []
