"""The demo flow ends in an Auskunft: after the debt counsellor reads Michael Modemann's data
under his consent, the data-protection officer's report — and Michael's own — name the
counsellor's organisation, what was read in German, on which occasion and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.demo.seed import demo_id
from service.demo.tokens import mint_demo_token
from tests.graphql import post_graphql

COUNSELLOR_READS = """
query SchuldnerberatungLiestFall {
  referrals(first: 50) { edges { node { client { givenName familyName } } } }
}
"""
AUSKUNFT = """
query Auskunft($clientId: ID!, $from: DateTime!, $to: DateTime!) {
  accessReport(clientId: $clientId, from: $from, to: $to, first: 50) {
    clientName
    readers {
      kind organisation
      occasions { operation basis consentId reads { label fields } }
    }
    consents { organisation categories active }
  }
}
"""
MICHAEL = str(demo_id("jc-hamburg-mitte", "kunde.modemann"))


async def _as(dev_settings, dev_client, user, document, **variables):
    token = await mint_demo_token(dev_settings, user, tenant_slug=None, lifetime=300)
    response = await post_graphql(
        dev_client, document, headers={"Authorization": f"Bearer {token}"}, variables=variables
    )
    assert response.status_code == 200, response.text
    return response.json()


def _period() -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "from": (now - timedelta(days=1)).isoformat(),
        "to": (now + timedelta(minutes=5)).isoformat(),
    }


async def test_auskunft_lists_the_debt_counsellors_reads_for_the_dpo_and_for_michael(
    dev_settings, dev_client
):
    await _as(dev_settings, dev_client, "sb.schmied", COUNSELLOR_READS)

    for asker in ("dsb.wagner", "kunde.modemann"):
        body = await _as(dev_settings, dev_client, asker, AUSKUNFT, clientId=MICHAEL, **_period())

        report = body["data"]["accessReport"]
        assert report["clientName"] == "Michael Modemann"
        (counsellor,) = [reader for reader in report["readers"] if reader["kind"] == "PARTNER"]
        assert counsellor["organisation"] == "Schuldnerberatung West e. V. (Demo)"
        occasion = next(
            o for o in counsellor["occasions"] if o["operation"] == "SchuldnerberatungLiestFall"
        )
        assert occasion["consentId"] is not None
        labels = {read["label"] for read in occasion["reads"]}
        assert "Identität" in labels
        assert any(
            consent["organisation"] == "Schuldnerberatung West e. V. (Demo)" and consent["active"]
            for consent in report["consents"]
        )
