"""Trusted documents: in this mode only registered GraphQL documents run (by SHA-256 of their
text), so a stolen partner token cannot be used to explore the API with documents of its own.

Registering is a deploy step: `service documents register portal/*.graphql` adds the documents
a portal release uses to the manifest (TRUSTED_DOCUMENTS_FILE), which ships with the service.
Clients send either the registered text as `query` or only its id as `documentId`
("sha256:<hex>"), or in Apollo's persisted-query form
(`extensions.persistedQuery.sha256Hash`).

A manifest entry is the document's text, or `{"text": …, "label": …}`: the label is the
portal's German name for the occasion ("Fallübersicht"), which the Auskunft shows the client
instead of the operation name a caller chooses. `register` takes it from a first line
`# Anlass: Fallübersicht` of the document file. Requests running a registered document are
recorded in the audit by the document's id, in every mode.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from service.identity.actor import Actor
from service.identity.roles import ActorKind


class TrustMode(StrEnum):
    OFF = "off"  # every valid document runs (development, staff portals in a trusted network)
    PARTNERS = "partners"  # partner users may run registered documents only
    ALL = "all"  # everyone may run registered documents only


class DocumentNotTrusted(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def document_id(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


LABEL_LINE = "# Anlass:"


def _entries(manifest: Path | None) -> dict[str, str | dict[str, str]]:
    return json.loads(manifest.read_text()) if manifest and manifest.exists() else {}


def _text(entry: str | dict[str, str]) -> str:
    return entry if isinstance(entry, str) else entry["text"]


def occasion_labels(manifest: Path | None) -> dict[str, str]:
    """Document id → its German label, for the documents registered with one. Read once per
    version of the manifest (it ships with a release)."""
    if manifest is None or not manifest.exists():
        return {}
    return _labels(manifest, manifest.stat().st_mtime_ns)


@cache
def _labels(manifest: Path, _version: int) -> dict[str, str]:
    return {
        key: entry["label"]
        for key, entry in _entries(manifest).items()
        if isinstance(entry, dict) and entry.get("label")
    }


class TrustedDocuments:
    def __init__(self, mode: TrustMode, documents: dict[str, str]) -> None:
        self.mode = mode
        self._documents = documents

    @classmethod
    def load(cls, mode: TrustMode, manifest: Path | None) -> TrustedDocuments:
        documents = {key: _text(entry) for key, entry in _entries(manifest).items()}
        if mode is not TrustMode.OFF and not documents:
            raise ValueError("trusted-documents mode needs a manifest with registered documents")
        return cls(mode, documents)

    def registered_id(self, text: str | None) -> str | None:
        """The id of a registered document with exactly this text, for the audit record."""
        if not self._documents or not isinstance(text, str):
            return None
        key = document_id(text)
        return key if key in self._documents else None

    def enforced_for(self, actor: Actor) -> bool:
        if self.mode is TrustMode.ALL:
            return True
        return self.mode is TrustMode.PARTNERS and actor.kind is ActorKind.PARTNER

    def resolve(self, body: dict[str, Any]) -> dict[str, Any]:
        """The request body with the registered document as its query, or DocumentNotTrusted."""
        wanted = _requested_id(body)
        if wanted is None:
            query = body.get("query")
            if not isinstance(query, str):
                raise DocumentNotTrusted("send a registered document (query or documentId)")
            wanted = document_id(query)
        text = self._documents.get(wanted)
        if text is None:
            raise DocumentNotTrusted("only registered documents are accepted in this mode")
        return {**body, "query": text}


def _requested_id(body: dict[str, Any]) -> str | None:
    if isinstance(body.get("documentId"), str):
        return body["documentId"]
    persisted = (body.get("extensions") or {}).get("persistedQuery") or {}
    if isinstance(persisted.get("sha256Hash"), str):
        return "sha256:" + persisted["sha256Hash"]
    return None


def register(manifest: Path, documents: list[Path]) -> list[tuple[str, Path]]:
    """Add documents to the manifest; return (id, file) for each, for the deploy log."""
    known = _entries(manifest)
    added = []
    for path in documents:
        text = path.read_text()
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        label = first.removeprefix(LABEL_LINE).strip() if first.startswith(LABEL_LINE) else ""
        known[document_id(text)] = {"text": text, "label": label} if label else text
        added.append((document_id(text), path))
    manifest.write_text(json.dumps(known, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return added
