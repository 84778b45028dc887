"""One audit event: which fields of one object were read or written in one request, by whom,
and on what ground — never a value. Built by the request log (service/audit/request_log.py), by
the console's own records, and by tests and the bench that write chains directly; `encode` turns
requests' events into the typed arrays `audit_append` takes
(migrations/sql/functions/audit_append.sql), `check` refuses what the function would refuse."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from service.audit.models import FIELD_BITS


class AuditAction(StrEnum):
    READ = "read"
    WRITE = "write"


class AuditEvent(NamedTuple):
    """One object's fields seen or changed in one request, on one ground. A named tuple, not a
    frozen dataclass: as immutable, and made for every object a response holds — a frozen
    dataclass's `__init__` took 3.5 µs here, a named tuple 0.8 µs (timeit)."""

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


# The widths of the audit tables' columns (migrations/sql/schema/audit.sql) and of an entry's
# number (smallint): what a request must fit before it is queued or sent.
NAME_MAX = 100
OBJECT_TYPE_MAX = 40
ACTOR_KIND_MAX = 10
ENTRIES_MAX = 32_767


class RecordRefused(ValueError):
    """A request's events that `audit_append` would refuse. Checked before a request joins a
    group-committed batch, so that it fails alone (service/audit/group_commit.py). The message
    names the limit, never a value."""


def check(events: Sequence[AuditEvent]) -> None:
    if len(events) > ENTRIES_MAX:
        raise RecordRefused(f"more than {ENTRIES_MAX} objects in one request")
    # A case list's 100 events carry a few field sets: each is checked once.
    field_sets: set[tuple[str, ...]] = set()
    for event in events:
        if event.fields not in field_sets:
            _check_fields(event.fields)
            field_sets.add(event.fields)
        if not 0 < len(event.object_type) <= OBJECT_TYPE_MAX:
            raise RecordRefused("an object type that is empty or too long")
        if not 0 < len(event.actor_kind) <= ACTOR_KIND_MAX:
            raise RecordRefused("an actor kind that is empty or too long")
        if len(event.basis) > NAME_MAX or len(event.operation) > NAME_MAX:
            raise RecordRefused("a basis or operation that is too long")
        if event.action not in (AuditAction.READ, AuditAction.WRITE):
            raise RecordRefused("an action that is neither read nor write")


def _check_fields(fields: tuple[str, ...]) -> None:
    names = set(fields)
    if len(names) > FIELD_BITS:
        raise RecordRefused(f"more than {FIELD_BITS} fields of one object")
    if any(not name or "," in name or len(name) > NAME_MAX for name in names):
        raise RecordRefused("a field name that is empty, too long or holds a comma")


# The parameters of `audit_append`, in order, and each one's array type.
PARAMETERS = (
    ("link_tenants", "uuid[]"),
    ("link_requests", "uuid[]"),
    ("link_times", "timestamptz[]"),
    ("link_operations", "text[]"),
    ("link_actor_kinds", "text[]"),
    ("link_actors", "uuid[]"),
    ("link_organisations", "uuid[]"),
    ("shape_tenants", "uuid[]"),
    ("shape_actions", "text[]"),
    ("shape_object_types", "text[]"),
    ("shape_fields", "text[]"),
    ("basis_tenants", "uuid[]"),
    ("basis_names", "text[]"),
    ("entry_links", "integer[]"),
    ("entry_shapes", "integer[]"),
    ("entry_bases", "integer[]"),
    ("entry_subjects", "uuid[]"),
    ("entry_objects", "uuid[]"),
)


def encode(requests: Iterable[Sequence[AuditEvent]]) -> dict[str, str]:
    """The arguments of one `audit_append` call for one or more requests' events, each array as
    one text literal (cast in SQL). A request's events make one link per jobcenter; the links of
    two requests stay apart even when their headers are alike. Field sets and bases go once
    each, the field names sorted and once, as they are hashed."""
    links: dict[tuple, int] = {}
    shapes: dict[tuple, int] = {}
    shape_rows: list[tuple[uuid.UUID, str, str, tuple[str, ...]]] = []
    bases: dict[tuple, int] = {}
    basis_rows: list[tuple[uuid.UUID, str]] = []
    entries: list[tuple[int, int, int, uuid.UUID, uuid.UUID]] = []
    # A W1 request is 50 events sharing one header and a few field sets: the previous event's
    # header is compared first (its parts are the same objects), and keys hash the tenant's
    # integer, not the UUID (whose hash is Python code).
    for number, events in enumerate(requests):
        last_header, link = None, 0
        for e in events:
            header = (
                number,
                e.tenant_id,
                e.request_id,
                e.occurred_at,
                e.operation,
                e.actor_kind,
                e.actor_id,
                e.actor_organisation_id,
            )
            if header != last_header:
                link = links.setdefault(header, len(links) + 1)
                last_header = header
            tenant = e.tenant_id.int
            shape_key = (tenant, e.action, e.object_type, e.fields)
            shape = shapes.get(shape_key)
            if shape is None:
                shape = shapes[shape_key] = len(shapes) + 1
                shape_rows.append((e.tenant_id, str(e.action), e.object_type, e.fields))
            basis_key = (tenant, e.basis)
            basis = bases.get(basis_key)
            if basis is None:
                basis = bases[basis_key] = len(bases) + 1
                basis_rows.append((e.tenant_id, e.basis))
            entries.append((link, shape, basis, e.subject_id, e.object_id))
    headers = [header[1:] for header in links]
    return {
        "link_tenants": _plain(h[0] for h in headers),
        "link_requests": _plain(h[1] for h in headers),
        "link_times": _plain(h[2].isoformat() for h in headers),
        "link_operations": _quoted(h[3] for h in headers),
        "link_actor_kinds": _quoted(h[4] for h in headers),
        "link_actors": _plain(h[5] for h in headers),
        "link_organisations": _nullable(h[6] for h in headers),
        "shape_tenants": _plain(s[0] for s in shape_rows),
        "shape_actions": _quoted(s[1] for s in shape_rows),
        "shape_object_types": _quoted(s[2] for s in shape_rows),
        "shape_fields": _quoted(",".join(sorted(set(s[3]))) for s in shape_rows),
        "basis_tenants": _plain(b[0] for b in basis_rows),
        "basis_names": _quoted(b[1] for b in basis_rows),
        "entry_links": _plain(e[0] for e in entries),
        "entry_shapes": _plain(e[1] for e in entries),
        "entry_bases": _plain(e[2] for e in entries),
        "entry_subjects": _plain(e[3] for e in entries),
        "entry_objects": _plain(e[4] for e in entries),
    }


def _plain(values: Iterable[object]) -> str:
    """Ids, numbers and RFC 3339 times: nothing in them an array literal must quote."""
    return "{" + ",".join(map(str, values)) + "}"


def _nullable(values: Iterable[object]) -> str:
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


def _quoted(values: Iterable[str]) -> str:
    """Texts a caller chose (an operation's name, a basis): every element quoted, `\\` and `"`
    escaped, so a comma, brace or the word NULL stays text."""
    return "{" + ",".join(_quote(v) for v in values) + "}"


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
