"""The map of personal data (DESIGN.md, invariant 6), checked against PostgreSQL's catalog: every
column of a table with a client's data is classified, the classification is coherent, and the
service's role may erase exactly what the map says erasure blanks."""

from __future__ import annotations

import pytest
from sqlalchemy import pool, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from service.policy.data_map import ROW, Erasure, classification_of, client_tables
from service.tables import all_tables
from tests.data_map_checks import catalog_client_tables, unclassified_in_catalog
from tests.referral_factories import consent, referral_setting

APP_ROLE = "casework_app"


@pytest.fixture
async def owner_engine(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    yield engine
    await engine.dispose()


async def test_every_column_of_a_table_with_client_data_is_classified(owner_engine):
    async with owner_engine.connect() as conn:
        tables = await catalog_client_tables(conn)
        unclassified = await unclassified_in_catalog(conn)

    assert {"clients", "cases", "case_documents", "progress_reports", "consent_revocations"} <= (
        tables
    )
    assert unclassified == []


async def test_a_column_added_without_classification_is_named(owner_engine):
    async with owner_engine.connect() as conn, conn.begin() as transaction:
        await conn.execute(text("ALTER TABLE case_reviews ADD COLUMN remark text"))
        unclassified = await unclassified_in_catalog(conn)
        await transaction.rollback()

    assert unclassified == ["case_reviews.remark"]


def test_the_models_and_the_catalog_agree_on_which_tables_hold_client_data():
    names = {table.name for table in client_tables(all_tables())}

    assert "staff_users" not in names and "audit_entries" not in names
    assert {"clients", "plan_items", "referral_status_changes"} <= names


def test_free_text_is_never_kept_and_row_categories_have_a_data_category_column():
    for table in client_tables(all_tables()):
        classes = {column.name: classification_of(column) for column in table.columns}
        for name, classification in classes.items():
            assert classification is not None, f"{table.name}.{name}"
            if classification.free_text:
                assert classification.erasure is not Erasure.KEEP, f"{table.name}.{name}"
            if classification.category == ROW:
                assert "data_category" in classes, f"{table.name}.{name}"


async def test_the_service_role_may_update_every_column_erasure_blanks(owner_engine):
    erasable = [
        (table.name, column.name)
        for table in client_tables(all_tables())
        for column in table.columns
        if (classification := classification_of(column)) is not None
        and classification.erasure is not Erasure.KEEP
    ]
    async with owner_engine.connect() as conn:
        refused = [
            f"{table}.{column}"
            for table, column in erasable
            if not await conn.scalar(
                text("SELECT has_column_privilege(:role, :table, :column, 'UPDATE')"),
                {"role": APP_ROLE, "table": table, "column": column},
            )
        ]

    assert len(erasable) > 30
    assert refused == []


async def test_rows_never_edited_refuse_an_update_outside_erasure(factories, owner_url):
    setting = await referral_setting(factories)
    consent_id = await consent(factories, setting, None, "identity")
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        await conn.execute(text("SET ROLE casework_app"))
        await conn.execute(
            text("SELECT set_config('app.tenant_id', :t, false)"),
            {"t": str(setting.jobcenter.id)},
        )
        with pytest.raises(DBAPIError, match="never edited"):
            await conn.execute(
                text("UPDATE consents SET evidence_reference = 'anders' WHERE id = :id"),
                {"id": consent_id},
            )
    await engine.dispose()
