"""The demo client's view works as the README promises: Michael Modemann (`kunde.modemann`)
signs in and sees his case, his plan, the Lebenslauf marked visible to him but not the Attest of
the protected area, his referrals and his consents with the partners' names."""

from __future__ import annotations

from service.demo.tokens import mint_demo_token
from tests.graphql import post_graphql

MY_VIEW = """
query MyView {
  me { client { id familyName } }
  cases(first: 5) {
    edges { node {
      id status careVariant nextReviewDue
      responsibleCaseManager { displayName }
      goals { title subGoals { title } }
      agreements { number }
      documents { title content { base64 } }
    } }
  }
  referrals(first: 10) {
    edges { node { status purpose partner { organisation { slug name } serviceCategories } } }
  }
}
"""

MY_CONSENTS = """
query MyConsents($id: ID!) {
  consents(clientId: $id) { purpose active grantee { organisation { slug name } } }
}
"""


async def _as_michael(dev_settings, dev_client, document: str, **variables) -> dict:
    token = await mint_demo_token(dev_settings, "kunde.modemann", tenant_slug=None, lifetime=300)
    response = await post_graphql(
        dev_client, document, headers={"Authorization": f"Bearer {token}"}, variables=variables
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_michael_sees_his_case_plan_visible_document_referrals_and_consents(
    dev_settings, dev_client
):
    body = await _as_michael(dev_settings, dev_client, MY_VIEW)

    data = body["data"]
    assert data["me"]["client"]["familyName"] == "Modemann"
    (edge,) = data["cases"]["edges"]
    case = edge["node"]
    assert (case["status"], case["careVariant"]) == ("ADMITTED", "FULL_HANDOVER")
    assert case["responsibleCaseManager"] == {"displayName": "Frauke Königstein"}
    assert case["nextReviewDue"]
    assert {goal["title"] for goal in case["goals"]} >= {"Schuldenregulierung"}
    assert case["agreements"] == [{"number": 1}]
    titles = [document["title"] for document in case["documents"]]
    assert "Lebenslauf" in titles
    assert "Ärztliches Attest" not in titles
    attest = titles.index(None)  # listed, but nothing of it is his to read here
    assert case["documents"][attest]["content"] == {"base64": None}
    forbidden = {
        tuple(error["path"])
        for error in body["errors"]
        if error["extensions"]["code"] == "FORBIDDEN"
    }
    assert forbidden == {
        ("cases", "edges", 0, "node", "documents", attest, "title"),
        ("cases", "edges", 0, "node", "documents", attest, "content", "base64"),
    }
    partners = {
        edge["node"]["partner"]["organisation"]["slug"] for edge in data["referrals"]["edges"]
    }
    assert partners == {"schuldnerberatung-west", "suchtberatung-nord"}

    consents = await _as_michael(
        dev_settings, dev_client, MY_CONSENTS, id=data["me"]["client"]["id"]
    )

    assert "errors" not in consents, consents
    by_purpose = {c["purpose"]: c for c in consents["data"]["consents"]}
    assert by_purpose["REFERRAL"]["grantee"]["organisation"]["slug"] == "schuldnerberatung-west"
    assert by_purpose["REFERRAL"]["active"] is True
    assert by_purpose["DEPUTY"]["grantee"] is None
