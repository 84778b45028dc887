"""The Auskunft: after a partner read a client's data under consent, the data-protection officer
and the client see who (organisation), what (categories and fields, in German), when and on
which occasion (operation, consent, referral); nobody else gets it; getting it is recorded; the
same report as a printable document over HTTP and from the `service auskunft` command."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.audit.recorder import append
from service.identity.roles import Role
from tests.audit.chains import event
from tests.graphql import assert_unauthenticated, post_graphql
from tests.graphql_errors import errors_by_path
from tests.referral_factories import consent, referral, referral_setting

PARTNER_READS_CLIENT = """
query PartnerReadsClient($id: ID!) {
  referral(id: $id) { purpose client { givenName familyName } }
}
"""

ACCESS_REPORT = """
query AccessReport($clientId: ID!, $from: DateTime!, $to: DateTime!, $first: Int, $after: String) {
  accessReport(clientId: $clientId, from: $from, to: $to, first: $first, after: $after) {
    clientName
    readers {
      kind person organisation
      occasions {
        at action occasion operation basis consentId referralId
        reads { category label fields fieldNames }
      }
    }
    consents { id organisation categories revokedAt active }
    referrals { id organisation service status }
    reportReads
    pageInfo { hasNextPage endCursor }
  }
}
"""


def _period() -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "from": (now - timedelta(days=1)).isoformat(),
        "to": (now + timedelta(hours=1)).isoformat(),
    }


async def _partner_read_under_consent(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    consent_id = await consent(factories, setting, referral_id, "identity")
    response = await post_graphql(
        client,
        PARTNER_READS_CLIENT,
        headers=tokens.headers(setting.counsellor),
        variables={"id": str(referral_id)},
    )
    assert response.json()["data"]["referral"]["client"]["familyName"] == "Schuldenfrei"
    return setting, referral_id, consent_id


async def _report(client, tokens, person, client_id, **variables):
    return await post_graphql(
        client,
        ACCESS_REPORT,
        headers=tokens.headers(person),
        variables={"clientId": str(client_id), **_period(), **variables},
    )


async def test_dpo_sees_which_partner_read_what_when_and_under_which_consent(
    client, tokens, factories
):
    setting, referral_id, consent_id = await _partner_read_under_consent(client, tokens, factories)
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)

    response = await _report(client, tokens, dpo, setting.client.id)

    body = response.json()
    assert "errors" not in body, body
    report = body["data"]["accessReport"]
    assert report["clientName"] == "Tobias Schuldenfrei"
    (reader,) = report["readers"]
    assert (reader["kind"], reader["person"], reader["organisation"]) == (
        "PARTNER",
        "eine Beraterin oder ein Berater",
        "Testträger",
    )
    # One request, two grounds: the referral as its recipient, the client under the consent.
    as_recipient, under_consent = reader["occasions"]
    assert as_recipient["operation"] == under_consent["operation"] == "PartnerReadsClient"
    assert as_recipient["action"] == under_consent["action"] == "READ"
    assert as_recipient["at"] == under_consent["at"]
    assert abs(datetime.fromisoformat(under_consent["at"]) - datetime.now(UTC)) < timedelta(
        minutes=5
    )
    assert as_recipient["basis"] == "im Rahmen Ihrer Vermittlung an die Organisation"
    # The data-protection officer sees the name the caller chose, marked as unregistered.
    assert as_recipient["occasion"] == "Abfrage über die Schnittstelle (nicht registriert)"
    assert as_recipient["referralId"] == str(referral_id)
    assert as_recipient["reads"] == [
        {
            "category": "referral",
            "label": "Einschaltung Dritter",
            "fields": ["Zweck"],
            "fieldNames": ["purpose"],
        }
    ]
    assert under_consent["consentId"] == str(consent_id)
    assert under_consent["referralId"] == str(referral_id)
    assert under_consent["basis"].startswith("auf Grundlage Ihrer Einwilligung vom")
    assert under_consent["reads"] == [
        {
            "category": "identity",
            "label": "Identität",
            "fields": ["Nachname", "Vorname"],
            "fieldNames": ["familyName", "givenName"],
        }
    ]
    assert report["consents"] == [
        {
            "id": str(consent_id),
            "organisation": "Testträger",
            "categories": ["Identität"],
            "revokedAt": None,
            "active": True,
        }
    ]
    assert report["referrals"] == [
        {
            "id": str(referral_id),
            "organisation": "Testträger",
            "service": "Schuldnerberatung",
            "status": "angenommen",
        }
    ]
    assert report["pageInfo"]["hasNextPage"] is False


async def test_the_report_request_is_itself_recorded(client, tokens, factories, owner_url):
    setting, _, _ = await _partner_read_under_consent(client, tokens, factories)
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)

    await _report(client, tokens, dpo, setting.client.id)

    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT action, actor_id, object_type, object_id, operation, basis, fields"
                    " FROM audit_records WHERE subject_id = :s AND object_type = 'access_report'"
                ),
                {"s": setting.client.id},
            )
        ).all()
    await engine.dispose()
    (row,) = rows
    assert row.action == "read"
    assert (row.actor_id, row.object_id) == (dpo.id, setting.client.id)
    assert (row.operation, row.basis) == ("AccessReport", "same_jobcenter")
    assert {"clientName", "readers", "consents", "referrals"} <= set(row.fields)


async def test_report_pages_over_occasions_newest_first(client, tokens, factories):
    setting, _, _ = await _partner_read_under_consent(client, tokens, factories)
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)
    await _report(client, tokens, dpo, setting.client.id)  # a second occasion: the DPO's read

    first = (await _report(client, tokens, dpo, setting.client.id, first=1)).json()["data"]
    page = first["accessReport"]
    assert page["pageInfo"]["hasNextPage"] is True
    # The newest: the report itself, told in one line rather than listed as a reader.
    assert page["readers"] == []
    assert page["reportReads"].startswith("Diese Auskunft wurde im Zeitraum 1-mal abgerufen")
    after = page["pageInfo"]["endCursor"]
    second = await _report(client, tokens, dpo, setting.client.id, first=5, after=after)

    page = second.json()["data"]["accessReport"]
    assert [r["organisation"] for r in page["readers"]] == ["Testträger"]
    assert len(page["readers"][0]["occasions"]) == 2
    assert page["pageInfo"]["hasNextPage"] is False


async def test_pages_run_across_months_newest_first(client, tokens, factories, owner):
    """A page is read a month (then two, four, …) at a time going back: occasions months apart
    come one per page, in order, none twice or lost."""
    setting = await referral_setting(factories)
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)
    now = datetime.now(UTC)
    ahead = [now + timedelta(days=days) for days in (40, 100, 220)]
    async with owner.begin() as conn:
        for at in ahead:
            await append(
                conn,
                [
                    event(
                        setting.jobcenter.id,
                        uuid.uuid4(),
                        setting.client.id,
                        occurred_at=at,
                    )
                ],
            )
    period = {
        "from": (now - timedelta(days=1)).isoformat(),
        "to": (now + timedelta(days=400)).isoformat(),
    }

    seen, after = [], None
    for _ in ahead:
        response = await post_graphql(
            client,
            ACCESS_REPORT,
            headers=tokens.headers(dpo),
            variables={"clientId": str(setting.client.id), **period, "first": 1, "after": after},
        )
        page = response.json()["data"]["accessReport"]
        (reader,) = page["readers"]
        seen += [occasion["at"] for occasion in reader["occasions"]]
        assert page["pageInfo"]["hasNextPage"] is True  # the report reads themselves, at now
        after = page["pageInfo"]["endCursor"]

    assert [datetime.fromisoformat(at) for at in seen] == sorted(ahead, reverse=True)


async def test_client_gets_their_own_report_but_not_another_clients(client, tokens, factories):
    setting, _, _ = await _partner_read_under_consent(client, tokens, factories)
    other = await factories.client(setting.jobcenter, family_name="Anders")

    own = await _report(client, tokens, setting.client, setting.client.id)
    foreign = await _report(client, tokens, setting.client, other.id)

    assert own.json()["data"]["accessReport"]["readers"][0]["organisation"] == "Testträger"
    assert errors_by_path(foreign.json()) == {("accessReport",): "NOT_FOUND"}


async def test_case_manager_and_partner_are_refused(client, tokens, factories):
    """The case manager knows the client (FORBIDDEN); to the partner a client's id is nothing
    they can look up (NOT_FOUND, as for any id)."""
    setting, _, _ = await _partner_read_under_consent(client, tokens, factories)

    case_manager = await _report(client, tokens, setting.case_manager, setting.client.id)
    partner = await _report(client, tokens, setting.counsellor, setting.client.id)

    assert errors_by_path(case_manager.json()) == {("accessReport",): "FORBIDDEN"}
    assert errors_by_path(partner.json()) == {("accessReport",): "NOT_FOUND"}


async def test_html_document_renders_the_same_report_in_german(client, tokens, factories):
    setting, _, _ = await _partner_read_under_consent(client, tokens, factories)
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)

    response = await client.get(f"/auskunft/{setting.client.id}", headers=tokens.headers(dpo))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "Auskunft über Ihre Daten" in html
    assert "Tobias Schuldenfrei" in html
    assert "Testträger" in html
    assert "Angaben zu Ihrer Person" in html
    assert "auf Grundlage Ihrer Einwilligung vom" in html
    assert "PartnerReadsClient" not in html  # a name the caller chose is never shown
    assert "Abfrage über die Schnittstelle (nicht registriert)" in html
    assert "size: A4" in html


async def test_html_document_needs_a_token_and_the_right_person(client, tokens, factories):
    setting, _, _ = await _partner_read_under_consent(client, tokens, factories)

    anonymous = await client.get(f"/auskunft/{setting.client.id}")
    case_manager = await client.get(
        f"/auskunft/{setting.client.id}", headers=tokens.headers(setting.case_manager)
    )

    assert_unauthenticated(anonymous, "missing_token")
    assert case_manager.status_code == 403
    assert "Schuldenfrei" not in case_manager.text


async def test_cli_writes_the_document_and_records_it(
    client, tokens, factories, owner_url, dev_settings, tmp_path
):
    setting, _, _ = await _partner_read_under_consent(client, tokens, factories)
    out = tmp_path / "auskunft.html"
    env = {key: value for key, value in os.environ.items() if not key.startswith("TOKEN_")}
    env.update(
        DATABASE_URL=owner_url.render_as_string(hide_password=False),
        SERVICE_DEV_MODE="true",
        SERVICE_DATA_DIR=str(dev_settings.data_dir),
    )

    result = await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "service.cli",
            "auskunft",
            str(setting.client.id),
            "--out",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "Auskunft über Ihre Daten" in html
    assert "Testträger" in html
    assert "Identität" in html
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)
    report = (await _report(client, tokens, dpo, setting.client.id)).json()["data"]
    kinds = [r["kind"] for r in report["accessReport"]["readers"]]
    assert kinds == ["PARTNER"]  # the console's production is one of the report's own reads
    assert "1-mal der Betrieb des Jobcenters" in report["accessReport"]["reportReads"]
