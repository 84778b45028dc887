"""Field codes back to names: an entry's `fields` is a bitmask into its jobcenter's dictionary of
field names per object kind (`audit_fields`, append-only, so old masks keep their meaning)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from service.audit.models import FIELD_BITS, AuditField

Executor = AsyncSession | AsyncConnection


class UnknownFieldCode(LookupError):
    """A mask names a bit its dictionary does not (the dictionary lost a row, or the mask was
    changed). Verification reports it; the Auskunft cannot be built from such a record."""


@dataclass(frozen=True, slots=True)
class FieldNames:
    by_kind: dict[int, dict[int, str]]

    @classmethod
    async def load(cls, db: Executor, tenant_id: uuid.UUID) -> FieldNames:
        rows = await db.execute(
            select(AuditField.kind, AuditField.bit, AuditField.name).where(
                AuditField.tenant_id == tenant_id
            )
        )
        by_kind: dict[int, dict[int, str]] = {}
        for kind, bit, name in rows.all():
            by_kind.setdefault(kind, {})[bit] = name
        return cls(by_kind)

    def decode(self, kind: int, mask: int) -> list[str]:
        """The field names of a mask, in code-point order (as the chain hashes them)."""
        bits = self.by_kind.get(kind, {})
        names = []
        for bit in range(FIELD_BITS):
            if mask >> bit & 1:
                if bit not in bits:
                    raise UnknownFieldCode(kind, bit)
                names.append(bits[bit])
        if mask >> FIELD_BITS or mask < 0:
            raise UnknownFieldCode(kind, FIELD_BITS)
        return sorted(names)
