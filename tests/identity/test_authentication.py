"""Every request needs a valid bearer token; every way a token can be wrong gets a 401 with a
reason a portal can show, and no data."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from service.identity.roles import Role
from service.identity.tokens import load_or_create_dev_key
from tests.graphql import assert_unauthenticated, post_graphql

ME_SUBJECT = "{ me { subject } }"


@pytest.fixture
async def case_manager(factories):
    jobcenter = await factories.jobcenter()
    return await factories.staff(jobcenter, Role.CASE_MANAGER)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict, claims: dict) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"


async def test_valid_token_gets_me(client, tokens, case_manager):
    response = await post_graphql(client, ME_SUBJECT, headers=tokens.headers(case_manager))

    assert response.status_code == 200
    assert response.json() == {"data": {"me": {"subject": case_manager.subject}}}


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer   "],
    ids=["absent", "empty", "basic-scheme", "bearer-without-token", "bearer-blank"],
)
async def test_missing_token_is_refused(client, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}

    response = await post_graphql(client, ME_SUBJECT, headers=headers)

    assert_unauthenticated(response, "missing_token")
    assert response.headers["www-authenticate"] == 'Bearer realm="casework"'


async def test_garbage_token_is_refused(client):
    response = await post_graphql(client, ME_SUBJECT, headers={"Authorization": "Bearer a.b.c"})

    assert_unauthenticated(response, "malformed_token")


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "token_expired"),
        ({"nbf": int(time.time()) + 3600}, "token_not_yet_valid"),
        ({"aud": "another-service"}, "wrong_audience"),
        ({"iss": "https://evil.example/issuer"}, "wrong_issuer"),
        ({"exp": None}, "missing_claim"),
        ({"roles": "case_manager"}, "bad_claims"),
    ],
    ids=[
        "expired",
        "not-yet-valid",
        "wrong-audience",
        "wrong-issuer",
        "no-expiry",
        "roles-not-list",
    ],
)
async def test_token_with_bad_claims_is_refused(client, tokens, case_manager, overrides, reason):
    response = await post_graphql(
        client, ME_SUBJECT, headers=tokens.headers(case_manager, **overrides)
    )

    assert_unauthenticated(response, reason)


async def test_token_naming_tenant_and_organisation_is_refused(client, tokens, case_manager):
    headers = tokens.headers(case_manager, org="schuldnerberatung-west")

    response = await post_graphql(client, ME_SUBJECT, headers=headers)

    assert_unauthenticated(response, "bad_claims")


async def test_token_signed_by_another_key_is_refused(client, tokens, case_manager, tmp_path):
    forger = load_or_create_dev_key(tmp_path / "forger.pem")
    # Same kid as the real key: only the signature can tell them apart.
    forged = jwt.encode(
        tokens.claims_for(case_manager),
        forger.private_key,
        algorithm="RS256",
        headers={"kid": tokens.key.kid},
    )

    response = await post_graphql(client, ME_SUBJECT, headers={"Authorization": f"Bearer {forged}"})

    assert_unauthenticated(response, "bad_signature")


async def test_token_with_unknown_key_id_is_refused(client, tokens, case_manager, tmp_path):
    other = load_or_create_dev_key(tmp_path / "other.pem")

    response = await post_graphql(
        client,
        ME_SUBJECT,
        headers={"Authorization": f"Bearer {other.sign(tokens.claims_for(case_manager))}"},
    )

    assert_unauthenticated(response, "unknown_key")


async def test_unsigned_alg_none_token_is_refused(client, tokens, case_manager):
    token = (
        _unsigned(
            {"alg": "none", "typ": "JWT", "kid": tokens.key.kid}, tokens.claims_for(case_manager)
        )
        + "."
    )

    response = await post_graphql(client, ME_SUBJECT, headers={"Authorization": f"Bearer {token}"})

    assert_unauthenticated(response, "wrong_algorithm")


async def test_hmac_token_keyed_with_the_public_key_is_refused(client, tokens, case_manager):
    public_pem = tokens.key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = _unsigned(
        {"alg": "HS256", "typ": "JWT", "kid": tokens.key.kid}, tokens.claims_for(case_manager)
    )
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{_b64(signature)}"

    response = await post_graphql(client, ME_SUBJECT, headers={"Authorization": f"Bearer {token}"})

    assert_unauthenticated(response, "wrong_algorithm")


async def test_token_for_unknown_jobcenter_is_refused(client, tokens, case_manager):
    response = await post_graphql(
        client, ME_SUBJECT, headers=tokens.headers(case_manager, tenant="jc-does-not-exist")
    )

    assert_unauthenticated(response, "unknown_tenant")


async def test_token_for_unknown_organisation_is_refused(client, tokens, factories):
    organisation = await factories.organisation()
    counsellor = await factories.partner_user(organisation)

    response = await post_graphql(
        client, ME_SUBJECT, headers=tokens.headers(counsellor, org="org-does-not-exist")
    )

    assert_unauthenticated(response, "unknown_organisation")


async def test_token_for_unknown_user_is_refused(client, tokens, case_manager):
    response = await post_graphql(
        client, ME_SUBJECT, headers=tokens.headers(case_manager, sub="nobody.here")
    )

    assert_unauthenticated(response, "unknown_user")


async def test_disabled_user_is_refused_despite_a_valid_token(client, tokens, factories):
    jobcenter = await factories.jobcenter()
    former_colleague = await factories.staff(jobcenter, Role.CASE_MANAGER, active=False)

    response = await post_graphql(client, ME_SUBJECT, headers=tokens.headers(former_colleague))

    assert_unauthenticated(response, "unknown_user")


async def test_staff_of_one_jobcenter_cannot_sign_in_to_another(client, tokens, factories):
    home = await factories.jobcenter()
    elsewhere = await factories.jobcenter()
    case_manager = await factories.staff(home, Role.CASE_MANAGER)

    response = await post_graphql(
        client, ME_SUBJECT, headers=tokens.headers(case_manager, tenant=elsewhere.slug)
    )

    assert_unauthenticated(response, "unknown_user")
