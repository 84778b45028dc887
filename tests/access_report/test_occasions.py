"""Occasions in the Auskunft come from the trusted-documents manifest: a document registered
with `# Anlass: …` carries that German label; manifests of the older form (id → text) still
load; a request is recognised as registered by its exact text only."""

from __future__ import annotations

import json

from service.web.trusted_documents import (
    TrustedDocuments,
    TrustMode,
    document_id,
    occasion_labels,
    register,
)

OVERVIEW = "# Anlass: Fallübersicht\nquery CaseOverview { cases { edges { node { id } } } }\n"
PLAIN = "query Plain { me { subject } }\n"


def test_a_registered_document_carries_its_label(tmp_path):
    (tmp_path / "overview.graphql").write_text(OVERVIEW)
    (tmp_path / "plain.graphql").write_text(PLAIN)
    manifest = tmp_path / "manifest.json"

    register(manifest, [tmp_path / "overview.graphql", tmp_path / "plain.graphql"])

    assert occasion_labels(manifest) == {document_id(OVERVIEW): "Fallübersicht"}
    trusted = TrustedDocuments.load(TrustMode.ALL, manifest)
    assert trusted.registered_id(OVERVIEW) == document_id(OVERVIEW)
    assert trusted.registered_id(PLAIN) == document_id(PLAIN)
    assert trusted.registered_id(OVERVIEW.replace("CaseOverview", "Other")) is None
    assert trusted.resolve({"documentId": document_id(OVERVIEW)})["query"] == OVERVIEW


def test_a_manifest_of_the_older_form_still_loads(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({document_id(PLAIN): PLAIN}))

    trusted = TrustedDocuments.load(TrustMode.PARTNERS, manifest)

    assert trusted.resolve({"query": PLAIN})["query"] == PLAIN
    assert occasion_labels(manifest) == {}
