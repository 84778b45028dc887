"""Bearer tokens: verification (every request) and, in development, minting for demo users.

Tokens are OIDC-style JWTs. The accepted algorithm is taken from *our* key, never from the
token's header, which shuts out `alg: none` and HMAC tokens "signed" with a public key.
Claims we read:

| claim    | meaning                                                             |
| -------- | ------------------------------------------------------------------- |
| `sub`    | the user's subject at the identity provider                         |
| `tenant` | slug of the jobcenter (staff and clients)                            |
| `org`    | slug of the partner organisation (partner users); never with tenant |
| `roles`  | list of role names (see identity/roles.py)                          |
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from service.identity.roles import ActorKind, Role
from service.key_files import read_or_create

ALGORITHM_BY_KEY_TYPE: tuple[tuple[type, str], ...] = (
    (rsa.RSAPublicKey, "RS256"),
    (ec.EllipticCurvePublicKey, "ES256"),
    (ed25519.Ed25519PublicKey, "EdDSA"),
)
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub")
DEV_TOKEN_LIFETIME_SECONDS = 8 * 3600


class TokenRejected(Exception):
    """The token is missing or not acceptable. `reason` is a stable code, `message` safe to show."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True, slots=True)
class Claims:
    subject: str
    kind: ActorKind
    tenant_slug: str | None
    organisation_slug: str | None
    roles: frozenset[str]


@dataclass(frozen=True, slots=True)
class VerificationKey:
    kid: str
    algorithm: str
    key: Any  # a cryptography public key

    @classmethod
    def from_public_key(cls, public_key: Any) -> VerificationKey:
        return cls(kid=key_id(public_key), algorithm=algorithm_for(public_key), key=public_key)


def algorithm_for(public_key: Any) -> str:
    for key_type, algorithm in ALGORITHM_BY_KEY_TYPE:
        if isinstance(public_key, key_type):
            return algorithm
    raise ValueError(f"unsupported verification key type {type(public_key).__name__}")


def key_id(public_key: Any) -> str:
    """A stable `kid`: the start of the SHA-256 of the public key's DER encoding."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:16]


class LocalKeys:
    """Keys we hold ourselves: a configured public key file and/or the development key."""

    def __init__(self, keys: list[VerificationKey]) -> None:
        self._by_kid = {key.kid: key for key in keys}

    async def key_for(self, kid: str | None) -> VerificationKey:
        if kid is None and len(self._by_kid) == 1:
            return next(iter(self._by_kid.values()))
        try:
            return self._by_kid[kid or ""]
        except KeyError:
            raise TokenRejected("unknown_key", "token is signed with an unknown key") from None


class RemoteKeys:
    """The identity provider's JWKS, fetched and cached by PyJWT's client."""

    def __init__(self, jwks_url: str) -> None:
        self._client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=600, timeout=5)

    async def key_for(self, kid: str | None) -> VerificationKey:
        if kid is None:
            raise TokenRejected("unknown_key", "token names no key (kid)")
        try:
            # PyJWKClient does blocking I/O on a cache miss; keep it off the event loop.
            jwk = await asyncio.to_thread(self._client.get_signing_key, kid)
        except jwt.PyJWKClientConnectionError:
            raise TokenRejected("keys_unavailable", "signing keys cannot be fetched") from None
        except jwt.PyJWKClientError:
            raise TokenRejected("unknown_key", "token is signed with an unknown key") from None
        return VerificationKey(kid=kid, algorithm=jwk.algorithm_name, key=jwk.key)


KeySource = LocalKeys | RemoteKeys

# PyJWT's exceptions, most specific first, mapped to what a portal can show.
_REJECTIONS: tuple[tuple[type[Exception], str, str], ...] = (
    (jwt.ExpiredSignatureError, "token_expired", "token has expired"),
    (jwt.ImmatureSignatureError, "token_not_yet_valid", "token is not valid yet"),
    (jwt.InvalidAudienceError, "wrong_audience", "token is not meant for this service (audience)"),
    (
        jwt.InvalidIssuerError,
        "wrong_issuer",
        "token was issued by an issuer this service does not accept",
    ),
    (jwt.MissingRequiredClaimError, "missing_claim", "token lacks a required claim"),
    (jwt.InvalidAlgorithmError, "wrong_algorithm", "token algorithm is not accepted"),
    (jwt.InvalidSignatureError, "bad_signature", "token signature is invalid"),
    (jwt.InvalidTokenError, "malformed_token", "token is malformed"),
)


# A token verified once is the same claims until it expires: checking its signature again costs
# about a tenth of a small request (RS256 ≈ 0.1 ms; FIELD-NOTES.md, "what a fast path reached").
# Whether its user is still active here is asked on every request all the same
# (service/sign_in/users.py). An entry is kept at most CACHE_SECONDS, as long as the identity
# provider's keys are cached (RemoteKeys), so a key withdrawn there stops working here as soon.
CACHE_SECONDS = 300.0
CACHE_ENTRIES = 4096


class TokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        keys: KeySource,
        leeway: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._issuer = issuer
        self._audience = audience
        self._keys = keys
        self._leeway = leeway
        self._clock = clock
        self._verified: OrderedDict[str, tuple[Claims, float, float]] = OrderedDict()

    async def verify(self, token: str) -> Claims:
        now = self._clock()
        cached = self._verified.get(token)
        if cached is not None:
            claims, expires_at, kept_until = cached
            if now < min(expires_at, kept_until):
                self._verified.move_to_end(token)
                return claims
            del self._verified[token]
            if now >= expires_at:
                raise TokenRejected("token_expired", "token has expired")
        claims, expires_at = await self._verify_signed(token)
        self._verified[token] = (claims, expires_at, now + CACHE_SECONDS)
        if len(self._verified) > CACHE_ENTRIES:
            self._verified.popitem(last=False)  # the least recently used
        return claims

    async def _verify_signed(self, token: str) -> tuple[Claims, float]:
        """The claims and the moment they stop being accepted (`exp` plus the leeway)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise TokenRejected("malformed_token", "token is malformed") from None
        key = await self._keys.key_for(header.get("kid"))
        if header.get("alg") != key.algorithm:
            raise TokenRejected("wrong_algorithm", "token algorithm is not accepted")
        try:
            payload = jwt.decode(
                token,
                key=key.key,
                algorithms=[key.algorithm],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.InvalidTokenError as error:
            reason, message = _rejection_for(error)
            raise TokenRejected(reason, message) from None
        return claims_from(payload), float(payload["exp"]) + self._leeway


def _rejection_for(error: Exception) -> tuple[str, str]:
    for error_type, reason, message in _REJECTIONS:
        if isinstance(error, error_type):
            return reason, message
    return "malformed_token", "token is malformed"


def claims_from(payload: dict[str, Any]) -> Claims:
    """Read our claims and refuse combinations that name two kinds of actor at once."""
    tenant = payload.get("tenant")
    organisation = payload.get("org")
    roles = payload.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise TokenRejected("bad_claims", "token claim 'roles' must be a list of strings")
    if not isinstance(payload["sub"], str) or not payload["sub"]:
        raise TokenRejected("bad_claims", "token claim 'sub' must be a non-empty string")
    if tenant and organisation:
        raise TokenRejected("bad_claims", "token names both a jobcenter and a partner organisation")
    if not (tenant or organisation):
        raise TokenRejected(
            "bad_claims", "token names neither a jobcenter nor a partner organisation"
        )
    if organisation:
        kind = ActorKind.PARTNER
    elif Role.CLIENT in roles:
        kind = ActorKind.CLIENT
    else:
        kind = ActorKind.STAFF
    return Claims(
        subject=payload["sub"],
        kind=kind,
        tenant_slug=tenant or None,
        organisation_slug=organisation or None,
        roles=frozenset(roles),
    )


# --- development key and minting ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SigningKey:
    private_key: rsa.RSAPrivateKey
    kid: str

    @property
    def verification_key(self) -> VerificationKey:
        return VerificationKey.from_public_key(self.private_key.public_key())

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})


def load_or_create_dev_key(path: Path) -> SigningKey:
    """The development signing key: made on first run, kept in the data folder, never committed."""
    pem = read_or_create(path, _new_dev_key)
    private_key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(private_key, rsa.RSAPrivateKey)
    return SigningKey(private_key=private_key, kid=key_id(private_key.public_key()))


def _new_dev_key() -> bytes:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_public_key_file(path: Path) -> VerificationKey:
    public_key = serialization.load_pem_public_key(path.read_bytes())
    return VerificationKey.from_public_key(public_key)


def token_claims(
    *,
    issuer: str,
    audience: str,
    subject: str,
    roles: list[str],
    tenant_slug: str | None = None,
    organisation_slug: str | None = None,
    lifetime_seconds: int = DEV_TOKEN_LIFETIME_SECONDS,
    now: int | None = None,
) -> dict[str, Any]:
    issued = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "iat": issued,
        "nbf": issued,
        "exp": issued + lifetime_seconds,
        "roles": roles,
    }
    if tenant_slug:
        claims["tenant"] = tenant_slug
    if organisation_slug:
        claims["org"] = organisation_slug
    return claims
