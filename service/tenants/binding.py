"""Bind every transaction to the request's scope, so PostgreSQL's row-level security applies.

The scope is bound once, when the request's session is created (STYLE.md habit 5); this listener
then sets it at the start of every transaction that session opens. The settings are
transaction-local (`set_config(..., true)`), so a pooled connection never carries one request's
tenant into the next, and they work behind PgBouncer in transaction mode (FIELD-NOTES.md, RLS).
"""

from __future__ import annotations

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

from service.tenants.scope import NO_SCOPE, Scope

SCOPE_INFO_KEY = "casework.scope"

_BIND = text(
    "SELECT set_config('app.tenant_id', :tenant_id, true),"
    " set_config('app.partner_organisation_id', :organisation_id, true)"
)


class ScopedSession(Session):
    """The sync session behind each request's AsyncSession; carries its Scope in `info`."""


def scope_of(session: Session) -> Scope:
    return session.info.get(SCOPE_INFO_KEY, NO_SCOPE)


@event.listens_for(ScopedSession, "after_begin")
def _bind_scope(session: Session, _transaction: SessionTransaction, connection: Connection) -> None:
    scope = scope_of(session)
    connection.execute(
        _BIND,
        {
            "tenant_id": str(scope.tenant_id or ""),
            "organisation_id": str(scope.partner_organisation_id or ""),
        },
    )
