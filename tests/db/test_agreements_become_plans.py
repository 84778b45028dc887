"""Migration 0024 keeps existing agreements readable as plans: each integration agreement is
copied into cooperation_plans under its id, number, dates and snapshot, as an agreed
"Eingliederungsvereinbarung (§ 15 SGB II a. F.)". Run here on one agreement, rolled back."""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.cases.models import IntegrationAgreement
from tests.referral_factories import referral_setting

MIGRATION = (
    Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0024_kooperationsplan.py"
)


@pytest.fixture
async def owner_engine(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    yield engine
    await engine.dispose()


def _migration():
    spec = importlib.util.spec_from_file_location("kooperationsplan_0024", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_an_agreement_is_copied_as_an_old_agreement_and_agreed(factories, owner_engine):
    migration = _migration()
    setting = await referral_setting(factories)
    start = date.today() - timedelta(days=400)
    agreement = IntegrationAgreement(
        tenant_id=setting.jobcenter.id,
        case_id=setting.case_id,
        number=1,
        valid_from=start,
        valid_until=start + timedelta(days=180),
        plan=[{"title": "Wohnung"}],
        concluded_by_id=setting.case_manager.id,
    )
    async with factories._session(tenant=setting.jobcenter.id) as session:
        session.add(agreement)
    async with owner_engine.connect() as conn:
        transaction = await conn.begin()
        await conn.execute(
            text(migration.COPY_AGREEMENTS + " WHERE id = :id"),
            {"basis": migration.OLD_AGREEMENT, "id": agreement.id},
        )
        row = (
            await conn.execute(
                text(
                    "SELECT number, legal_basis, valid_from, valid_until, review_due, plan,"
                    " client_position FROM cooperation_plans WHERE id = :id"
                ),
                {"id": agreement.id},
            )
        ).one()
        await transaction.rollback()

    assert tuple(row) == (
        1,
        "Eingliederungsvereinbarung (§ 15 SGB II a. F.)",
        start,
        start + timedelta(days=180),
        start + timedelta(days=180),
        [{"title": "Wohnung"}],
        "agreed",
    )
