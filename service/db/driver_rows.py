"""Reads that only need rows, fetched by the driver: a `select` of columns runs on the session's
own connection and transaction (so its scope binding and row-level security apply) as asyncpg's
prepared statement, and its rows are asyncpg's records — no SQLAlchemy result processing per
row and column, no ORM execution per statement.

Measured on W1 (a case manager's 50 cases, in-process, py-spy): SQLAlchemy was 37 % of the
request's CPU, most of it building rows value by value (`loading.instances`), expanding `IN`
lists and keying each statement for its cache. The statement is still SQLAlchemy's, compiled
once and kept; only its execution is the driver's.

- `fetch_rows(session, statement)`: a statement built per call (a filtered list); compiled once
  per shape, found again by SQLAlchemy's cache key.
- `ReadStatement`: a statement built once, its values named parameters (lists as arrays,
  `= ANY (:ids)`): no cache key and no expansion per call.

What SQLAlchemy would add to such a read is added here, or the statement runs the ordinary way
(`session.execute`), which is always correct, only slower:
- pending changes are flushed first (the session's autoflush);
- a jobcenter's request names its jobcenter, as the session's loader criteria do
  (service/tenants/binding.py);
- where a column's type would change what asyncpg returns, the ordinary way. Arrays whose items
  need no processing come back as the lists SQLAlchemy makes of them;
- the engine's statement listeners see the statement (telemetry's spans, the bench's round
  trips, tests that read the SQL sent).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import asyncpg
from sqlalchemy import ARRAY, any_, bindparam
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import SQLCompiler

from service.tenants.binding import bound_parameters, bound_statement, require_bound_jobcenter


class Row(asyncpg.Record):
    """An asyncpg record that reads like SQLAlchemy's rows: by attribute, index or unpacking.
    Each statement's rows are of a subclass with a property per column (`_row_class`)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class _Readable:
    """A compilation whose rows the driver reads as SQLAlchemy would, and their class."""

    compiled: SQLCompiler
    row_class: type[Row]


def _row_class(names: Sequence[str]) -> type[Row]:
    # A property per column, read by position in C: a `__getattr__` runs only after the
    # ordinary lookup has failed, which cost ≈ 0.4 µs an attribute (a case list reads ~1,500).
    # A column named like one of the record's own methods (`keys`, `get`, …) is read by index.
    taken = set(dir(asyncpg.Record))
    columns = {
        name: property(itemgetter(index)) for index, name in enumerate(names) if name not in taken
    }
    return type("Row", (Row,), {"__slots__": (), **columns})


class ReadStatement:
    """A read built once, at import: its compilations (with the jobcenter named, and without)
    are kept with it."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[bool, tuple[Select[Any], _Readable | None]] = {}

    async def rows(self, session: AsyncSession, **parameters: Any) -> Sequence[Any]:
        turn = await _ready(session)
        bound = bound_parameters(session.sync_session)
        found = self._compiled.get(bool(bound))
        if found is None:
            statement, _ = bound_statement(session.sync_session, self.statement)
            compiled = statement.compile(dialect=session.bind.dialect)
            if bound:
                require_bound_jobcenter(statement, compiled)
            found = self._compiled[bool(bound)] = (statement, _readable_by_driver(compiled))
        statement, readable = found
        parameters.update(bound)
        if turn is None or readable is None:
            return (await session.execute(statement, parameters)).all()
        compiled = readable.compiled
        values = compiled.construct_params(parameters)
        positional = _positional(compiled.positiontup, values, compiled._bind_processors)
        return await _fetch(session, turn, compiled.string, positional, readable.row_class)


# Compilations of statements built per call, by SQLAlchemy's cache key: a few dozen shapes.
_SHAPES: dict[Any, _Readable | None] = {}
_MAX_SHAPES = 500


async def fetch_rows(session: AsyncSession, statement: Select[Any]) -> Sequence[Any]:
    """The rows `session.execute(statement)` would return, read by the driver where it can."""
    turn = await _ready(session)
    statement, parameters = bound_statement(session.sync_session, statement)
    key = statement._generate_cache_key()
    if turn is None or key is None:
        return (await session.execute(statement, parameters)).all()
    if key.key in _SHAPES:
        readable = _SHAPES[key.key]
    else:
        dialect = session.bind.dialect
        # As SQLAlchemy compiles for its cache: with the key, so that a later execution's
        # values are matched to this compilation's parameters by position.
        compiled = dialect.statement_compiler(dialect, statement, cache_key=key)
        if parameters:
            require_bound_jobcenter(statement, compiled)
        readable = _readable_by_driver(compiled)
        if len(_SHAPES) < _MAX_SHAPES:
            _SHAPES[key.key] = readable
    if readable is None:
        return (await session.execute(statement, parameters)).all()
    compiled = readable.compiled
    values = compiled.construct_params(
        parameters, extracted_parameters=key.bindparams, _no_postcompile=True
    )
    expanded = compiled._process_parameters_for_postcompile(values)  # `IN` lists
    positional = _positional(expanded.positiontup, expanded.parameters, expanded.processors)
    return await _fetch(session, turn, expanded.statement, positional, readable.row_class)


def _positional(names: Sequence[str] | None, values: dict[str, Any], processors: Any) -> list[Any]:
    """The values in the order of the SQL's `$n`, through their types' bind processors."""
    positional = []
    for name in names or ():
        value = values[name]
        processor = processors.get(name)
        positional.append(value if processor is None else processor(value))
    return positional


async def _ready(session: AsyncSession) -> asyncio.Lock | None:
    """The session's turn (RequestSession: one statement at a time on its connection), after
    flushing what is pending; None for a session that has none: it reads the ordinary way."""
    turn = getattr(session, "_turn", None)
    if session.new or session.dirty or session.deleted:
        await session.flush()
    return turn


def _readable_by_driver(compiled: SQLCompiler) -> _Readable | None:
    dialect = compiled.dialect
    columns = compiled._result_columns
    for column in columns:
        if column.keyname != column.name or _processes(column.type, dialect):
            return None
    return _Readable(compiled, _row_class([column.keyname for column in columns]))


def _processes(type_: Any, dialect: Any) -> bool:
    """Whether SQLAlchemy would turn the driver's value into something else. (JSON is not:
    SQLAlchemy's asyncpg dialect gives the driver its JSON codecs.)"""
    if isinstance(type_, ARRAY):
        # A list of items no processor touches comes back as an equal list.
        type_ = type_.item_type
    try:
        return type_._cached_result_processor(dialect, None) is not None
    except Exception:
        return True


async def _fetch(
    session: AsyncSession, turn: asyncio.Lock, sql: str, values: list[Any], row_class: type[Row]
) -> Sequence[Any]:
    async with turn:
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        sync = connection.sync_connection
        listened = sync._has_events or sync.engine._has_events
        context = _Executed()
        if listened:
            sync.dispatch.before_cursor_execute(sync, None, sql, values, context, False)
        try:
            return await raw.driver_connection.fetch(sql, *values, record_class=row_class)
        except Exception as error:
            raise _as_sqlalchemy_error(raw.dbapi_connection, sync, sql, error) from error
        finally:
            if listened:
                sync.dispatch.after_cursor_execute(sync, None, sql, values, context, False)


def _as_sqlalchemy_error(adapted: Any, sync: Any, sql: str, error: Exception) -> Exception:
    """The error as SQLAlchemy raises it for the same statement: the dialect's adapter turns the
    driver's into its DBAPI error (and forgets a transaction the connection lost), SQLAlchemy
    wraps that — a lost connection or a timeout is then a `DBAPIError` the endpoint answers
    with 503, as for every other statement. The parameters stay out of the message."""
    try:
        adapted._handle_exception(error)
    except Exception as dbapi_error:
        dialect = sync.dialect
        return sa_exc.DBAPIError.instance(
            sql,
            None,
            dbapi_error,
            dialect.loaded_dbapi.Error,
            hide_parameters=True,
            dialect=dialect,
        )
    return error


class _Executed:
    """What statement listeners may hang their state on (SQLAlchemy's execution context)."""


def among(column: Any, name: str) -> Any:
    """`column = ANY (:name)`: a list of values as one array parameter. One statement for any
    number of values, where `IN` renders a placeholder per value — a statement, a prepared
    plan and an expansion per list length."""
    return column == any_(bindparam(name, type_=ARRAY(column.type)))
