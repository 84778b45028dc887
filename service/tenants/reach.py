"""Which partner organisations reach a row: `reached_by`, kept on the row itself.

A partner organisation reads a client's rows only through a referral made to it, open or ended
(which fields of them is the guard's and the consent's business). Row-level security used to
derive that at read time, `EXISTS (SELECT … FROM referrals …)` in every partner policy; Citus
refuses any subquery in a policy of a distributed table, and a trigger or policy function that
reads another table is a nested distributed query on the workers, refused as well
(docs/scale-out.md, "Partner visibility without subqueries", option (b)). So the organisations
are written on the rows, and the policies compare the row alone:
`app_current_partner_organisation() = ANY (reached_by)` (migration 0007).

The arrays are kept right here, at the session's flush, whatever service, seed or factory adds
the rows — not by a trigger (above):

- a new referral appends its organisation, in the same transaction, to its client, the client's
  restrictions, its case and every row of the case's content (`array_append` only where absent:
  the reach only grows, as it did with the EXISTS);
- a new row of a case's content copies its case's array, a new restriction its client's.

A missed copy hides a row from the partner (fail-closed); a wrong append would open one.
tests/tenants/test_reach.py compares every array with what `referrals` gives, table by table.
Only ORM writes pass here: a statement inserting such rows by hand (bench/datagen.py) must
fill the arrays itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import cache
from typing import Any, Final

from sqlalchemy import Table, bindparam, event, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column

from service.db.base import READ_BY_POLICIES_ONLY, Base
from service.policy.data_map import not_personal

REACHED_BY: Final = "reached_by"
REFERRALS: Final = "referrals"
CLIENTS: Final = "clients"
CASES: Final = "cases"
CONSENTS: Final = "consents"
REVOCATIONS: Final = "consent_revocations"


def reach_column() -> Mapped[list[uuid.UUID] | None]:
    """The partner organisations that reach the row through a referral; NULL while none does.
    A copy of its referrals' `partner_organisation_id`, a key, and classified as that key is:
    kept on erasure, with the referrals it copies (they stay, service/clients/erasure.py)."""
    return mapped_column(
        ARRAY(UUID(as_uuid=True)),
        nullable=True,
        info={
            **not_personal(
                "the partner organisations reaching the row: its referrals'"
                " partner_organisation_id (a key), copied for row-level security; kept as the"
                " referrals are"
            ),
            READ_BY_POLICIES_ONLY: True,
        },
    )


def reached_tables() -> tuple[Table, ...]:
    """Every table with the column, read from the models each time (not cached: a model
    imported after the first referral would be missed for good)."""
    return tuple(table for table in Base.metadata.sorted_tables if REACHED_BY in table.c)


def parent_of(table: Table) -> tuple[str, str] | None:
    """Whose array a new row copies, as (parent table, the row's column naming it): a case's
    content its case's, a restriction its client's. Clients and cases are reached by the
    referral itself (its `client_id`, its `case_id`) and start with none."""
    if table.name in (CLIENTS, CASES):
        return None
    if "case_id" in table.c:
        return CASES, "case_id"
    return CLIENTS, "client_id"


def reached_through(table: Table) -> tuple[str, str]:
    """How a referral reaches the rows of `table`: (the referral's column, the row's column it
    is matched with) — a root by its own id, a content row or restriction by its parent's."""
    parent = parent_of(table)
    if parent is None:
        return ("client_id" if table.name == CLIENTS else "case_id"), "id"
    return parent[1], parent[1]


def _table_of(obj: object) -> Table | None:
    table = getattr(obj, "__table__", None)
    return table if isinstance(table, Table) else None


@event.listens_for(Session, "before_flush")
def _copy_to_new_rows(session: Session, _flush: UOWTransaction, _objects: Any) -> None:
    """A new row of a reached table copies its parent's array, read from the database (an
    append earlier in this transaction went there, not into loaded objects). A parent new in
    this flush has none yet; a referral in the same flush appends after the inserts."""
    wanted: dict[str, list[Any]] = {}
    for obj in session.new:
        table = _table_of(obj)
        # Whatever the row was given is replaced: this is the one writer of the arrays.
        if table is None or REACHED_BY not in table.c:
            continue
        parent = parent_of(table)
        if parent is None:
            obj.reached_by = None  # a new client or case: reached once a referral names it
        else:
            wanted.setdefault(parent[0], []).append((obj, parent[1]))
    if not wanted:
        return
    connection = session.connection()
    for parent_name, rows in wanted.items():
        arrays = _arrays(
            connection,
            Base.metadata.tables[parent_name],
            {(obj.tenant_id, getattr(obj, column)) for obj, column in rows},
        )
        for obj, column in rows:
            obj.reached_by = arrays.get((obj.tenant_id, getattr(obj, column)))


def _arrays(
    connection: Connection, parent: Table, keys: Iterable[tuple[uuid.UUID, uuid.UUID]]
) -> dict[tuple[uuid.UUID, uuid.UUID], list[uuid.UUID]]:
    rows = connection.execute(
        select(parent.c.tenant_id, parent.c.id, parent.c.reached_by).where(
            tuple_(parent.c.tenant_id, parent.c.id).in_(list(keys)),
            parent.c.reached_by.is_not(None),
        )
    )
    return {(row.tenant_id, row.id): row.reached_by for row in rows}


@event.listens_for(Session, "before_flush")
def _revocations_name_their_grantee(session: Session, _flush: UOWTransaction, _o: Any) -> None:
    """A new revocation carries its consent's grantee, read from the consent, whatever it was
    given. The partner's policy on revocations compares that column (migration 0007), and the
    foreign key accepts NULL: a revocation stored without it would be invisible to the partner,
    whose consent would then read as active — open, not closed. So no caller sets it."""
    new = [obj for obj in session.new if getattr(obj, "__tablename__", None) == REVOCATIONS]
    if not new:
        return
    grantees = {  # a consent new in the same flush is not in the database yet
        (obj.tenant_id, obj.id): obj.grantee_organisation_id
        for obj in session.new
        if getattr(obj, "__tablename__", None) == CONSENTS
    }
    keys = {(obj.tenant_id, obj.consent_id) for obj in new} - grantees.keys()
    if keys:
        consents = Base.metadata.tables[CONSENTS]
        rows = session.connection().execute(
            select(consents.c.tenant_id, consents.c.id, consents.c.grantee_organisation_id).where(
                tuple_(consents.c.tenant_id, consents.c.id).in_(list(keys))
            )
        )
        grantees.update({(row.tenant_id, row.id): row.grantee_organisation_id for row in rows})
    for obj in new:
        obj.grantee_organisation_id = grantees.get((obj.tenant_id, obj.consent_id))


@event.listens_for(Session, "after_flush")
def _append_new_referrals(session: Session, _flush: UOWTransaction) -> None:
    """Each new referral's organisation onto every row it reaches, after the inserts (so rows
    added in the same flush get it too). One UPDATE a table, naming the jobcenter, so on Citus
    each goes to one shard."""
    referrals = [obj for obj in session.new if getattr(obj, "__tablename__", None) == REFERRALS]
    if not referrals:
        return
    connection = session.connection()
    for referral in referrals:
        for table in reached_tables():
            connection.execute(
                _append(table),
                {
                    "tenant": referral.tenant_id,
                    "key": getattr(referral, reached_through(table)[0]),
                    "organisation": referral.partner_organisation_id,
                },
            )


@cache
def _append(table: Table) -> Any:
    organisation = bindparam("organisation", type_=UUID(as_uuid=True))
    column = table.c.reached_by
    return (
        update(table)
        .where(
            table.c.tenant_id == bindparam("tenant"),
            table.c[reached_through(table)[1]] == bindparam("key"),
            # Only where absent (array_position is NULL then, and on a NULL array): the array
            # is a set, grown once per organisation.
            func.array_position(column, organisation).is_(None),
        )
        .values({REACHED_BY: func.array_append(column, organisation, type_=column.type)})
    )
