"""A verified token is not verified again on every request — but it never outlives its expiry,
a changed byte is a new token, the cache forgets within minutes what the keys no longer sign,
and a user disabled here is refused on the very next request with the same token."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from service.identity.roles import Role
from service.identity.tokens import (
    CACHE_SECONDS,
    LocalKeys,
    TokenRejected,
    TokenVerifier,
    load_or_create_dev_key,
    token_claims,
)
from tests.graphql import assert_unauthenticated, post_graphql

ME_SUBJECT = "{ me { subject } }"
LEEWAY = 30


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def signing(tmp_path):
    return load_or_create_dev_key(tmp_path / "key.pem")


def _verifier(signing, clock: Clock) -> TokenVerifier:
    keys = LocalKeys([signing.verification_key])
    return TokenVerifier(issuer="iss", audience="aud", keys=keys, leeway=LEEWAY, clock=clock)


def _token(signing, lifetime: int = 600) -> str:
    claims = token_claims(
        issuer="iss",
        audience="aud",
        subject="fm.test",
        roles=["case_manager"],
        tenant_slug="jc",
        lifetime_seconds=lifetime,
    )
    return signing.sign(claims)


async def test_a_cached_token_is_refused_once_it_has_expired(signing):
    clock = Clock()
    verifier = _verifier(signing, clock)
    token = _token(signing, lifetime=600)

    first = await verifier.verify(token)
    clock.now += 600 + LEEWAY + 1

    assert first.subject == "fm.test"
    with pytest.raises(TokenRejected) as refused:
        await verifier.verify(token)
    assert refused.value.reason == "token_expired"


async def test_a_token_with_one_byte_changed_is_checked_afresh(signing):
    verifier = _verifier(signing, Clock())
    token = _token(signing)
    await verifier.verify(token)
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]

    with pytest.raises(TokenRejected) as refused:
        await verifier.verify(tampered)
    assert refused.value.reason in {"bad_signature", "malformed_token"}


async def test_the_cache_forgets_within_minutes_what_the_keys_no_longer_sign(signing, tmp_path):
    clock = Clock()
    verifier = _verifier(signing, clock)
    token = _token(signing, lifetime=3600)
    await verifier.verify(token)
    other = load_or_create_dev_key(tmp_path / "rotated.pem")
    verifier._keys = LocalKeys([other.verification_key])  # the old key withdrawn

    still = await verifier.verify(token)  # within the minutes the keys themselves are cached
    clock.now += CACHE_SECONDS + 1

    assert still.subject == "fm.test"
    with pytest.raises(TokenRejected) as refused:
        await verifier.verify(token)
    assert refused.value.reason == "unknown_key"


async def test_a_user_disabled_after_signing_in_is_refused_with_the_same_token(
    client, tokens, factories, owner_url
):
    jobcenter = await factories.jobcenter()
    case_manager = await factories.staff(jobcenter, Role.CASE_MANAGER)
    headers = tokens.headers(case_manager)
    before = await post_graphql(client, ME_SUBJECT, headers=headers)

    engine = create_async_engine(owner_url)
    async with engine.begin() as owner:
        await owner.execute(
            text("UPDATE staff_users SET active = false WHERE subject = :subject"),
            {"subject": case_manager.subject},
        )
    await engine.dispose()
    after = await post_graphql(client, ME_SUBJECT, headers=headers)

    assert before.json() == {"data": {"me": {"subject": case_manager.subject}}}
    assert_unauthenticated(after, "unknown_user")
