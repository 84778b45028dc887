"""`service token USER`: a signed development token for a user of the local database."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from service.db.location import resolve_database
from service.identity.roles import Role
from service.identity.tokens import load_or_create_dev_key, token_claims
from service.settings import Settings

# Read as the owner: this is a development tool that looks across all jobcenters at once.
_USERS = text(
    """
    SELECT 'tenant' AS scope, t.slug, s.roles FROM staff_users s
      JOIN tenants t ON t.id = s.tenant_id WHERE s.subject = :subject AND s.active
    UNION ALL
    SELECT 'tenant', t.slug, ARRAY[:client_role]::varchar[] FROM clients c
      JOIN tenants t ON t.id = c.tenant_id WHERE c.login_subject = :subject AND c.active
    UNION ALL
    SELECT 'org', o.slug, p.roles FROM partner_users p
      JOIN partner_organisations o ON o.id = p.organisation_id
     WHERE p.subject = :subject AND p.active
    """
)


class DemoUserNotFound(LookupError):
    pass


async def mint_demo_token(
    settings: Settings, subject: str, *, tenant_slug: str | None, lifetime: int
) -> str:
    urls = await resolve_database(settings)
    matches = await _find_user(urls.owner, subject)
    if tenant_slug:
        matches = [match for match in matches if match[1] == tenant_slug]
    if not matches:
        raise DemoUserNotFound(f"no active user {subject!r} in this database")
    if len(matches) > 1:
        slugs = ", ".join(match[1] for match in matches)
        raise DemoUserNotFound(f"{subject!r} exists in several places ({slugs}); pass --tenant")
    scope, slug, roles = matches[0]
    claims = token_claims(
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        subject=subject,
        roles=list(roles),
        tenant_slug=slug if scope == "tenant" else None,
        organisation_slug=slug if scope == "org" else None,
        lifetime_seconds=lifetime,
    )
    return load_or_create_dev_key(settings.dev_signing_key_file).sign(claims)


async def _find_user(owner_url: URL, subject: str) -> list[tuple[str, str, list[str]]]:
    engine = create_async_engine(owner_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(_USERS, {"subject": subject, "client_role": str(Role.CLIENT)})
            return [(row.scope, row.slug, row.roles) for row in rows]
    finally:
        await engine.dispose()
