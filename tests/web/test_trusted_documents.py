"""Trusted documents: in this mode partner users run registered documents only, by text or by
id; anything else is refused with a clear error before it runs."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from service.app import create_app
from service.web.trusted_documents import document_id, register
from tests.referral_factories import referral, referral_setting

PARTNER_LIST = "query PartnerList { referrals { edges { node { id status } } } }\n"
NOT_REGISTERED = "{ referrals { edges { node { id purpose } } } }"


@pytest.fixture
def manifest(tmp_path):
    document = tmp_path / "partner-list.graphql"
    document.write_text(PARTNER_LIST)
    path = tmp_path / "trusted-documents.json"
    register(path, [document])
    return path


@pytest.fixture
async def trusted_http(settings, runtime, manifest):
    trusted = dataclasses.replace(
        settings, trusted_documents="partners", trusted_documents_file=manifest
    )
    app = create_app(trusted, dataclasses.replace(runtime, settings=trusted))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        yield http


async def _post(http, tokens, person, body):
    return await http.post("/graphql", json=body, headers=tokens.headers(person))


async def test_a_registered_document_runs_by_text_and_by_id(trusted_http, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)

    by_text = await _post(trusted_http, tokens, setting.counsellor, {"query": PARTNER_LIST})
    by_id = await _post(
        trusted_http, tokens, setting.counsellor, {"documentId": document_id(PARTNER_LIST)}
    )

    for response in (by_text, by_id):
        edges = response.json()["data"]["referrals"]["edges"]
        assert [edge["node"]["id"] for edge in edges] == [str(referral_id)]


async def test_an_unregistered_document_is_refused_for_partners(trusted_http, tokens, factories):
    setting = await referral_setting(factories)

    response = await _post(trusted_http, tokens, setting.counsellor, {"query": NOT_REGISTERED})

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"


async def test_an_unknown_id_is_refused(trusted_http, tokens, factories):
    setting = await referral_setting(factories)

    response = await _post(
        trusted_http, tokens, setting.counsellor, {"documentId": "sha256:" + "0" * 64}
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"


async def test_staff_are_not_bound_in_partners_mode(trusted_http, tokens, factories):
    setting = await referral_setting(factories)

    response = await _post(trusted_http, tokens, setting.case_manager, {"query": NOT_REGISTERED})

    assert response.status_code == 200
    assert "errors" not in response.json()


def test_the_mode_without_a_manifest_refuses_to_start(settings, runtime, tmp_path):
    broken = dataclasses.replace(
        settings, trusted_documents="all", trusted_documents_file=tmp_path / "missing.json"
    )

    with pytest.raises(ValueError, match="needs a manifest"):
        create_app(broken, dataclasses.replace(runtime, settings=broken))
