"""Keyset cursors over (created_at, id): opaque to portals, stable under inserts, and a page
costs the same however deep it is. One codec for every list (cases, referrals)."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime

from service.errors import ValidationFailed


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{row_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    if cursor is None:
        return None
    try:
        stamp, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(stamp), uuid.UUID(row_id)
    except ValueError:  # also binascii.Error and UnicodeDecodeError
        raise ValidationFailed("after", "invalid cursor", "ungültiger Cursor") from None
