"""The plans of the registered documents, each compiled on its first request and kept for the
life of the process (the manifest ships with a release)."""

from __future__ import annotations

import strawberry

from service.compiled.compiler import compile_document
from service.compiled.plan import DocumentPlan


class CompiledDocuments:
    def __init__(self, schema: strawberry.Schema) -> None:
        self._schema = schema
        self._plans: dict[str, DocumentPlan | None] = {}

    def plan_for(self, key: str, text: str) -> DocumentPlan | None:
        """The plan of the registered document `key` (its text `text`); None where the generic
        path runs it."""
        if key not in self._plans:
            self._plans[key] = compile_document(text, self._schema)
        return self._plans[key]
