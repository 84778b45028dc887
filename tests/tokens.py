"""Real signed tokens for tests, from the test identity provider's key."""

from __future__ import annotations

from typing import Any

from service.identity.tokens import SigningKey, token_claims
from tests.factories import Person


class TokenFactory:
    def __init__(self, key: SigningKey, *, issuer: str, audience: str) -> None:
        self.key = key
        self.issuer = issuer
        self.audience = audience

    def claims_for(self, person: Person, **overrides: Any) -> dict[str, Any]:
        claims = token_claims(
            issuer=self.issuer,
            audience=self.audience,
            subject=person.subject,
            roles=list(person.roles),
            tenant_slug=person.tenant_slug,
            organisation_slug=person.organisation_slug,
            lifetime_seconds=600,
        )
        claims.update(overrides)
        return {key: value for key, value in claims.items() if value is not None}

    def for_(self, person: Person, **overrides: Any) -> str:
        return self.key.sign(self.claims_for(person, **overrides))

    def headers(self, person: Person, **overrides: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.for_(person, **overrides)}"}
