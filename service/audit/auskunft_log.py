"""The audit records of one client, grouped into occasions (one actor's request, on one ground),
for the Auskunft: entries found by (subject_id, occurred_at), joined to their request's header
and their codes' names; the field masks decoded here, with the jobcenter's field dictionary
loaded once."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, tuple_, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from service.audit.codes import FieldNames
from service.audit.models import AuditBasis, AuditEntry, AuditKind, AuditRequest
from service.clients.models import Client
from service.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class LogRow:
    at: datetime
    request_id: uuid.UUID
    action: str
    basis: str
    operation: str
    actor_kind: str
    actor_id: uuid.UUID
    organisation_id: uuid.UUID | None
    objects: list[dict]  # {"type", "id", "fields": [GraphQL field names]}

    @property
    def cursor(self) -> str:
        key = [self.at.isoformat(), str(self.request_id), self.action, self.basis]
        return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def decode_cursor(cursor: str | None) -> tuple | None:
    if cursor is None:
        return None
    try:
        at, request_id, action, basis = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(at), uuid.UUID(request_id), str(action), str(basis)
    except (ValueError, TypeError, binascii.Error):
        raise ValidationFailed("after", "invalid cursor", "ungültiger Cursor") from None


async def occasion_rows(
    session: AsyncSession,
    client: Client,
    from_: datetime,
    to: datetime,
    first: int | None,
    after: tuple | None,
) -> list[LogRow]:
    e, r = AuditEntry.__table__, AuditRequest.__table__
    k, b = AuditKind.__table__, AuditBasis.__table__
    key = (e.c.occurred_at, r.c.request_id, k.c.action, b.c.name)
    header = (r.c.operation, r.c.actor_kind, r.c.actor_id, r.c.actor_organisation_id)
    objects = func.jsonb_agg(
        func.jsonb_build_array(
            k.c.object_type, func.coalesce(e.c.object_id, e.c.subject_id), e.c.kind, e.c.fields
        )
    )
    query = (
        select(*key, *header, type_coerce(objects, JSONB).label("objects"))
        .select_from(
            e.join(
                r,
                (r.c.tenant_id == e.c.tenant_id)
                & (r.c.seq == e.c.seq)
                & (r.c.occurred_at == e.c.occurred_at),
            )
            .join(k, (k.c.tenant_id == e.c.tenant_id) & (k.c.code == e.c.kind))
            .join(b, (b.c.tenant_id == e.c.tenant_id) & (b.c.code == e.c.basis))
        )
        .where(
            e.c.tenant_id == client.tenant_id,
            e.c.subject_id == client.id,
            e.c.occurred_at >= from_,
            e.c.occurred_at < to,
        )
        .group_by(*key, *header)
        .order_by(*(column.desc() for column in key))
    )
    if after is not None:
        query = query.where(tuple_(*key) < tuple_(*after))
    if first is not None:
        query = query.limit(first + 1)
    rows = (await session.execute(query)).all()
    names = await FieldNames.load(session, client.tenant_id)
    return [
        LogRow(
            *row[:-1],
            objects=[
                {"type": kind_name, "id": object_id, "fields": names.decode(kind, mask)}
                for kind_name, object_id, kind, mask in row.objects
            ],
        )
        for row in rows
    ]
