"""Errors a portal can show: a stable `code`, an English `message` and a German `message_de`.

Anything else that escapes a resolver is a fault: it is logged with an id and answered without
details (see schema/errors.py).
"""

from __future__ import annotations


class ServiceError(Exception):
    code = "BAD_REQUEST"

    def __init__(self, message: str, message_de: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_de = message_de


class Forbidden(ServiceError):
    """Not allowed. Says nothing about whether the thing exists (DESIGN.md, Actors)."""

    code = "FORBIDDEN"

    def __init__(self) -> None:
        super().__init__("not allowed", "nicht erlaubt")
