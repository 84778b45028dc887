"""One audit event: which fields of one object were read or written in one request, by whom,
and on what ground — never a value. The shape `audit_append(jsonb)` takes (one JSON object per
event, keys as the fields below); built by the request log (service/audit/request_log.py), by
the console's own records, and by tests and the bench that write chains directly."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import orjson


class AuditAction(StrEnum):
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    tenant_id: uuid.UUID
    occurred_at: datetime
    request_id: uuid.UUID
    operation: str  # the occasion: a registered document's id, or the endpoint's name
    action: AuditAction
    actor_kind: str
    actor_id: uuid.UUID
    actor_organisation_id: uuid.UUID | None
    subject_id: uuid.UUID  # the client the data is about
    object_type: str  # an ObjectType (service/audit/object_types.py)
    object_id: uuid.UUID
    fields: tuple[str, ...]  # GraphQL field names (reads) or camel-cased columns (writes)
    basis: str  # `consent:<id>`, the actor's relations joined by "+", `change`, `erasure`, …


def encode(events: Iterable[AuditEvent]) -> str:
    """The JSON array for `audit_append`. orjson writes dataclasses, UUIDs and aware datetimes
    (RFC 3339, as `isoformat` does) itself, without a dict per event in between; `str` is for
    the UUIDs asyncpg hands out, a class of its own that orjson does not take for one."""
    return orjson.dumps(list(events), default=str).decode()
