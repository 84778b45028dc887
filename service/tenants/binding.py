"""Bind every transaction to the request's scope, so PostgreSQL's row-level security applies.

The scope is bound once, when the request's session is created (STYLE.md habit 5); this listener
then binds it at the start of every transaction that session opens. The settings are
transaction-local (`SET LOCAL`), so a pooled connection never carries one request's tenant into
the next, and they work behind PgBouncer in transaction mode (FIELD-NOTES.md, RLS). `SET LOCAL`
and not `set_config()`: on Citus the policies are evaluated on the workers, and Citus forwards a
transaction's `SET LOCAL` to them, never a `set_config()` call (docs/scale-out.md). `SET` takes
no bind parameter, so `app_bind_scope()` (migrations/sql/functions/app_bind_scope.sql) renders
both commands from uuid parameters: one statement, one prepared plan for every tenant.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Uuid, bindparam, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.elements import TextClause

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
    for value in (scope.tenant_id, scope.partner_organisation_id):
        if value is not None and not isinstance(value, uuid.UUID):
            raise TypeError(f"a scope binds uuid.UUID values, not {type(value).__name__}")
    return _BIND.bindparams(tenant=scope.tenant_id, organisation=scope.partner_organisation_id)


@event.listens_for(ScopedSession, "after_begin")
def _bind_scope(session: Session, _transaction: SessionTransaction, connection: Connection) -> None:
    connection.execute(scope_binding(scope_of(session)))
