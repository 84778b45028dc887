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

The manifest may also be Apollo's persisted-query manifest or GraphQL Codegen's
`persisted-documents.json` (service/web/manifests.py): their documents run by the ids those
manifests give them, and by the service's own id, so the audit names them alike.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from service.identity.actor import Actor
from service.identity.roles import ActorKind
from service.web.manifests import ManifestError, Registered, document_id, read_manifest


class TrustMode(StrEnum):
    OFF = "off"  # every valid document runs (development, staff portals in a trusted network)
    PARTNERS = "partners"  # partner users may run registered documents only
    ALL = "all"  # everyone may run registered documents only


class DocumentNotTrusted(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


LABEL_LINE = "# Anlass:"


def occasion_labels(manifest: Path | None) -> dict[str, str]:
    """Document id → its German label, for the documents registered with one. Read once per
    version of the manifest (it ships with a release)."""
    if manifest is None or not manifest.exists():
        return {}
    return _labels(manifest, manifest.stat().st_mtime_ns)


@cache
def _labels(manifest: Path, _version: int) -> dict[str, str]:
    return {
        document_id(document.text): document.label
        for document in read_manifest(manifest).documents.values()
        if document.label
    }


class TrustedDocuments:
    def __init__(self, mode: TrustMode, documents: dict[str, str]) -> None:
        self.mode = mode
        self._documents = documents

    @classmethod
    def load(cls, mode: TrustMode, manifest: Path | None) -> TrustedDocuments:
        documents: dict[str, str] = {}
        for key, document in read_manifest(manifest).documents.items():
            documents[key] = document.text
            documents[document_id(document.text)] = document.text
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
        wanted = _requested_ids(body)
        if not wanted:
            query = body.get("query")
            if not isinstance(query, str):
                raise DocumentNotTrusted("send a registered document (query or documentId)")
            wanted = (document_id(query),)
        text = next((self._documents[key] for key in wanted if key in self._documents), None)
        if text is None:
            raise DocumentNotTrusted("only registered documents are accepted in this mode")
        return {**body, "query": text}


def _requested_ids(body: dict[str, Any]) -> tuple[str, ...]:
    """The ids a request names its document by: as sent, and for Apollo's hash also in the
    service's own form."""
    if isinstance(body.get("documentId"), str):
        return (body["documentId"],)
    extensions = body.get("extensions")
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
        return (persisted["sha256Hash"], "sha256:" + persisted["sha256Hash"])
    return ()


def register(manifest: Path, documents: list[Path]) -> list[tuple[str, Path]]:
    """Add documents to the manifest; return (id, file) for each, for the deploy log."""
    read = read_manifest(manifest)
    if read.apollo:
        raise ManifestError(
            f"{manifest} is an Apollo persisted-query manifest: regenerate it with the "
            "portal's tooling; `register` writes the service's own form"
        )
    registered = dict(read.documents)
    added = []
    for path in documents:
        text = path.read_text()
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        label = first.removeprefix(LABEL_LINE).strip() if first.startswith(LABEL_LINE) else ""
        registered[document_id(text)] = Registered(text, label)
        added.append((document_id(text), path))
    known = {
        key: {"text": entry.text, "label": entry.label} if entry.label else entry.text
        for key, entry in registered.items()
    }
    manifest.write_text(json.dumps(known, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return added
