"""The demo's deputy consent names `fm.drawert`: he reads Michael Modemann's protected area, and
the client's consents say who may stand in (README, Demo)."""

from __future__ import annotations

from tests.cases.test_demo_cases import _as

MY_CASES = "{ cases(first: 50) { edges { node { id client { id familyName } } } } }"
CASE_FINANCES = "query($id: ID!) { case(id: $id) { assessment { finances { subcategory } } } }"
CONSENTS = """
query($clientId: ID!) {
  consents(clientId: $clientId) { purpose active validUntil deputy { displayName } }
}
"""


async def test_the_demo_deputy_stands_in_under_the_consent_that_names_him(dev_settings, dev_client):
    listed = await _as(dev_settings, dev_client, "fm.drawert", MY_CASES)
    (michael,) = [
        edge["node"]
        for edge in listed["data"]["cases"]["edges"]
        if edge["node"]["client"]["familyName"] == "Modemann"
    ]

    case = await _as(dev_settings, dev_client, "fm.drawert", CASE_FINANCES, id=michael["id"])
    consents = await _as(
        dev_settings, dev_client, "fm.koenigstein", CONSENTS, clientId=michael["client"]["id"]
    )

    assert case["data"]["case"]["assessment"]["finances"] == [{"subcategory": "DEBTS"}]
    (deputy_consent,) = [c for c in consents["data"]["consents"] if c["purpose"] == "DEPUTY"]
    assert deputy_consent["active"] is True
    assert deputy_consent["validUntil"] is not None
    assert deputy_consent["deputy"] == {"displayName": "Jonas Drawert"}
