"""GraphiQL in a closed network (development mode only): its scripts come from this origin once
fetched, the page never points at the CDN, and without them it says how to get them."""

from __future__ import annotations

import base64
import hashlib
import shutil

import pytest

from service.web.graphiql import ASSET_ROUTE, _check_integrity, assets

HTML = {"accept": "text/html"}


async def test_without_its_files_the_page_says_how_to_fetch_them_then_serves_them_itself(
    dev_settings, dev_client
):
    folder = dev_settings.graphiql_dir
    shutil.rmtree(folder, ignore_errors=True)
    try:
        missing = await dev_client.get("/graphql", headers=HTML)
        for asset in assets():
            (folder / asset.local).parent.mkdir(parents=True, exist_ok=True)
            (folder / asset.local).write_text(f"/* {asset.package} */")
        page = await dev_client.get("/graphql", headers=HTML)
        script = await dev_client.get(f"{ASSET_ROUTE}/{assets()[0].local}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    assert missing.status_code == 200
    assert "service graphiql-assets" in missing.text
    assert "unpkg.com" not in missing.text
    assert page.status_code == 200
    assert "unpkg.com" not in page.text
    assert all(f"{ASSET_ROUTE}/{asset.local}" in page.text for asset in assets())
    assert "Bearer <a token: service token USER>" in page.text  # the header editor's start
    assert "integrity=" in page.text  # the CDN's hashes still guard the same bytes
    assert (script.status_code, script.text) == (200, f"/* {assets()[0].package} */")
    assert script.headers["content-type"].startswith("text/javascript")


@pytest.mark.parametrize("path", ["../../dev-signing-key.pem", "react@18.2.0/package.json"])
async def test_only_the_pages_own_files_are_served(dev_client, path):
    response = await dev_client.get(f"{ASSET_ROUTE}/{path}")

    assert response.status_code == 404


async def test_no_graphiql_files_outside_development_mode(client):
    response = await client.get(f"{ASSET_ROUTE}/{assets()[0].local}")

    assert response.status_code == 404


def test_a_tarball_that_is_not_the_registrys_is_refused():
    tarball = b"the package as published"
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()

    _check_integrity("react", tarball, integrity)  # as published: accepted
    with pytest.raises(ValueError, match="does not match"):
        _check_integrity("react", tarball + b"!", integrity)
    with pytest.raises(ValueError, match="no sha512"):
        _check_integrity("react", tarball, "sha1-abc")
