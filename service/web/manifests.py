"""The trusted-documents manifest, in the three forms portals produce it, read once at start.

- **The service's own** (`service documents register`): `{"sha256:<hex>": text}` or
  `{"sha256:<hex>": {"text": …, "label": …}}`, the label being the German occasion the Auskunft
  shows.
- **GraphQL Codegen's client preset** (`persistedDocuments: true`, `persisted-documents.json`):
  `{"<hash>": text}`, the hash the SHA-1 (its default) or SHA-256 hex of the text; clients send
  it as `documentId`.
- **Apollo's persisted-query manifest** (`@apollo/generate-persisted-query-manifest`):
  `{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "name",
  "type", "body"}]}`, the id by default the SHA-256 hex of the body; clients send it as
  `extensions.persistedQuery.sha256Hash`.

Ids are kept as the manifest gives them. Where an id has the form of a hash (`sha256:` and 64
hex digits, 64 hex digits, or 40 for SHA-1) it must be the hash of its text, or the service does
not start: a manifest whose ids and texts disagree was edited by hand or built from other
sources than the release's. Other ids (a portal's own id function) are taken as given. Anything
else — another format, another version, an entry without text — stops the start too, rather
than loading and matching nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

APOLLO_FORMAT = "apollo-persisted-query-manifest"
_HEX = re.compile(r"[0-9a-fA-F]+")


class ManifestError(ValueError):
    """The manifest cannot be read as one of the known forms; the message says why."""


@dataclass(frozen=True, slots=True)
class Registered:
    text: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class Manifest:
    apollo: bool
    documents: dict[str, Registered]
    """Document id, as the manifest gives it → the document."""


def document_id(text: str) -> str:
    """The service's own id of a document: what `register` writes and the audit records."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def read_manifest(path: Path | None) -> Manifest:
    if path is None or not path.exists():
        return Manifest(apollo=False, documents={})
    try:
        data = json.loads(path.read_text())
    except ValueError:
        raise ManifestError(f"{path}: not a JSON manifest") from None
    if isinstance(data, dict) and "format" in data:
        return Manifest(apollo=True, documents=_apollo(path, data))
    if isinstance(data, dict):
        return Manifest(apollo=False, documents=_flat(path, data))
    raise ManifestError(f"{path}: a manifest is a JSON object (id → document, or Apollo's)")


def _apollo(path: Path, data: dict[str, Any]) -> dict[str, Registered]:
    if data.get("format") != APOLLO_FORMAT or data.get("version") != 1:
        raise ManifestError(
            f"{path}: unknown manifest format {data.get('format')!r} version "
            f"{data.get('version')!r}; known: {APOLLO_FORMAT} version 1"
        )
    operations = data.get("operations")
    if not isinstance(operations, list):
        raise ManifestError(f"{path}: an Apollo manifest lists its operations")
    documents = {}
    for number, operation in enumerate(operations, start=1):
        if not (
            isinstance(operation, dict)
            and isinstance(operation.get("id"), str)
            and isinstance(operation.get("body"), str)
        ):
            raise ManifestError(f"{path}: operation {number} has no id and body")
        documents[operation["id"]] = Registered(_verified(path, operation["id"], operation["body"]))
    return documents


def _flat(path: Path, data: dict[str, Any]) -> dict[str, Registered]:
    documents = {}
    for key, entry in data.items():
        if isinstance(entry, str):
            documents[key] = Registered(_verified(path, key, entry))
        elif isinstance(entry, dict) and isinstance(entry.get("text"), str):
            label = entry.get("label") or ""
            documents[key] = Registered(_verified(path, key, entry["text"]), str(label))
        else:
            raise ManifestError(f"{path}: entry {key[:80]!r} is not a document's text")
    return documents


def _verified(path: Path, key: str, text: str) -> str:
    algorithm, _, digest = key.rpartition(":") if key.startswith("sha256:") else ("", "", key)
    if not _HEX.fullmatch(digest):
        return text  # a portal's own id: nothing to check it against
    if algorithm == "sha256" or len(digest) == 64:
        expected = hashlib.sha256(text.encode()).hexdigest()
    elif len(digest) == 40:
        expected = hashlib.sha1(text.encode()).hexdigest()  # Codegen's default hash
    else:
        return text
    if digest.lower() != expected:
        raise ManifestError(f"{path}: document {key[:80]!r} is not the hash of its text")
    return text
