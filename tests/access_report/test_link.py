"""Download links for the printable Auskunft: Michael Modemann (or the data-protection officer)
gets a short-lived signed link through GraphQL and opens his PDF without a bearer header; the
issuing and the download are recorded as theirs; an expired, altered, foreign or misused link
opens nothing and says why; nobody else gets a link."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.access_report.link import LinkGrant, link_key, sign
from service.demo.seed import demo_id
from service.identity.roles import ActorKind, Role
from service.settings import SettingsError, load_settings
from tests.graphql import post_graphql
from tests.graphql_errors import errors_by_path
from tests.scenarios.auskunft_history import MICHAEL, as_demo

ISSUE = """
mutation GetAuskunftLink($clientId: ID!) {
  issueAuskunftLink(clientId: $clientId) {
    link { url expiresAt }
    errors { field code message messageDe }
  }
}
"""
SABINE = str(demo_id("jc-hamburg-mitte", "kunde.beispiel"))


async def _link(dev_settings, dev_client, user: str) -> dict:
    body = await as_demo(dev_settings, dev_client, user, ISSUE, clientId=MICHAEL)
    assert "errors" not in body, body
    payload = body["data"]["issueAuskunftLink"]
    assert payload["errors"] == []
    return payload["link"]


async def _records(owner_url, operation: str) -> list:
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT actor_id, object_type, fields FROM audit_records"
                    " WHERE subject_id = :c AND operation = :o ORDER BY occurred_at"
                ),
                {"c": MICHAEL, "o": operation},
            )
        ).all()
    await engine.dispose()
    return rows


def _reason(response) -> tuple[int, str, str]:
    (error,) = response.json()["errors"]
    return response.status_code, error["extensions"]["code"], error["extensions"]["reason"]


async def test_michael_opens_his_pdf_by_link_and_both_steps_are_recorded(
    dev_settings, dev_client, owner_url
):
    link = await _link(dev_settings, dev_client, "kunde.modemann")

    response = await dev_client.get(link["url"])  # no Authorization header

    assert link["url"].startswith(f"/auskunft/{MICHAEL}?token=")
    expires = datetime.fromisoformat(link["expiresAt"])
    assert timedelta(minutes=9) < expires - datetime.now(UTC) <= timedelta(minutes=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    issued = await _records(owner_url, "GetAuskunftLink")
    assert {(str(r.actor_id), r.object_type) for r in issued} == {(MICHAEL, "access_report")}
    assert "url" in issued[-1].fields
    downloaded = await _records(owner_url, "auskunft:link")
    assert {str(r.actor_id) for r in downloaded} == {MICHAEL}
    assert any("document" in r.fields for r in downloaded if r.object_type == "access_report")
    assert any(r.object_type == "plan_item" for r in downloaded)  # the copy in it, too


async def test_the_data_protection_officers_link_is_recorded_as_theirs(
    dev_settings, dev_client, owner_url
):
    link = await _link(dev_settings, dev_client, "dsb.wagner")

    response = await dev_client.get(link["url"].replace("format=pdf", "format=html"))

    assert response.status_code == 200, response.text
    assert "Kopie Ihrer Daten" in response.text
    downloaded = await _records(owner_url, "auskunft:link")
    assert str(demo_id("jc-hamburg-mitte", "dsb.wagner")) in {str(r.actor_id) for r in downloaded}


async def test_an_altered_expired_or_foreign_link_opens_nothing(
    dev_settings, dev_client, owner_url
):
    url = (await _link(dev_settings, dev_client, "kunde.modemann"))["url"]
    token = url.split("token=")[1].split("&")[0]
    version, body, mac = token.split(".")
    forged_body = body[:-2] + ("AA" if body[-2:] != "AA" else "BB")
    expired = sign(
        LinkGrant(
            client_id=demo_id("jc-hamburg-mitte", "kunde.modemann"),
            tenant_id=await _tenant_of_michael(owner_url),
            issuer_kind=ActorKind.CLIENT,
            issuer_id=demo_id("jc-hamburg-mitte", "kunde.modemann"),
            roles=frozenset({str(Role.CLIENT)}),
            first_day=None,
            last_day=None,
            expires_at=datetime.now(UTC) - timedelta(seconds=1),
        ),
        link_key(dev_settings),
    )

    answers = {
        "signature": await dev_client.get(f"/auskunft/{MICHAEL}?token={version}.{body}.{mac}x"),
        "body": await dev_client.get(f"/auskunft/{MICHAEL}?token={version}.{forged_body}.{mac}"),
        "garbage": await dev_client.get(f"/auskunft/{MICHAEL}?token=abc"),
        "expired": await dev_client.get(f"/auskunft/{MICHAEL}?token={expired}"),
        "other client": await dev_client.get(f"/auskunft/{SABINE}?token={token}"),
    }

    assert {name: _reason(response) for name, response in answers.items()} == {
        "signature": (401, "UNAUTHENTICATED", "bad_link_signature"),
        "body": (401, "UNAUTHENTICATED", "bad_link_signature"),
        "garbage": (401, "UNAUTHENTICATED", "malformed_link"),
        "expired": (401, "UNAUTHENTICATED", "link_expired"),
        "other client": (403, "FORBIDDEN", "wrong_document"),
    }
    assert all("Modemann" not in response.text for response in answers.values())


async def test_a_link_opens_only_the_printable_document(dev_settings, dev_client):
    url = (await _link(dev_settings, dev_client, "kunde.modemann"))["url"]
    token = url.split("token=")[1].split("&")[0]

    copy = await dev_client.get(f"/auskunft/{MICHAEL}/copy?token={token}")
    graphql = await post_graphql(
        dev_client, "{ me { subject } }", headers={"Authorization": f"Bearer {token}"}
    )

    assert copy.status_code == 401
    assert graphql.status_code == 401


async def test_nobody_else_gets_a_link(dev_settings, dev_client):
    refused = {}
    for user in ("fm.koenigstein", "kunde.beispiel", "sb.schmied"):
        body = await as_demo(dev_settings, dev_client, user, ISSUE, clientId=MICHAEL)
        refused[user] = errors_by_path(body)[("issueAuskunftLink",)]

    assert refused == {
        "fm.koenigstein": "FORBIDDEN",
        "kunde.beispiel": "NOT_FOUND",
        "sb.schmied": "NOT_FOUND",
    }


async def test_without_a_link_key_no_link_is_issued(client, tokens, factories):
    """Production settings without AUSKUNFT_LINK_KEY: a typed error, nothing signed."""
    jobcenter = await factories.jobcenter()
    person = await factories.client(jobcenter)
    dpo = await factories.staff(jobcenter, Role.DATA_PROTECTION_OFFICER)

    response = await post_graphql(
        client, ISSUE, headers=tokens.headers(dpo), variables={"clientId": str(person.id)}
    )

    payload = response.json()["data"]["issueAuskunftLink"]
    assert payload["link"] is None
    assert [error["code"] for error in payload["errors"]] == ["LINKS_DISABLED"]
    assert payload["errors"][0]["messageDe"]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"AUSKUNFT_LINK_KEY": "too-short"}, "at least 32 characters"),
        ({"AUSKUNFT_LINK_SECONDS": "86400"}, "between 60 and 3600"),
    ],
)
def test_link_settings_are_checked(variables, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({"SERVICE_DEV_MODE": "true", **variables})


def test_a_configured_key_is_used_as_given(dev_settings):
    configured = dataclasses.replace(dev_settings, auskunft_link_key="k" * 32)

    assert link_key(configured) == b"k" * 32


async def _tenant_of_michael(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        tenant = await conn.scalar(
            text("SELECT tenant_id FROM clients WHERE id = :c"), {"c": MICHAEL}
        )
    await engine.dispose()
    return tenant
