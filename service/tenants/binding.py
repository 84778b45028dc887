"""Bind every transaction to the request's scope, so PostgreSQL's row-level security applies.

The scope is bound once, when the request's session is created (STYLE.md habit 5); this listener
then binds it at the start of every transaction that session opens. The settings are
transaction-local (`SET LOCAL`), so a pooled connection never carries one request's tenant into
the next, and they work behind PgBouncer in transaction mode (FIELD-NOTES.md, RLS). `SET LOCAL`
and not `set_config()`: on Citus the policies are evaluated on the workers, and Citus forwards a
transaction's `SET LOCAL` to them, never a `set_config()` call (docs/scale-out.md). `SET` takes
no bind parameter, so `app_bind_scope()` (migrations/sql/functions/app_bind_scope.sql) renders
both commands from uuid parameters: one statement, one prepared plan for every tenant.

The same session names its jobcenter in every ORM statement over a jobcenter's table
(`_name_the_jobcenter`): row-level security's `tenant_id = app_current_tenant()` is a function
of a setting, which Citus cannot route by — it asks every shard, and refuses `SELECT … FOR
UPDATE` (docs/scale-out.md, item 6). `tenant_id = :bound`, a parameter, routes to one shard;
on plain PostgreSQL it lets the keys that lead with `tenant_id` serve the query. It changes no
result: the policies let through the same rows.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Uuid, bindparam, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, with_loader_criteria
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import Compiled
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.util import find_tables

from service.db.base import TenantScoped
from service.tenants.scope import NO_SCOPE, Scope

SCOPE_INFO_KEY = "casework.scope"

_BIND = text("SELECT app_bind_scope(:tenant, :organisation)").bindparams(
    bindparam("tenant", type_=Uuid()), bindparam("organisation", type_=Uuid())
)


class ScopedSession(Session):
    """The sync session behind each request's AsyncSession; carries its Scope in `info`."""


def scope_of(session: Session) -> Scope:
    return session.info.get(SCOPE_INFO_KEY, NO_SCOPE)


def scope_binding(scope: Scope) -> TextClause:
    """The statement that binds `scope` to the transaction it runs in (both settings; what the
    scope leaves out is bound to nothing). Only uuids reach it: the database inlines them into
    `SET LOCAL`."""
    return _BIND.bindparams(**_binding_parameters(scope))


def _binding_parameters(scope: Scope) -> dict[str, uuid.UUID | None]:
    for value in (scope.tenant_id, scope.partner_organisation_id):
        if value is not None and not isinstance(value, uuid.UUID):
            raise TypeError(f"a scope binds uuid.UUID values, not {type(value).__name__}")
    return {"tenant": scope.tenant_id, "organisation": scope.partner_organisation_id}


@event.listens_for(ScopedSession, "after_begin")
def _bind_scope(session: Session, _transaction: SessionTransaction, connection: Connection) -> None:
    # The values as parameters of the one statement: `bindparams` copies the statement (and its
    # copy held a reference cycle, one a request).
    connection.execute(_BIND, _binding_parameters(scope_of(session)))


_TENANT_PARAMETER = "casework_bound_tenant"
# One option for every statement, the jobcenter a parameter of the execution: a lambda closing
# over the request's jobcenter cost ≈ 35 µs more a statement, to build and to key for the cache.
_IN_BOUND_JOBCENTER = with_loader_criteria(
    TenantScoped,
    # The name spelled out: SQLAlchemy's lambda analysis wraps the globals a lambda reads.
    lambda model: model.tenant_id == bindparam("casework_bound_tenant"),
    include_aliases=True,
    track_closure_variables=False,
)


@event.listens_for(ScopedSession, "do_orm_execute")
def _name_the_jobcenter(state: ORMExecuteState) -> None:
    """`tenant_id = :bound` on every model of a jobcenter's table in the statement: joins,
    subqueries and the loaders it starts included (the option propagates to them, and their
    executions get the parameter here). A partner's request spans jobcenters and is left as
    it is. What the criteria do not see is a table whose columns alone are selected, named by
    no mapped attribute of the statement (`in_bound_jobcenter`)."""
    tenant_id = scope_of(state.session).tenant_id
    # A list of parameter sets is an ORM bulk statement by primary key, which leads with
    # `tenant_id` already.
    if tenant_id is None or not isinstance(state.parameters, dict | None):
        return
    state.parameters = {**(state.parameters or {}), _TENANT_PARAMETER: tenant_id}
    if state.is_column_load or state.is_relationship_load:
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(_IN_BOUND_JOBCENTER)


def bound_statement(session: Session, query: Select[Any]) -> tuple[Select[Any], dict[str, Any]]:
    """`query` with what `_name_the_jobcenter` adds to it, and the parameters that go with it:
    for a read that runs outside the session's ORM execution (service/db/driver_rows.py)."""
    parameters = bound_parameters(session)
    return (query.options(_IN_BOUND_JOBCENTER) if parameters else query), parameters


class UnscopedRead(RuntimeError):
    """A jobcenter's read whose SQL does not name the jobcenter: a statement the loader criteria
    did not reach (its table named by no mapped entity). Row-level security would still confine
    it, but the application's own scoping (DESIGN.md, invariant 4: tenancy twice) and Citus's
    routing would be gone; refused, so that a test finds it rather than production."""


def require_bound_jobcenter(statement: Select[Any], compiled: Compiled) -> None:
    """Checked once per compiled statement (service/db/driver_rows.py), not per call: a
    statement over a jobcenter's table (one with `tenant_id`) must name the bound jobcenter.
    Tables of no jobcenter (partner organisations, the jobcenters themselves) need not."""
    if _TENANT_PARAMETER in compiled.binds:
        return
    if any("tenant_id" in table.c for table in find_tables(statement, include_joins=True)):
        raise UnscopedRead("a read in a jobcenter's scope names no jobcenter")


def bound_parameters(session: Session) -> dict[str, Any]:
    """The parameters `bound_statement`'s statement takes, for one compiled before: {} where no
    jobcenter is bound."""
    tenant_id = scope_of(session).tenant_id
    return {} if tenant_id is None else {_TENANT_PARAMETER: tenant_id}


def in_bound_jobcenter(session: Session, query: Select[Any], model: Any) -> Select[Any]:
    """`query`, which selects `model`'s table columns (`row_columns`), confined to the session's
    jobcenter where one is bound: what `_name_the_jobcenter` adds to ORM statements, for a
    table the loader criteria do not see (one whose columns alone are selected, its entity
    not named in the FROM clause)."""
    tenant_id = scope_of(session).tenant_id
    return query if tenant_id is None else query.where(model.tenant_id == tenant_id)
