"""Every change to a client's data is recorded, whichever mutation made it: the one place that
sees all writes is the session's flush, so that is where they are noted (which fields of what,
never the values). Reads have their chokepoint in the field guard; writes have this one.

The same place refuses a change to the data of a client whose processing is restricted (Art. 18
GDPR): before the flush, every written row is put to the guard, which asks the policy. The
refusal is a user error (RESTRICTED) raised before any statement is sent; the mutation's
savepoint then drops the pending rows (service/schema/payloads.py), so nothing is stored and,
the flush never having happened, nothing is recorded as written.

Only ORM writes pass here. A bulk statement (erasure blanks texts with UPDATE … WHERE) records
itself explicitly; only the data-protection officer issues one.

The listeners are attached to one session by `record_writes`, where the request's guard and log
are made (service/web/unit_of_work.py, the import command), not to a class at import: a session
without them (seeding, migrations, test set-up) records nothing because nothing listens, not
because a listener found no guard. Attaching both costs ≈ 36 µs a request (a loaded 2-core
machine; a request takes 20 ms or more).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import cache, partial
from typing import TYPE_CHECKING

from sqlalchemy import Table, event, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from service.audit.models import AUDIT_MODELS
from service.audit.object_types import TABLE_OBJECT_TYPES, ObjectType, object_type_of_table
from service.audit.request_log import RequestLog
from service.policy.facts import ObjectFlag
from service.tenants.reach import REACHED_BY

if TYPE_CHECKING:
    from service.policy.guard import RequestGuard

NOT_CLIENT_DATA = AUDIT_MODELS
# Rows that are the withdrawal of a consent: a fact the restriction rule asks about.
_WITHDRAWALS = frozenset({ObjectType.CONSENT_REVOCATION})


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def record_writes(session: Session, *, guard: RequestGuard, log: RequestLog) -> None:
    """From now on every ORM write of `session` is put to `guard` before it is sent (a
    restriction refuses it) and noted in `log` once flushed."""
    event.listen(session, "before_flush", partial(_refuse_writes_under_restriction, guard))
    event.listen(session, "after_flush", partial(_record_writes, log))


def _record_writes(log: RequestLog, session: Session, _flush: UOWTransaction) -> None:
    changed = [(obj, _changed_fields(obj, obj in session.new)) for obj in _written(session)]
    changed = [(obj, fields) for obj, fields in changed if fields]
    owners = _owners(session, (obj for obj, _ in changed))
    for obj, fields in changed:
        subject = _subject_of(obj, owners)
        if subject is not None:
            log.write(
                tenant_id=obj.tenant_id,
                subject_id=subject,
                object_type=object_type_of_table(obj.__tablename__),
                object_id=_id_of(obj),
                fields={camel(field) for field in fields},
            )


def _refuse_writes_under_restriction(
    guard: RequestGuard, session: Session, _flush: UOWTransaction, _objects
) -> None:
    if not guard.restricted_subjects:
        return  # nobody in scope is restricted: nothing to ask
    written = [obj for obj in _written(session) if _changed_fields(obj, obj in session.new)]
    owners = _owners(session, written)
    for obj in written:
        subject = _subject_of(obj, owners)
        # A row whose parent is new in this flush names no stored owner yet; the parent is
        # written in the same flush and answers for it.
        if subject is not None:
            flags = (
                frozenset({ObjectFlag.CONSENT_WITHDRAWAL})
                if TABLE_OBJECT_TYPES.get(obj.__tablename__) in _WITHDRAWALS
                else frozenset()
            )
            guard.admit_change(subject, flags)


def _written(session: Session) -> Iterable[object]:
    for obj in (*session.new, *session.dirty):
        if hasattr(obj, "tenant_id") and not isinstance(obj, NOT_CLIENT_DATA):
            yield obj


def _changed_fields(obj: object, is_new: bool) -> set[str]:
    state = inspect(obj)
    fields = set()
    for attribute in state.mapper.column_attrs:
        history = state.attrs[attribute.key].history
        if history.added and (not is_new or history.added[0] is not None):
            fields.add(attribute.key)
    # The reach is the service's copy of the referrals (service/tenants/reach.py), not a change
    # anyone made to the client's data.
    return fields - {"tenant_id", "id", "version", "created_at", REACHED_BY}


@cache
def _parents_naming_a_client(table: Table) -> tuple[tuple[str, Table], ...]:
    """The columns by which a row without a `client_id` of its own belongs to a client: its
    foreign keys to a parent that names one (a progress report's referral, a revocation's
    consent). Read from the tables' keys, so the audit needs no domain's models."""
    if "client_id" in table.c:
        return ()
    return tuple(
        (key.parent.name, key.column.table)
        for key in table.foreign_keys
        if key.column.name == "id" and "client_id" in key.column.table.c
    )


def _owners(session: Session, objects: Iterable[object]) -> dict[tuple[str, uuid.UUID], uuid.UUID]:
    """One query per kind of parent and jobcenter, however many objects were written. Each
    names its jobcenter (the written rows'), so that on Citus it reads one shard
    (docs/scale-out.md, item 6); a partner's request writes in the referral's."""
    wanted: dict[tuple[str, Table, uuid.UUID], set[uuid.UUID]] = {}
    for obj in objects:
        for column, parent in _parents_naming_a_client(obj.__table__):
            if getattr(obj, column, None) is not None:
                key = (column, parent, obj.tenant_id)
                wanted.setdefault(key, set()).add(getattr(obj, column))
    found: dict[tuple[str, uuid.UUID], uuid.UUID] = {}
    connection = session.connection()
    for (column, parent, tenant_id), ids in wanted.items():
        rows = connection.execute(
            select(parent.c.id, parent.c.client_id).where(
                parent.c.tenant_id == tenant_id, parent.c.id.in_(ids)
            )
        )
        found.update({(column, row[0]): row[1] for row in rows})
    return found


def _subject_of(obj: object, owners: dict[tuple[str, uuid.UUID], uuid.UUID]) -> uuid.UUID | None:
    if TABLE_OBJECT_TYPES.get(obj.__tablename__) is ObjectType.CLIENT:
        return obj.id
    if getattr(obj, "client_id", None) is not None:
        return obj.client_id
    for column, _ in _parents_naming_a_client(obj.__table__):
        parent = getattr(obj, column, None)
        if parent is not None and (column, parent) in owners:
            return owners[(column, parent)]
    return None


def _id_of(obj: object) -> uuid.UUID:
    return getattr(obj, "id", None) or obj.consent_id
