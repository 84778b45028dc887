"""One ordinary day of the demo client Michael Modemann, as the portals would live it: his case
manager opens the case overview and the plan, adds an activity and records a review; the debt
counsellor reads his referral; a partner sends a query it named like the Auskunft itself; the
data-protection officer and Michael read his Auskunft. The Auskunft tests read it back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.demo.seed import demo_id
from service.demo.tokens import mint_demo_token
from tests.graphql import post_graphql

MICHAEL = str(demo_id("jc-hamburg-mitte", "kunde.modemann"))

CASE_OVERVIEW = """
query CaseOverview {
  cases(first: 50) { edges { node { id status client { id givenName familyName } } } }
}
"""
CASE_PLAN = """
query CasePlan($id: ID!) {
  case(id: $id) {
    status nextReviewDue
    client { givenName familyName street city phone email householdSize }
    goals { id title resources activities { id title targetDate } }
    assessment { finances { id subject detail } housing { id subject detail } }
  }
}
"""
ADD_ACTIVITY = """
mutation AddActivity($input: AddActivityInput!) {
  addActivity(input: $input) { errors { field code message } }
}
"""
RECORD_REVIEW = """
mutation RecordReview($input: RecordReviewInput!) {
  recordReview(input: $input) { errors { field code message } }
}
"""
COUNSELLOR_READS = """
query SchuldnerberatungLiestFall {
  referrals(first: 50) { edges { node { purpose client { givenName familyName phone } } } }
}
"""
# A caller chooses its operation's name: this one pretends to be the Auskunft.
DISGUISED = """
query AuskunftDocument {
  referrals(first: 50) { edges { node { client { givenName familyName } } } }
}
"""
AUSKUNFT = """
query Auskunft($clientId: ID!, $from: DateTime!, $to: DateTime!) {
  accessReport(clientId: $clientId, from: $from, to: $to) { clientName }
}
"""


async def as_demo(dev_settings, dev_client, user, document, **variables) -> dict:
    token = await mint_demo_token(dev_settings, user, tenant_slug=None, lifetime=300)
    response = await post_graphql(
        dev_client, document, headers={"Authorization": f"Bearer {token}"}, variables=variables
    )
    assert response.status_code == 200, response.text
    return response.json()


async def demo_token(dev_settings, user: str) -> dict[str, str]:
    token = await mint_demo_token(dev_settings, user, tenant_slug=None, lifetime=300)
    return {"Authorization": f"Bearer {token}"}


async def michaels_day(dev_settings, dev_client) -> None:
    overview = await as_demo(dev_settings, dev_client, "fm.koenigstein", CASE_OVERVIEW)
    (case_id,) = [
        edge["node"]["id"]
        for edge in overview["data"]["cases"]["edges"]
        if edge["node"]["client"]["id"] == MICHAEL
    ]
    plan = await as_demo(dev_settings, dev_client, "fm.koenigstein", CASE_PLAN, id=case_id)
    goal = plan["data"]["case"]["goals"][0]["id"]
    added = await as_demo(
        dev_settings,
        dev_client,
        "fm.koenigstein",
        ADD_ACTIVITY,
        input={
            "parentId": goal,
            "title": "Termin bei der Schuldnerberatung wahrnehmen",
            "responsible": "CLIENT",
            "targetDate": (datetime.now(UTC) + timedelta(days=30)).date().isoformat(),
        },
    )
    assert added["data"]["addActivity"]["errors"] == [], added
    reviewed = await as_demo(
        dev_settings,
        dev_client,
        "fm.koenigstein",
        RECORD_REVIEW,
        input={
            "caseId": case_id,
            "reasoning": "Termine bei der Schuldnerberatung wahrgenommen.",
            "prognosis": "Stabilisierung in drei Monaten erwartet.",
        },
    )
    assert reviewed["data"]["recordReview"]["errors"] == [], reviewed
    await as_demo(dev_settings, dev_client, "sb.schmied", COUNSELLOR_READS)
    await as_demo(dev_settings, dev_client, "sb.schmied", DISGUISED)
    now = datetime.now(UTC)
    period = {"from": (now - timedelta(days=1)).isoformat(), "to": now.isoformat()}
    for asker in ("dsb.wagner", "kunde.modemann", "kunde.modemann"):
        await as_demo(dev_settings, dev_client, asker, AUSKUNFT, clientId=MICHAEL, **period)
