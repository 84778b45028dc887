"""The demo flows with telemetry and every logger on: no client's name, no free text and no
variable value may appear in a span, a metric point or a log line (DESIGN.md; STYLE.md habit 11).

The forbidden words are what the demo database holds (names, referral purposes, report texts,
assessment entries) plus every value the flows send as variables.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from service.demo.seed import JOBCENTERS, demo_id
from service.demo.tokens import mint_demo_token
from service.policy.categories import DataCategory
from service.telemetry import names
from service.telemetry.logging import JsonFormatter, pin_quiet_loggers
from tests.graphql import post_graphql
from tests.referral_factories import ALL_INFORMED

MICHAEL_CASE = str(demo_id("jc-hamburg-mitte", "kunde.modemann", "case"))
LONG_TEXT = "Michael Modemann hat Schulden bei der Demo-Bank und trinkt. " * 40

MICHAELS_CASE = """
query FallLesen($id: ID!) {
  case(id: $id) {
    status
    client { givenName familyName dateOfBirth }
    assessment { finances { subject detail } addiction { subject detail } }
  }
}
"""
MY_REFERRALS = """
query MeineZuweisungen {
  referrals(first: 50) {
    edges { node { id serviceCategory purpose client { id givenName familyName } } }
  }
}
"""
NETWORK = """
query Netzwerk { networkPartners(serviceCategory: ADDICTION_COUNSELLING) { organisation { id } } }
"""
RECORD_CONSENT = """
mutation EinwilligungErfassen($input: RecordConsentInput!) {
  recordConsent(input: $input) { consent { id } errors { field message } }
}
"""
REVOKE = """
mutation EinwilligungWiderrufen($id: ID!) {
  revokeConsent(consentId: $id, channel: PORTAL) { consent { active } }
}
"""
CREATE_REFERRAL = """
mutation ZuweisungAnlegen($input: CreateReferralInput!) {
  createReferral(input: $input) { referral { id } errors { field code message } }
}
"""
FREE_TEXTS = text(
    """
    SELECT purpose FROM referrals
    UNION ALL SELECT text FROM progress_reports WHERE text IS NOT NULL
    UNION ALL SELECT subject FROM assessment_entries
    UNION ALL SELECT detail FROM assessment_entries WHERE detail IS NOT NULL
    """
)
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_ENUM = re.compile(r"[A-Z][A-Z_]*")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Flows:
    def __init__(self, dev_settings, dev_client) -> None:
        self.settings, self.client = dev_settings, dev_client
        self.variable_values: list[str] = []

    async def ask(self, user: str, document: str, **variables) -> dict:
        _collect_strings(variables, self.variable_values)
        token = await mint_demo_token(self.settings, user, tenant_slug=None, lifetime=300)
        response = await post_graphql(
            self.client, document, headers={"Authorization": f"Bearer {token}"}, variables=variables
        )
        assert response.status_code == 200, response.text
        return response.json()


def _collect_strings(value, found: list[str]) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _collect_strings(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect_strings(item, found)
    elif isinstance(value, str):
        # Enum values and category codes are vocabulary, not data; dates are no one's by
        # themselves (and every log line carries today's); ids are allowed (a client signed in
        # is an actor, and actors are named by id).
        categories = {str(category) for category in DataCategory}
        vocabulary = _ENUM.fullmatch(value) or value in categories
        if not (vocabulary or _DATE.match(value) or _UUID.fullmatch(value)):
            found.append(value)


async def run_demo_flows(flows: Flows) -> None:
    """Staff read Michael's case; the debt counsellor reads referrals; a consent is recorded
    (and revoked again, so other tests find the demo as seeded); a validation fails on a long
    text that names a client."""
    case = await flows.ask("fm.koenigstein", MICHAELS_CASE, id=MICHAEL_CASE)
    assert case["data"]["case"]["client"]["familyName"] == "Modemann"

    referrals = await flows.ask("sb.schmied", MY_REFERRALS)
    assert referrals["data"]["referrals"]["edges"]

    mine = await flows.ask("fm.koenigstein", MY_REFERRALS)
    (addiction,) = [
        edge["node"]
        for edge in mine["data"]["referrals"]["edges"]
        if edge["node"]["serviceCategory"] == "ADDICTION_COUNSELLING"
    ]
    network = await flows.ask("fm.koenigstein", NETWORK)
    recorded = await flows.ask(
        "fm.koenigstein",
        RECORD_CONSENT,
        input={
            "clientId": addiction["client"]["id"],
            "purpose": "REFERRAL",
            "direction": "TO_PARTNER",
            "granteeOrganisationId": network["data"]["networkPartners"][0]["organisation"]["id"],
            "referralId": addiction["id"],
            "categories": ["identity"],
            "validUntil": (datetime.now(UTC) + timedelta(days=180)).isoformat(),
            "evidenceReference": "Einwilligungserklärung Modemann, Blatt 3",
            "informed": ALL_INFORMED,
        },
    )
    assert recorded["data"]["recordConsent"]["errors"] == []
    consent_id = recorded["data"]["recordConsent"]["consent"]["id"]
    revoked = await flows.ask("kunde.modemann", REVOKE, id=consent_id)
    assert revoked["data"]["revokeConsent"]["consent"] == {"active": False}

    refused = await flows.ask(
        "fm.koenigstein",
        CREATE_REFERRAL,
        input={
            "caseId": MICHAEL_CASE,
            "partnerOrganisationId": network["data"]["networkPartners"][0]["organisation"]["id"],
            "serviceCategory": "ADDICTION_COUNSELLING",
            "purpose": LONG_TEXT,
            "firstReportDue": (datetime.now(UTC).date() + timedelta(days=14)).isoformat(),
        },
    )
    assert refused["data"]["createReferral"]["errors"], refused


async def _forbidden_words(owner_url, flows: Flows) -> set[str]:
    words = {flows_value for flows_value in flows.variable_values}
    for jobcenter in JOBCENTERS:
        for client in jobcenter.clients:
            words.update({client.given_name, client.family_name})
    engine = create_async_engine(owner_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            words.update(t for t in await conn.scalars(FREE_TEXTS) if t)
    finally:
        await engine.dispose()
    # Long texts are searched by a distinctive piece, so a truncated copy is caught too.
    return {word if len(word) <= 40 else word[:40] for word in words if len(word) >= 4}


def _span_texts(spans) -> list[str]:
    texts = []
    for span in spans:
        texts.append(span.name)
        texts.extend(map(str, (span.attributes or {}).values()))
        texts.append(span.status.description or "")
        for event in span.events:
            texts.append(event.name)
            texts.extend(map(str, (event.attributes or {}).values()))
    return texts


def _metric_texts(points: dict[str, list]) -> list[str]:
    return [
        f"{name} {json.dumps(dict(point.attributes or {}), default=str)}"
        for name, found in points.items()
        for point in found
    ]


@pytest.fixture
def every_logger_at_debug(caplog):
    """Root and every logger that exists at DEBUG — except the ones the service pins, because
    they echo SQL parameters (service/telemetry/logging.py, QUIET_LOGGERS)."""
    caplog.set_level(logging.DEBUG)
    levels = {}
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            levels[name] = logger.level
            logger.setLevel(logging.DEBUG)
    pin_quiet_loggers()
    yield caplog
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


async def test_demo_flows_leave_no_personal_data_in_spans_metrics_or_logs(
    dev_settings, dev_client, owner_url, telemetry, every_logger_at_debug
):
    flows = Flows(dev_settings, dev_client)

    await run_demo_flows(flows)

    forbidden = await _forbidden_words(owner_url, flows)
    assert {"Michael", "Modemann"} <= forbidden
    assert any(word.startswith("Michael Modemann hat Schulden") for word in forbidden)
    formatter = JsonFormatter()
    logs = [formatter.format(record) for record in every_logger_at_debug.records]
    assert logs, "the flows logged nothing: the capture is not working"
    haystacks = {
        "span": _span_texts(telemetry.spans()),
        "metric": _metric_texts(telemetry.points()),
        "log": logs,
    }
    leaks = [
        (kind, word, found[:200])
        for kind, texts in haystacks.items()
        for found in texts
        for word in forbidden
        if word in found
    ]
    assert leaks == []


async def test_demo_flows_produce_operation_policy_audit_and_database_telemetry(
    dev_settings, dev_client, telemetry
):
    flows = Flows(dev_settings, dev_client)

    await flows.ask("sb.schmied", MY_REFERRALS)

    spans = telemetry.spans()
    by_name = {span.name: span for span in spans}
    operation = by_name["query MeineZuweisungen"]
    assert operation.attributes[names.GRAPHQL_OPERATION_NAME] == "MeineZuweisungen"
    assert operation.attributes[names.ACTOR_KIND] == "partner"
    assert operation.attributes[names.FIELDS_READ] > 0
    assert operation.attributes[names.POLICY_QUESTIONS] > 0
    http = by_name["POST /graphql"]
    assert operation.parent.span_id == http.context.span_id
    assert names.SPAN_POLICY_READABLE_CATEGORIES in by_name
    audit = by_name[names.SPAN_AUDIT_APPEND]
    assert audit.attributes[names.AUDIT_RECORDS] > 0
    assert any(span.attributes.get(names.DB_SYSTEM) == "postgresql" for span in spans)
    assert {span.context.trace_id for span in spans} == {http.context.trace_id}
    points = telemetry.points()
    (requests,) = [
        point
        for point in points[names.METRIC_GRAPHQL_OPERATIONS]
        if point.attributes[names.GRAPHQL_OPERATION_NAME] == "MeineZuweisungen"
    ]
    assert requests.value == 1
    assert sum(p.value for p in points[names.METRIC_HTTP_REQUESTS]) == 1
    assert sum(p.value for p in points[names.METRIC_POLICY_DECISIONS]) > 0
    assert sum(p.value for p in points[names.METRIC_AUDIT_RECORDS]) > 0
    states = {p.attributes[names.DB_CONNECTION_STATE] for p in points[names.METRIC_DB_CONNECTIONS]}
    assert states == {"used", "idle"}
