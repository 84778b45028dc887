"""The trusted-documents manifest as portals build it: Apollo's persisted-query manifest and
GraphQL Codegen's `persisted-documents.json` load beside the service's own form; their documents
run by the ids those manifests give them; ids that look like hashes must be their text's hash,
and a manifest of no known form stops the start."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import httpx
import pytest

from service.app import create_app
from service.web.manifests import ManifestError
from service.web.trusted_documents import TrustedDocuments, TrustMode, document_id, register
from tests.referral_factories import referral, referral_setting

PARTNER_LIST = "query PartnerList { referrals { edges { node { id status } } } }"
NOT_REGISTERED = "{ referrals { edges { node { id purpose } } } }"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _apollo(*operations: dict) -> dict:
    return {"format": "apollo-persisted-query-manifest", "version": 1, "operations": [*operations]}


APOLLO_MANIFEST = _apollo(
    {"id": _sha256(PARTNER_LIST), "name": "PartnerList", "type": "query", "body": PARTNER_LIST}
)
CODEGEN_MANIFEST = {_sha1(PARTNER_LIST): PARTNER_LIST}


@pytest.fixture
def write_manifest(tmp_path):
    def write(content: object, name: str = "manifest.json"):
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return path

    return write


@pytest.fixture
def partners_only(settings, runtime):
    """An app in which partner users run registered documents only, from `manifest`."""

    def app_with(manifest):
        trusted = dataclasses.replace(
            settings, trusted_documents="partners", trusted_documents_file=manifest
        )
        return create_app(trusted, dataclasses.replace(runtime, settings=trusted))

    return app_with


async def _as_partner(app, tokens, factories, body):
    setting = await referral_setting(factories)
    await referral(factories, setting)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        return await http.post("/graphql", json=body, headers=tokens.headers(setting.counsellor))


@pytest.mark.parametrize(
    ("manifest", "body"),
    [
        (
            APOLLO_MANIFEST,
            {
                "operationName": "PartnerList",
                "extensions": {
                    "persistedQuery": {"version": 1, "sha256Hash": _sha256(PARTNER_LIST)}
                },
            },
        ),
        (CODEGEN_MANIFEST, {"documentId": _sha1(PARTNER_LIST)}),
        ({_sha256(PARTNER_LIST): PARTNER_LIST}, {"documentId": _sha256(PARTNER_LIST)}),
        (APOLLO_MANIFEST, {"query": PARTNER_LIST}),
        (CODEGEN_MANIFEST, {"documentId": document_id(PARTNER_LIST)}),
    ],
    ids=["apollo-hash", "codegen-sha1", "codegen-sha256", "apollo-text", "own-id"],
)
async def test_a_portal_manifest_runs_its_documents_by_their_ids(
    partners_only, write_manifest, tokens, factories, manifest, body
):
    app = partners_only(write_manifest(manifest))

    response = await _as_partner(app, tokens, factories, body)

    assert response.status_code == 200, response.text
    assert response.json()["data"]["referrals"]["edges"][0]["node"]["status"]


@pytest.mark.parametrize("manifest", [APOLLO_MANIFEST, CODEGEN_MANIFEST])
async def test_a_document_not_in_the_portal_manifest_is_refused(
    partners_only, write_manifest, tokens, factories, manifest
):
    app = partners_only(write_manifest(manifest))

    response = await _as_partner(app, tokens, factories, {"query": NOT_REGISTERED})

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"


@pytest.mark.parametrize("manifest", [APOLLO_MANIFEST, CODEGEN_MANIFEST])
def test_the_audit_names_a_portal_manifest_document_by_the_service_id(write_manifest, manifest):
    trusted = TrustedDocuments.load(TrustMode.OFF, write_manifest(manifest))

    assert trusted.registered_id(PARTNER_LIST) == document_id(PARTNER_LIST)


def test_an_id_of_the_portals_own_making_is_taken_as_given(write_manifest):
    manifest = write_manifest(
        _apollo({"id": "partner-list-v3", "name": "P", "type": "query", "body": PARTNER_LIST})
    )

    trusted = TrustedDocuments.load(TrustMode.ALL, manifest)

    assert trusted.resolve({"documentId": "partner-list-v3"})["query"] == PARTNER_LIST


@pytest.mark.parametrize(
    "manifest",
    [
        _apollo(
            {"id": _sha256(NOT_REGISTERED), "name": "P", "type": "query", "body": PARTNER_LIST}
        ),
        {_sha1(NOT_REGISTERED): PARTNER_LIST},
        {_sha256(NOT_REGISTERED): PARTNER_LIST},
        {document_id(NOT_REGISTERED): {"text": PARTNER_LIST, "label": "Zuweisungen"}},
    ],
    ids=["apollo", "codegen-sha1", "codegen-sha256", "own"],
)
def test_an_id_that_is_not_its_documents_hash_stops_the_start(
    settings, runtime, write_manifest, manifest
):
    app_settings = dataclasses.replace(settings, trusted_documents_file=write_manifest(manifest))

    with pytest.raises(ManifestError, match="is not the hash of its text"):
        create_app(app_settings, dataclasses.replace(runtime, settings=app_settings))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{ not json", "not a JSON manifest"),
        ([PARTNER_LIST], "a manifest is a JSON object"),
        ({"format": "relay-persisted-queries", "version": 1}, "unknown manifest format"),
        ({**APOLLO_MANIFEST, "version": 2}, "unknown manifest format"),
        ({**APOLLO_MANIFEST, "operations": {"a": PARTNER_LIST}}, "lists its operations"),
        (_apollo({"id": "x", "name": "P"}), "operation 1 has no id and body"),
        ({_sha1(PARTNER_LIST): 42}, "is not a document's text"),
    ],
)
def test_a_manifest_of_no_known_form_stops_the_start(write_manifest, content, message):
    with pytest.raises(ManifestError, match=message):
        TrustedDocuments.load(TrustMode.OFF, write_manifest(content))


def test_register_adds_to_a_codegen_manifest_but_not_to_an_apollo_one(write_manifest, tmp_path):
    document = tmp_path / "plain.graphql"
    document.write_text("query Plain { me { subject } }\n")
    codegen = write_manifest(CODEGEN_MANIFEST, "codegen.json")
    apollo = write_manifest(APOLLO_MANIFEST, "apollo.json")

    register(codegen, [document])

    written = json.loads(codegen.read_text())
    assert set(written) == {_sha1(PARTNER_LIST), document_id(document.read_text())}
    with pytest.raises(ManifestError, match="is an Apollo persisted-query manifest"):
        register(apollo, [document])
    assert json.loads(apollo.read_text()) == APOLLO_MANIFEST
