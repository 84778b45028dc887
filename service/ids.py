"""Ids in the API are opaque strings; a malformed one is simply not found. `what` names the kind
of id for the reader of a call; the answer never does (service/errors.py, NotFound)."""

from __future__ import annotations

import uuid

from service.errors import NotFound


def parse_id(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


def parse_optional_id(value: str | None, what: str) -> uuid.UUID | None:
    return None if value is None else parse_id(value, what)
