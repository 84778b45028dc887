"""Reads by the driver (service/db/driver_rows.py) return what `session.execute` returns, under
the same binding, row-level security and jobcenter, and see the session's pending changes."""

from __future__ import annotations

import enum
import uuid

import pytest
from sqlalchemy import (
    Enum,
    bindparam,
    event,
    func,
    literal_column,
    select,
    text,
    true,
    type_coerce,
)
from sqlalchemy.exc import DBAPIError

from service.clients.models import Client
from service.db.base import row_columns
from service.db.driver_rows import ReadStatement, Row, among, fetch_rows
from service.tenants.binding import UnscopedRead
from service.tenants.models import Tenant
from service.tenants.scope import Scope

CLIENTS_BY_ID = ReadStatement(select(*row_columns(Client)).where(among(Client.id, "ids")))
FAMILY_NAMES = ReadStatement(
    select(Client.family_name).where(Client.family_name == bindparam("family_name"))
)


def _clients_by_id(ids):
    return select(*row_columns(Client)).where(Client.id.in_(ids)).order_by(Client.id)


async def test_the_driver_reads_the_rows_sqlalchemy_reads(runtime, factories):
    jobcenter = await factories.jobcenter()
    ids = sorted([(await factories.client(jobcenter)).id for _ in range(3)])
    async with runtime.database.session(Scope.tenant(jobcenter.id)) as session:
        for some in (ids[:1], ids, ids[1:]):  # one compilation, lists of any length
            ordinary = (await session.execute(_clients_by_id(some))).all()
            by_driver = await fetch_rows(session, _clients_by_id(some))
            prepared = sorted(await CLIENTS_BY_ID.rows(session, ids=some), key=lambda r: r.id)

            assert [tuple(row) for row in by_driver] == [tuple(row) for row in ordinary]
            assert [tuple(row) for row in prepared] == [tuple(row) for row in ordinary]
            assert [row.family_name for row in by_driver] == ["Testmann"] * len(some)
    # …and read by the driver indeed: its records, not SQLAlchemy's rows.
    assert isinstance(by_driver[0], Row) and isinstance(prepared[0], Row)


async def test_row_level_security_and_the_jobcenter_apply(runtime, factories):
    mine, other = await factories.jobcenter(), await factories.jobcenter()
    own = await factories.client(mine)
    foreign = await factories.client(other)
    sent = []

    def note(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, list(parameters)))

    engine = runtime.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        async with runtime.database.session(Scope.tenant(mine.id)) as session:
            rows = await CLIENTS_BY_ID.rows(session, ids=[own.id, foreign.id])
            listed = await fetch_rows(session, _clients_by_id([own.id, foreign.id]))
    finally:
        event.remove(engine, "before_cursor_execute", note)

    assert [row.id for row in rows] == [own.id]
    assert [row.id for row in listed] == [own.id]
    reads = [(sql, values) for sql, values in sent if "FROM clients" in sql]
    assert len(reads) == 2
    for sql, values in reads:
        assert "clients.tenant_id = $" in sql
        assert mine.id in values


async def test_a_pending_change_is_flushed_before_the_read(runtime, factories):
    jobcenter = await factories.jobcenter()
    name = f"Neu-{uuid.uuid4().hex[:8]}"
    async with runtime.database.session(Scope.tenant(jobcenter.id)) as session:
        session.add(
            Client(
                tenant_id=jobcenter.id,
                id=uuid.uuid4(),
                customer_number=uuid.uuid4().hex[:12].upper(),
                given_name="Erika",
                family_name=name,
            )
        )
        rows = await FAMILY_NAMES.rows(session, family_name=name)
        await session.rollback()

    assert [row.family_name for row in rows] == [name]


class FamilyName(enum.Enum):
    TESTMANN = "Testmann"


async def test_a_column_sqlalchemy_would_convert_is_read_the_ordinary_way(runtime, factories):
    """Where SQLAlchemy turns a value into something else (here an Enum), the statement is left
    to it: its rows read the same either way."""
    jobcenter = await factories.jobcenter()
    client = await factories.client(jobcenter)
    as_enum = type_coerce(
        Client.family_name,
        Enum(FamilyName, native_enum=False, values_callable=lambda e: [m.value for m in e]),
    )
    statement = ReadStatement(select(as_enum.label("name")).where(among(Client.id, "ids")))
    async with runtime.database.session(Scope.tenant(jobcenter.id)) as session:
        by_driver = await fetch_rows(session, select(as_enum.label("name")))
        rows = await statement.rows(session, ids=[client.id])

    assert [row.name for row in rows] == [FamilyName.TESTMANN]
    assert [row.name for row in by_driver] == [FamilyName.TESTMANN]
    assert [readable for (_, readable) in statement._compiled.values()] == [None]


async def test_a_failed_read_raises_what_sqlalchemy_raises(runtime, factories):
    """A statement the server cancels (here: its timeout) comes as SQLAlchemy's DBAPIError,
    which the endpoint answers as for every other statement; the values stay out of it."""
    jobcenter = await factories.jobcenter()
    slow = ReadStatement(
        select(func.pg_sleep(0.5).label("slept"), literal_column("1").label("one")).where(
            bindparam("marker") == "Wert-der-nicht-erscheint"
        )
    )
    async with runtime.database.session(Scope.tenant(jobcenter.id)) as session:
        await session.execute(text("SET LOCAL statement_timeout = 20"))
        with pytest.raises(DBAPIError) as raised:
            await slow.rows(session, marker="Wert-der-nicht-erscheint")
        await session.rollback()

    assert "canceling statement due to statement timeout" in str(raised.value)
    assert "Wert-der-nicht-erscheint" not in str(raised.value)


async def test_a_jobcenters_read_that_would_not_name_its_jobcenter_is_refused(runtime, factories):
    # Given a statement over a jobcenter's table that no session criteria reach (its columns
    # alone, no clause naming the entity), and one over a table of no jobcenter,
    jobcenter = await factories.jobcenter()
    await factories.client(jobcenter)
    unreached = ReadStatement(select(*row_columns(Client)).where(true()))
    reached = ReadStatement(select(*row_columns(Client)).select_from(Client).where(true()))
    jobcenters = ReadStatement(select(Tenant.id).where(Tenant.id == bindparam("id")))
    async with runtime.database.session(Scope.tenant(jobcenter.id)) as session:
        # when a jobcenter's request reads them, then the first is refused before it is sent,
        with pytest.raises(UnscopedRead):
            await unreached.rows(session)
        with pytest.raises(UnscopedRead):
            await fetch_rows(session, select(*row_columns(Client)).where(true()))
        # and the others run, confined to the jobcenter by the application as well.
        assert {row.tenant_id for row in await reached.rows(session)} == {jobcenter.id}
        assert [row.id for row in await jobcenters.rows(session, id=jobcenter.id)] == [jobcenter.id]
