"""The GraphQL schema, assembled from one small Query (and later Mutation) class per domain.

Each domain keeps its types, queries, mutations and dataloaders in its own folder here; this
module only joins them and fixes the schema-wide extensions.
"""

from __future__ import annotations

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.tools import merge_types

from service.schema.errors import ErrorShaping
from service.schema.identity.queries import IdentityQuery

Query = merge_types("Query", (IdentityQuery,))


class CaseworkSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Strawberry would log every error with the document around it, and documents can carry
        # personal data as literals. ErrorShaping logs faults, by id and stack only.
        return None


def build_schema() -> strawberry.Schema:
    return CaseworkSchema(
        query=Query,
        extensions=[
            # Parsing and validation were half of a small request's time (FIELD-NOTES.md).
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            ErrorShaping,
        ],
    )


schema = build_schema()
