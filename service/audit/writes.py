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
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from service.audit.models import AUDIT_MODELS
from service.cases.models import Case
from service.clients.models import Client
from service.consent.models import Consent, ConsentRevocation
from service.policy.facts import ObjectFlag
from service.referrals.models import Referral
from service.tenants.binding import ScopedSession

GUARD_INFO_KEY = "casework.guard"
NOT_CLIENT_DATA = AUDIT_MODELS
# How to find the client an object is about, for objects that do not name it themselves.
_OWNER_OF: tuple[tuple[str, type, str], ...] = (
    ("case_id", Case, "client_id"),
    ("referral_id", Referral, "client_id"),
    ("consent_id", Consent, "client_id"),
)


# Rows that are the withdrawal of a consent: a fact the restriction rule asks about.
_WITHDRAWALS = (ConsentRevocation,)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@event.listens_for(ScopedSession, "after_flush")
def _record_writes(session: Session, _flush: UOWTransaction) -> None:
    guard = session.info.get(GUARD_INFO_KEY)
    if guard is None:  # seeding, migrations, test set-up: no request to record for
        return
    changed = [(obj, _changed_fields(obj, obj in session.new)) for obj in _written(session)]
    changed = [(obj, fields) for obj, fields in changed if fields]
    owners = _owners(session, (obj for obj, _ in changed))
    for obj, fields in changed:
        subject = _subject_of(obj, owners)
        if subject is not None:
            guard.record_change(
                tenant_id=obj.tenant_id,
                subject_id=subject,
                object_type=obj.__tablename__,
                object_id=_id_of(obj),
                fields={camel(field) for field in fields},
            )


@event.listens_for(ScopedSession, "before_flush")
def _refuse_writes_under_restriction(session: Session, _flush: UOWTransaction, _objects) -> None:
    guard = session.info.get(GUARD_INFO_KEY)
    if guard is None or not guard.restricted_subjects:
        return  # no request, or nobody in scope is restricted: nothing to ask
    written = [obj for obj in _written(session) if _changed_fields(obj, obj in session.new)]
    owners = _owners(session, written)
    for obj in written:
        subject = _subject_of(obj, owners)
        # A row whose parent is new in this flush names no stored owner yet; the parent is
        # written in the same flush and answers for it.
        if subject is not None:
            flags = (
                frozenset({ObjectFlag.CONSENT_WITHDRAWAL})
                if isinstance(obj, _WITHDRAWALS)
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
    return fields - {"tenant_id", "id", "version", "created_at"}


def _owners(session: Session, objects: Iterable[object]) -> dict[tuple[str, uuid.UUID], uuid.UUID]:
    """One query per kind of parent, however many objects were written."""
    wanted: dict[str, set[uuid.UUID]] = {}
    for obj in objects:
        for column, _, _ in _OWNER_OF:
            if not hasattr(obj, "client_id") and getattr(obj, column, None) is not None:
                wanted.setdefault(column, set()).add(getattr(obj, column))
    found: dict[tuple[str, uuid.UUID], uuid.UUID] = {}
    connection = session.connection()
    for column, model, owner in _OWNER_OF:
        ids = wanted.get(column)
        if ids:
            rows = connection.execute(
                select(model.id, getattr(model, owner)).where(model.id.in_(ids))
            )
            found.update({(column, row[0]): row[1] for row in rows})
    return found


def _subject_of(obj: object, owners: dict[tuple[str, uuid.UUID], uuid.UUID]) -> uuid.UUID | None:
    if isinstance(obj, Client):
        return obj.id
    if getattr(obj, "client_id", None) is not None:
        return obj.client_id
    for column, _, _ in _OWNER_OF:
        parent = getattr(obj, column, None)
        if parent is not None and (column, parent) in owners:
            return owners[(column, parent)]
    return None


def _id_of(obj: object) -> uuid.UUID:
    return getattr(obj, "id", None) or obj.consent_id
