"""Parsing, cached across requests (strawberry's ParserCache does the same), into a document
whose source remembers where each position is.

graphql-core works out an error's line and column from the document's text, scanning it from
the start for every error. A partner's list of 20 referrals answers 180 FORBIDDEN errors, and
on the generic path those scans were most of graphql-core's 38 % of the request's CPU
(bench/RESULTS.md, W2 generic). Each position is now scanned for once per document.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, Source, SourceLocation, parse
from strawberry.extensions import SchemaExtension

DOCUMENTS_KEPT = 256


class LocatingSource(Source):
    """A document's text that works out each position's line and column once."""

    def __init__(self, body: str) -> None:
        super().__init__(body)
        self._locations: dict[int, SourceLocation] = {}

    def get_location(self, position: int) -> SourceLocation:
        location = self._locations.get(position)
        if location is None:
            location = self._locations[position] = super().get_location(position)
        return location


@lru_cache(maxsize=DOCUMENTS_KEPT)
def _parsed(query: str, options: tuple[tuple[str, Any], ...]) -> DocumentNode:
    return parse(LocatingSource(query), **dict(options))


class DocumentCache(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        options = tuple(sorted(context.parse_options.items()))
        context.graphql_document = _parsed(context.query, options)
        yield
