"""What one request read and wrote of clients' data, to be recorded: the audit owns it. The
field guard (service/policy/guard.py) decides what may be read and notes each admitted read
here; the write listener (service/audit/writes.py) notes each stored change; the unit of work
(service/web/unit_of_work.py) turns the log into audit events and appends them in the request's
transaction before anything leaves (DESIGN.md, invariant 3)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from service.audit.event import AuditAction, AuditEvent
from service.identity.actor import Actor

# The columns' widths in the audit dictionaries: a longer occasion or basis is cut, not refused,
# so that no request fails for a name it chose.
OPERATION_MAX = 100
BASIS_MAX = 100


class LoggedObject(NamedTuple):
    """One object of a client's data, seen or changed on one ground: one audit event. (The
    log's key for every object a response holds: a named tuple hashes in C.)"""

    tenant_id: uuid.UUID
    subject_id: uuid.UUID
    object_type: str
    object_id: uuid.UUID
    basis: str
    action: AuditAction = AuditAction.READ


@dataclass(frozen=True, slots=True)
class LogCounts:
    objects_read: int
    fields_read: int
    fields_written: int


class RequestLog:
    """One event per object and ground: a list of 50 cases is 50 objects' worth of fields."""

    def __init__(self) -> None:
        self.entries: dict[LoggedObject, set[str]] = {}
        self._wrote = False

    def read(
        self,
        *,
        tenant_id: uuid.UUID,
        subject_id: uuid.UUID,
        object_type: str,
        object_id: uuid.UUID,
        basis: str,
    ) -> set[str]:
        """The set the fields read of this object on this ground go into. The guard holds on to
        it and adds each field as it resolves (no lookup per field)."""
        key = LoggedObject(tenant_id, subject_id, object_type, object_id, basis)
        fields = self.entries.get(key)
        if fields is None:
            fields = self.entries[key] = set()
        return fields

    def write(
        self,
        *,
        tenant_id: uuid.UUID,
        subject_id: uuid.UUID,
        object_type: str,
        object_id: uuid.UUID,
        fields: set[str],
        basis: str = "change",
    ) -> None:
        """A change to a client's data: which fields of what (never the old or new values).
        Noted for every ORM write by service/audit/writes.py, and by bulk changes directly."""
        key = LoggedObject(
            tenant_id, subject_id, object_type, object_id, basis, action=AuditAction.WRITE
        )
        self.entries.setdefault(key, set()).update(fields)
        self._wrote = True

    @property
    def wrote(self) -> bool:
        """Whether a change was noted: the request is a write, whose records go with it."""
        return self._wrote

    def counts(self) -> LogCounts:
        read = [len(f) for k, f in self.entries.items() if k.action is AuditAction.READ]
        written = sum(len(f) for k, f in self.entries.items() if k.action is AuditAction.WRITE)
        return LogCounts(objects_read=len(read), fields_read=sum(read), fields_written=written)

    def events(
        self, *, actor: Actor, request_id: str, operation: str, occurred_at: datetime
    ) -> list[AuditEvent]:
        request = uuid.UUID(request_id)
        operation = operation[:OPERATION_MAX]
        kind = str(actor.kind)
        organisation = actor.organisation_id or None
        # Positional, from the keys unpacked: made for every object a response held (100 a
        # case list), keywords and attribute lookups were most of the cost.
        return [
            AuditEvent(
                tenant_id,
                occurred_at,
                request,
                operation,
                action,
                kind,
                actor.user_id,
                organisation,
                subject_id,
                object_type,
                object_id,
                tuple(sorted(fields)),
                basis[:BASIS_MAX],
            )
            for (tenant_id, subject_id, object_type, object_id, basis, action), fields in (
                self.entries.items()
            )
        ]
