"""The rules every table must keep, read from PostgreSQL's catalog (not from our models):
tenant tables lead their keys with tenant_id (Citus), and row-level security is on and forced."""

from __future__ import annotations

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

import service.tables  # noqa: F401  (every domain's models, for the model rule)
from service.db.base import Base, TenantScoped

# Global on purpose, each documented on its model: the tenant key itself, and partner
# organisations with their users, which serve several jobcenters at once.
GLOBAL_TABLES = {"tenants", "partner_organisations", "partner_users"}
GLOBAL_TABLES_WITH_RLS = {"partner_users"}  # holds people's names: confined to the organisation

TABLES = text(
    """
    SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
           (SELECT a.attname FROM pg_index i
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
             WHERE i.indrelid = c.oid AND i.indisprimary) AS first_key_column
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'alembic_version'
       AND NOT c.relispartition
    """
)
FOREIGN_KEYS = text(
    """
    SELECT c.conname AS name, src.relname AS source, dst.relname AS target,
           (SELECT array_agg(a.attname ORDER BY k.ord)
              FROM unnest(c.conkey) WITH ORDINALITY k(num, ord)
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num) AS columns
      FROM pg_constraint c
      JOIN pg_class src ON src.oid = c.conrelid
      JOIN pg_class dst ON dst.oid = c.confrelid
     WHERE c.contype = 'f'
    """
)


@pytest.fixture
async def catalog(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        tables = (await conn.execute(TABLES)).all()
        foreign_keys = (await conn.execute(FOREIGN_KEYS)).all()
    await engine.dispose()
    return tables, foreign_keys


async def test_there_are_tenant_tables_to_check(catalog):
    tables, _ = catalog
    assert {row.name for row in tables} - GLOBAL_TABLES >= {"staff_users", "clients"}


async def test_every_tenant_table_leads_its_primary_key_with_tenant_id(catalog):
    tables, _ = catalog
    offenders = {
        row.name: row.first_key_column
        for row in tables
        if row.name not in GLOBAL_TABLES and row.first_key_column != "tenant_id"
    }
    assert offenders == {}


async def test_every_tenant_table_has_forced_row_level_security(catalog):
    tables, _ = catalog
    offenders = [
        row.name
        for row in tables
        if (row.name not in GLOBAL_TABLES or row.name in GLOBAL_TABLES_WITH_RLS)
        and not (row.rls and row.forced)
    ]
    assert offenders == []


async def test_foreign_keys_between_tenant_tables_lead_with_tenant_id(catalog):
    _, foreign_keys = catalog
    offenders = [
        row.name
        for row in foreign_keys
        if row.source not in GLOBAL_TABLES
        and row.target not in GLOBAL_TABLES - {"tenants"}
        and row.columns[0] != "tenant_id"
    ]
    assert offenders == []


def test_every_model_of_a_tenant_table_names_its_jobcenter_in_queries():
    """A model with a `tenant_id` that is not TenantScoped would be queried without its
    jobcenter named (service/tenants/binding.py): on Citus, asked of every shard."""
    offenders = [
        mapper.class_.__name__
        for mapper in Base.registry.mappers
        if "tenant_id" in mapper.local_table.c and not issubclass(mapper.class_, TenantScoped)
    ]
    assert offenders == []
    assert {mapper.local_table.name for mapper in Base.registry.mappers} - {
        mapper.local_table.name
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, TenantScoped)
    } == GLOBAL_TABLES
