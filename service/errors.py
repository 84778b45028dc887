"""Errors a portal can show: a stable `code`, an English `message` and a German `message_de`.

Anything else that escapes a resolver is a fault: it is logged with an id and answered without
details (see schema/errors.py).
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


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


class Restricted(ServiceError):
    """The client's processing is restricted: the field exists but nobody may read it now."""

    code = "RESTRICTED"

    def __init__(self) -> None:
        super().__init__(
            "processing of this client's data is restricted (Art. 18 GDPR)",
            "die Verarbeitung der Daten dieser Person ist eingeschränkt (Art. 18 DSGVO)",
        )


class NotFound(ServiceError):
    """Unknown id, or one the actor may not see (another jobcenter's, another client's, another
    partner's): one answer, word for word, whatever the kind of id and whoever asks (DESIGN.md:
    "Not yours is one answer"), so no id tells anybody whether the thing exists. The message
    names no kind: which kind a lookup fails on can differ between an id that exists (its
    case found, then refused) and one that does not.

    Raise it through `found` (no row) and `Authorizer.authorize_seen` (a row the actor may not
    see), not by hand."""

    code = "NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("not found", "nicht gefunden")


def found(row: T | None) -> T:
    """The row, or NOT_FOUND: row-level security already hides another jobcenter's rows, so
    another jobcenter's id and a random one end here alike."""
    if row is None:
        raise NotFound()
    return row


class UserError(ServiceError):
    """Input a portal can correct: which field, what is wrong. Returned in mutation payloads."""

    def __init__(self, field: str | None, code: str, message: str, message_de: str) -> None:
        super().__init__(message, message_de)
        self.field = field
        self.code = code


class ValidationFailed(UserError):
    def __init__(self, field: str, message: str, message_de: str) -> None:
        super().__init__(field, "VALIDATION", message, message_de)


class InvalidTransition(UserError):
    """The object's state does not allow this step (closing a closed case, …)."""

    def __init__(self, message: str, message_de: str) -> None:
        super().__init__(None, "INVALID_STATE", message, message_de)


class Conflict(UserError):
    """Someone else changed the object since the caller read it (version check)."""

    def __init__(self) -> None:
        super().__init__(
            "version",
            "CONFLICT",
            "changed by someone else meanwhile; reload and try again",
            "zwischenzeitlich von anderer Stelle geändert; bitte neu laden",
        )


class ProcessingRestricted(UserError):
    """A change to the data of a client whose processing is restricted (Art. 18 GDPR): nothing
    is stored until the data-protection officer lifts the restriction."""

    def __init__(self) -> None:
        super().__init__(
            None,
            "RESTRICTED",
            "processing of this client's data is restricted (Art. 18 GDPR); nothing was changed",
            "die Verarbeitung der Daten dieser Person ist eingeschränkt (Art. 18 DSGVO);"
            " es wurde nichts geändert",
        )


def too_long(field: str, limit: int) -> ValidationFailed:
    return ValidationFailed(
        field, f"at most {limit} characters", f"höchstens {limit} Zeichen erlaubt"
    )


def required(field: str) -> ValidationFailed:
    return ValidationFailed(field, "required", "Pflichtangabe")
