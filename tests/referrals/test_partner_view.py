"""What a partner sees of a referral: the referral itself, and of the client exactly the fields
an active consent for their organisation and this referral covers. Everything else is null with
FORBIDDEN at its path; revocation and expiry take effect on the very next request."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta
from types import TracebackType

from service.errors import ServiceError
from tests.graphql import post_graphql
from tests.graphql_errors import errors_by_path, forbidden_paths
from tests.referral_factories import consent, referral, referral_setting

REFERRAL_WITH_CLIENT = """
query Referral($id: ID!) {
  referral(id: $id) {
    id
    purpose
    status
    jobcenter { slug }
    partnerOrganisation { slug }
    client { givenName familyName street phone householdSize }
  }
}
"""
REFERRAL_LIST = """
query Referrals {
  referrals(first: 50) {
    edges { node { id jobcenter { slug } client { familyName } } }
    pageInfo { hasNextPage }
  }
}
"""
CLIENT_FIELDS = ("givenName", "familyName", "street", "phone", "householdSize")


def _client_path(field: str) -> tuple:
    return ("referral", "client", field)


async def _read(client, tokens, setting, referral_id):
    response = await post_graphql(
        client,
        REFERRAL_WITH_CLIENT,
        headers=tokens.headers(setting.counsellor),
        variables={"id": str(referral_id)},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_partner_sees_exactly_the_consented_categories(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "identity", "contact", "assessment_finances")

    body = await _read(client, tokens, setting, referral_id)

    seen = body["data"]["referral"]
    assert seen["purpose"] == "Schuldenregulierung klären"
    assert seen["partnerOrganisation"] == {"slug": setting.organisation.slug}
    assert seen["client"] == {
        "givenName": "Tobias",
        "familyName": "Schuldenfrei",
        "street": None,  # contact consented, but no street on record
        "phone": None,
        "householdSize": None,
    }
    assert forbidden_paths(body) == {_client_path("householdSize")}


async def test_partner_without_consent_sees_the_referral_and_no_personal_data(
    client, tokens, factories
):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)

    body = await _read(client, tokens, setting, referral_id)

    assert body["data"]["referral"]["status"] == "ACCEPTED"
    assert body["data"]["referral"]["client"] == dict.fromkeys(CLIENT_FIELDS)
    assert forbidden_paths(body) == {_client_path(field) for field in CLIENT_FIELDS}


async def test_revoked_consent_opens_nothing(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "identity", "contact", revoked=True)

    body = await _read(client, tokens, setting, referral_id)

    assert body["data"]["referral"]["client"]["familyName"] is None
    assert _client_path("familyName") in forbidden_paths(body)


async def test_expired_consent_opens_nothing(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    past = datetime.now(UTC) - timedelta(days=400)
    await consent(
        factories,
        setting,
        referral_id,
        "identity",
        valid_from=past,
        valid_until=past + timedelta(days=365),
    )

    body = await _read(client, tokens, setting, referral_id)

    assert body["data"]["referral"]["client"]["familyName"] is None


async def test_consent_not_yet_valid_opens_nothing(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await consent(
        factories,
        setting,
        referral_id,
        "identity",
        valid_from=datetime.now(UTC) + timedelta(days=3),
    )

    body = await _read(client, tokens, setting, referral_id)

    assert body["data"]["referral"]["client"]["familyName"] is None


async def test_consent_for_the_jobcenter_direction_does_not_open_data_to_the_partner(
    client, tokens, factories
):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "identity", direction="to_jobcenter")

    body = await _read(client, tokens, setting, referral_id)

    assert body["data"]["referral"]["client"]["familyName"] is None


async def test_consent_for_another_referral_does_not_open_this_one(client, tokens, factories):
    setting = await referral_setting(factories)
    earlier = await referral(factories, setting)
    current = await referral(factories, setting)
    await consent(factories, setting, earlier, "identity")

    body = await _read(client, tokens, setting, current)

    assert body["data"]["referral"]["client"]["familyName"] is None
    assert (await _read(client, tokens, setting, earlier))["data"]["referral"]["client"][
        "familyName"
    ] == "Schuldenfrei"


async def test_partner_guessing_another_organisations_referral_gets_not_found(
    client, tokens, factories
):
    ours = await referral_setting(factories)
    theirs = await referral_setting(factories)
    their_referral = await referral(factories, theirs)

    body = await _read(client, tokens, ours, their_referral)

    assert body["data"] is None
    assert errors_by_path(body) == {("referral",): "NOT_FOUND"}


async def test_partner_of_two_jobcenters_lists_both_and_nothing_else(client, tokens, factories):
    north = await referral_setting(factories)
    south = await referral_setting(factories)
    # North's organisation is also in south's network; south refers a client to it.
    await factories.add_membership(north.organisation, south.jobcenter)
    from_north = await referral(factories, north)
    from_south = await referral(factories, south, organisation=north.organisation)
    to_someone_else = await referral(factories, south)

    response = await post_graphql(client, REFERRAL_LIST, headers=tokens.headers(north.counsellor))

    nodes = [edge["node"] for edge in response.json()["data"]["referrals"]["edges"]]
    assert {node["id"] for node in nodes} == {str(from_north), str(from_south)}
    assert str(to_someone_else) not in {node["id"] for node in nodes}
    assert {node["jobcenter"]["slug"] for node in nodes} == {
        north.jobcenter.slug,
        south.jobcenter.slug,
    }


def _line_and_column(text: str, word: str) -> dict[str, int]:
    """Where `word` first stands in `text`, counted by hand (1-indexed, as GraphQL counts)."""
    at = text.index(f" {word}") + 1
    return {"line": text.count("\n", 0, at) + 1, "column": at - text.rfind("\n", 0, at)}


async def test_each_refused_field_names_its_place_in_the_document(client, tokens, factories):
    """The locations of FORBIDDEN errors (service/schema/parsing.py works each out once per
    document): the same on the first request and on the next, which finds the document
    parsed."""
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "identity")

    for _ in range(2):
        body = await _read(client, tokens, setting, referral_id)

        assert {error["path"][-1]: error["locations"] for error in body["errors"]} == {
            field: [_line_and_column(REFERRAL_WITH_CLIENT, field)]
            for field in ("street", "phone", "householdSize")
        }


async def test_refused_fields_leave_no_reference_cycles(client, tokens, factories):
    """Each FORBIDDEN error, once shaped, lets go of the exception and the stack it was raised
    through (service/schema/errors.py): they held the executor, whose error list held the
    error, and only Python's collector freed such cycles — about 40 % of a partner list's CPU.
    With the collector off, no refusal and no stack of a request is left for it (graphql-core's
    own executor still leaves its error list in a cycle: not the stacks)."""
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "identity")
    await _read(client, tokens, setting, referral_id)  # caches warm: what stays is not garbage

    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        body = await _read(client, tokens, setting, referral_id)
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, ServiceError | TracebackType)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()

    assert len(forbidden_paths(body)) == 3
    assert left == []
