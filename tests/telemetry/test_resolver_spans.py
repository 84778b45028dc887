"""Resolver-level spans exist for sampled requests only: a sampled request gets a span for each
field that waits on something; an unsampled one runs through the schema without the hook."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

from service.telemetry import instruments
from tests.graphql import post_graphql
from tests.referral_factories import consent, referral, referral_setting

# `overdue` waits on the referral's reports (a loader); `client` resolves at once, its row
# loaded for the whole page by the list (service/schema/referrals/dataloaders.py).
PARTNER_LIST = (
    "query PartnerList { referrals { edges { node { purpose overdue client { givenName } } } } }"
)


async def _partner_list(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "identity")
    response = await post_graphql(client, PARTNER_LIST, headers=tokens.headers(setting.counsellor))
    assert response.json()["data"]["referrals"]["edges"][0]["node"]["client"]["givenName"]


async def test_a_sampled_request_has_a_span_per_waiting_resolver(
    client, tokens, factories, telemetry
):
    await _partner_list(client, tokens, factories)

    spans = telemetry.spans()
    resolvers = [span for span in spans if span.name.startswith("resolve ")]
    operation = next(span for span in spans if span.name == "query PartnerList")
    assert {span.name for span in resolvers} >= {
        "resolve Query.referrals",
        "resolve Referral.overdue",
    }
    assert "resolve Referral.client" not in {span.name for span in resolvers}
    assert all(span.context.trace_id == operation.context.trace_id for span in resolvers)


@pytest.fixture
def unsampled():
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=ALWAYS_OFF)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    meters = MeterProvider()
    instruments.activate(provider, meters)
    try:
        yield exporter
    finally:
        instruments.reset()
        provider.shutdown()
        meters.shutdown()


async def test_an_unsampled_request_makes_no_resolver_spans(client, tokens, factories, unsampled):
    await _partner_list(client, tokens, factories)

    assert unsampled.get_finished_spans() == ()
