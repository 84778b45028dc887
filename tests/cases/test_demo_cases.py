"""The demo case history works as the README promises: Michael Modemann's case, read by his case
manager through GraphQL, with the debts in his assessment and the plan of the seeds' example."""

from __future__ import annotations

from service.demo.tokens import mint_demo_token
from tests.graphql import post_graphql

MY_CASES = """
query MyCases {
  cases(first: 50) {
    edges { node { id status client { familyName } } }
  }
}
"""

MICHAELS_CASE = """
query MichaelsCase($id: ID!) {
  case(id: $id) {
    status careVariant
    responsibleCaseManager { displayName }
    deputyCaseManager { displayName }
    intake { ruleOfThumbMet intakeReasoning }
    assessment { finances { subcategory subject detail } addiction { subject } }
    goals { title subGoals { title activities { title responsible } } }
    agreements { number }
    reviews { prognosis }
  }
}
"""


async def _as(dev_settings, dev_client, user: str, document: str, **variables):
    token = await mint_demo_token(dev_settings, user, tenant_slug=None, lifetime=300)
    response = await post_graphql(
        dev_client, document, headers={"Authorization": f"Bearer {token}"}, variables=variables
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_case_manager_reads_michaels_demo_case_with_his_debts(dev_settings, dev_client):
    listed = await _as(dev_settings, dev_client, "fm.koenigstein", MY_CASES)
    by_name = {
        edge["node"]["client"]["familyName"]: edge["node"]
        for edge in listed["data"]["cases"]["edges"]
    }

    body = await _as(
        dev_settings, dev_client, "fm.koenigstein", MICHAELS_CASE, id=by_name["Modemann"]["id"]
    )

    assert "errors" not in body, body
    case = body["data"]["case"]
    assert (case["status"], case["careVariant"]) == ("ADMITTED", "FULL_HANDOVER")
    assert case["responsibleCaseManager"] == {"displayName": "Frauke Königstein"}
    assert case["deputyCaseManager"] == {"displayName": "Jonas Drawert"}
    assert case["intake"]["ruleOfThumbMet"] is True
    (debts,) = case["assessment"]["finances"]
    assert debts["subcategory"] == "DEBTS"
    assert "Mietrückstände" in debts["detail"] and "Konsumentenkredit" in debts["detail"]
    assert len(case["assessment"]["addiction"]) == 1
    assert [goal["title"] for goal in case["goals"]] == [
        "Wohnungsbeschaffung",
        "Berufliche Qualifikation",
        "Schuldenregulierung",
    ]
    responsible = {
        activity["responsible"]
        for goal in case["goals"]
        for sub_goal in goal["subGoals"]
        for activity in sub_goal["activities"]
    }
    assert "NETWORK_PARTNER" in responsible
    assert [agreement["number"] for agreement in case["agreements"]] == [1]
    assert len(case["reviews"]) == 1
    assert {"Modemann", "Beispiel", "Musterfrau", "Platzhalter"} <= set(by_name)
    assert by_name["Platzhalter"]["status"] == "PROPOSED"


MICHAELS_PLAN = """
query MichaelsPlan($id: ID!) {
  case(id: $id) {
    potentialAnalyses { items { kind subcategory } }
    cooperationPlans { number kind inEffect inEffectUntil clientPosition plainText }
    cooperationRequests { legalConsequences }
  }
}
"""


async def test_michaels_case_shows_his_kooperationsplan_after_the_old_agreement(
    dev_settings, dev_client
):
    listed = await _as(dev_settings, dev_client, "fm.koenigstein", MY_CASES)
    (michael,) = [
        edge["node"]["id"]
        for edge in listed["data"]["cases"]["edges"]
        if edge["node"]["client"]["familyName"] == "Modemann"
    ]

    body = await _as(dev_settings, dev_client, "fm.koenigstein", MICHAELS_PLAN, id=michael)

    assert "errors" not in body, body
    case = body["data"]["case"]
    old, current = case["cooperationPlans"]
    assert (old["kind"], old["inEffect"]) == ("EINGLIEDERUNGSVEREINBARUNG", False)
    assert (current["kind"], current["inEffect"], current["clientPosition"]) == (
        "KOOPERATIONSPLAN_2023",
        True,
        "AGREED",
    )
    assert "Einzelhandel" in current["plainText"]
    assert {"kind": "NEED", "subcategory": "ADDICTION"} in case["potentialAnalyses"][0]["items"]
    assert "§ 31a SGB II" in case["cooperationRequests"][0]["legalConsequences"]
