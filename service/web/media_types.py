"""Which media type a GraphQL response is sent as: content negotiation of the GraphQL-over-HTTP
specification (graphql.github.io/graphql-over-http, draft of 2025).

`application/graphql-response+json` lets a client tell a request error (the document does not
parse or validate: 4xx) from a response with data (2xx); `application/json` answers 200 for
both, as every client written before it expects. The new type is chosen only when the client
names it: a client sending `*/*` (curl, httpx, most libraries) or no Accept at all keeps getting
`application/json`, as the specification advises during its "watershed".
"""

from __future__ import annotations

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def negotiate(accept: str | None) -> str | None:
    """The media type to answer with, or None when the client accepts neither (406)."""
    if accept is None or not accept.strip():
        return JSON
    ranges = _ranges(accept)
    graphql_q = ranges.get(GRAPHQL_RESPONSE, 0.0)
    json_q = next(
        (ranges[r] for r in (JSON, "application/*", "*/*") if r in ranges),
        0.0,
    )
    if graphql_q == 0.0 and json_q == 0.0:
        return None
    return GRAPHQL_RESPONSE if graphql_q >= json_q else JSON


def _ranges(accept: str) -> dict[str, float]:
    """Media range → its quality; a range with a malformed quality is left out."""
    ranges: dict[str, float] = {}
    for item in accept.split(",")[:32]:  # a header of hundreds of ranges is not a client's
        media, *parameters = (part.strip() for part in item.split(";"))
        if not media:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = -1.0
        if 0.0 <= quality <= 1.0:
            ranges[media.lower()] = quality
    return ranges
