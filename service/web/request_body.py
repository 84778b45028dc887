"""A request body checked for its shape before anything converts it: a JSON object, nested no
deeper and with lists no longer than any input of the schema needs, every string under the text
policy (service/text_policy.py). Refused bodies cost a parse and one walk, and change nothing.

Measured before (issue 15): a `proposeCase` with 190,000 profiling items blocked the service for
2.6 s before the 30-item limit was checked; JSON nested 100,000 deep in variables crashed the
view's parser (HTTP 500).
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from service.text_policy import TextRefused, checked_text

# The deepest input (a proposal's profiling items: variables → input → items → item) is 4;
# the longest list an input takes is a consent's categories or a proposal's 30 items.
MAX_DEPTH = 16
MAX_LIST_LENGTH = 500


@dataclass(frozen=True, slots=True)
class BodyRefused(Exception):
    code: str
    message: str
    message_de: str
    field: str | None = None


def checked_body(raw: bytes) -> bytes:
    """The body as the GraphQL view is to see it (strings in NFC), or BodyRefused."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise _unreadable(str(error)) from None
    if not isinstance(body, dict):
        raise BodyRefused(
            "BAD_REQUEST",
            "the body must be a JSON object with a query",
            "der Inhalt muss ein JSON-Objekt mit einer Abfrage sein",
        )
    # The document is a string like any other (GraphQL's own syntax is ASCII, so its NFC form
    # changes only literals); escapes inside literals are the text rule's (schema/text_rule.py).
    return orjson.dumps({key: _checked(value, key) for key, value in body.items()})


def _unreadable(reason: str) -> BodyRefused:
    if "depth limit" in reason:
        return _too_deep("body")
    if "surrogate" in reason:
        return BodyRefused(
            "VALIDATION",
            "the body contains a lone surrogate, which is no character",
            "der Inhalt enthält ein einzelnes Surrogat, das kein Zeichen ist",
        )
    return BodyRefused(
        "BAD_REQUEST", "the body is not valid JSON", "der Inhalt ist kein gültiges JSON"
    )


def _too_deep(field: str) -> BodyRefused:
    return BodyRefused(
        "INPUT_TOO_DEEP",
        f"{field} is nested deeper than {MAX_DEPTH} levels",
        f"{field} ist tiefer als {MAX_DEPTH} Ebenen verschachtelt",
        field,
    )


def _checked(value: object, path: str, depth: int = 1) -> object:
    if depth > MAX_DEPTH:
        raise _too_deep(path)
    if isinstance(value, str):
        try:
            return checked_text(value, path)
        except TextRefused as refused:
            raise BodyRefused("VALIDATION", refused.message, refused.message_de, path) from None
    if isinstance(value, dict):
        return {key: _checked(item, f"{path}.{key}", depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        if len(value) > MAX_LIST_LENGTH:
            raise BodyRefused(
                "INPUT_TOO_LARGE",
                f"{path} has more than {MAX_LIST_LENGTH} entries",
                f"{path} hat mehr als {MAX_LIST_LENGTH} Einträge",
                path,
            )
        return [_checked(item, f"{path}.{index}", depth + 1) for index, item in enumerate(value)]
    return value
