"""The demo diary works as the README says: `fm.koenigstein`'s due list holds Michael
Modemann's overdue and today's follow-ups and the joint appointment with the debt
counselling; he reads that appointment himself, without its internal note."""

from __future__ import annotations

from service.demo.tokens import mint_demo_token
from tests.graphql import post_graphql

DUE = """
query Due {
  dueList { edges { node { case { id } followUp { reason overdue }
    appointment { kind place partner { organisation { slug } } } } } }
}
"""
APPOINTMENTS = """
query Mine($id: ID!) { diary(caseId: $id) { appointments { kind status place } } }
"""


async def _as(dev_settings, dev_client, user: str, document: str, **variables):
    token = await mint_demo_token(dev_settings, user, tenant_slug=None, lifetime=300)
    response = await post_graphql(
        dev_client, document, headers={"Authorization": f"Bearer {token}"}, variables=variables
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_the_demo_case_manager_has_a_due_list(dev_settings, dev_client):
    due = await _as(dev_settings, dev_client, "fm.koenigstein", DUE)
    nodes = [edge["node"] for edge in due["dueList"]["edges"]]

    assert [node["followUp"] for node in nodes[:2]] == [
        {"reason": "Nachweis Suchtberatung anfordern", "overdue": True},
        {"reason": "Rückmeldung der Vermieterin zur Ratenzahlung prüfen", "overdue": False},
    ]
    assert nodes[2]["appointment"] == {
        "kind": "WITH_PARTNER",
        "place": "Schuldnerberatung West, Beratungsraum 1",
        "partner": {"organisation": {"slug": "schuldnerberatung-west"}},
    }

    mine = await _as(
        dev_settings, dev_client, "kunde.modemann", APPOINTMENTS, id=nodes[0]["case"]["id"]
    )
    assert [a["status"] for a in mine["diary"]["appointments"]] == ["HELD", "PLANNED"]
