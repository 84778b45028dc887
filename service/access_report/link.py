"""Download links for the printable Auskunft: a portal hands the client (or the data-protection
officer hands a client) a URL that opens their document without a bearer header.

A link is a short-lived, single-purpose grant signed with a key the service holds (HMAC-SHA256,
standard library): it names the client, the jobcenter, who issued it (kind, id and the roles
they then had), the purpose (the printable Auskunft, nothing else), the period and the expiry.
It opens that one document and nothing else: not the copy as JSON, not GraphQL. Downloading
with it is the issuer reading the Auskunft, authorized and recorded as if they had asked with
their token — the issuer must still be an active user with those roles, and the policy is
asked again. A link cannot be revoked; it expires (AUSKUNFT_LINK_SECONDS, 10 minutes by
default), which is why it is short-lived. The URL carries no name, only ids.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.access_report.report import OBJECT_TYPE
from service.caller import Caller
from service.clients.access import client_for
from service.clients.models import Client
from service.errors import UserError, ValidationFailed
from service.identity.actor import Actor
from service.identity.roles import ROLES_BY_KIND, ActorKind, Role
from service.key_files import read_or_create
from service.policy.actions import Action
from service.policy.guard import GuardTag
from service.settings import Settings
from service.staff.models import StaffUser

PURPOSE = "auskunft:document"
VERSION = "v1"


class LinkRejected(Exception):
    """A link that opens nothing: `reason` says why (for the portal), never whose it was."""

    def __init__(self, reason: str, message: str, *, status: int = 401) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class LinkGrant:
    client_id: uuid.UUID
    tenant_id: uuid.UUID
    issuer_kind: ActorKind
    issuer_id: uuid.UUID
    roles: frozenset[str]
    first_day: date | None
    last_day: date | None
    expires_at: datetime
    purpose: str = PURPOSE

    def url(self, key: bytes) -> str:
        return f"/auskunft/{self.client_id}?token={sign(self, key)}&format=pdf"


def link_key(settings: Settings) -> bytes | None:
    """The signing key; in development mode one made in the data folder on first use."""
    if settings.auskunft_link_key:
        return settings.auskunft_link_key.encode()
    if not settings.development:
        return None
    made = read_or_create(
        settings.dev_auskunft_link_key_file, lambda: secrets.token_urlsafe(48).encode()
    )
    return made.strip()


@dataclass(frozen=True, slots=True)
class IssuedLink:
    url: str
    expires_at: datetime
    tag: GuardTag  # the Auskunft as the guard sees it: handing out the URL is recorded on it


async def issue_link(
    caller: Caller,
    *,
    client_id: uuid.UUID,
    first_day: date | None,
    last_day: date | None,
    key: bytes | None,
    lifetime_seconds: int,
) -> IssuedLink:
    """A link for whoever may read the client's Auskunft (NOT_FOUND / FORBIDDEN otherwise)."""
    client, access = await client_for(caller, client_id=client_id, action=Action.ACCESS_REPORT_READ)
    if key is None:
        raise UserError(
            None,
            "LINKS_DISABLED",
            "download links are not configured (AUSKUNFT_LINK_KEY)",
            "Download-Links sind nicht eingerichtet (AUSKUNFT_LINK_KEY)",
        )
    if first_day and last_day and first_day > last_day:
        raise ValidationFailed(
            "from", "the period starts after it ends", "der Zeitraum beginnt nach seinem Ende"
        )
    grant = _grant_for(caller, client, first_day, last_day, lifetime_seconds)
    tag = GuardTag(
        tenant_id=client.tenant_id,
        subject_id=client.id,
        object_type=OBJECT_TYPE,
        object_id=client.id,
        access=access,
    )
    return IssuedLink(url=grant.url(key), expires_at=grant.expires_at, tag=tag)


def _grant_for(
    caller: Caller,
    client: Client,
    first_day: date | None,
    last_day: date | None,
    lifetime_seconds: int,
) -> LinkGrant:
    actor = caller.actor
    return LinkGrant(
        client_id=client.id,
        tenant_id=client.tenant_id,
        issuer_kind=actor.kind,
        issuer_id=actor.user_id,
        roles=frozenset(str(role) for role in actor.roles),
        first_day=first_day,
        last_day=last_day,
        expires_at=caller.now + timedelta(seconds=lifetime_seconds),
    )


def sign(grant: LinkGrant, key: bytes) -> str:
    claims = {
        "sub": str(grant.client_id),
        "tid": str(grant.tenant_id),
        "ik": str(grant.issuer_kind),
        "iid": str(grant.issuer_id),
        "rol": sorted(grant.roles),
        "pur": grant.purpose,
        "from": grant.first_day.isoformat() if grant.first_day else None,
        "to": grant.last_day.isoformat() if grant.last_day else None,
        "exp": int(grant.expires_at.timestamp()),
    }
    body = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signed = f"{VERSION}.{body}"
    return f"{signed}.{_b64(_mac(key, signed))}"


def verify(token: str, key: bytes | None, *, client_id: uuid.UUID, now: datetime) -> LinkGrant:
    """The grant a link carries, if it is ours, unaltered, unexpired, for this document."""
    if key is None:
        raise LinkRejected("links_disabled", "download links are not configured", status=403)
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        raise LinkRejected("malformed_link", "the link is not a download link of this service")
    signed = f"{parts[0]}.{parts[1]}"
    # The signature first: nothing of an unsigned body is read.
    try:
        mac = _unb64(parts[2])
    except (ValueError, binascii.Error):
        mac = b""
    if not hmac.compare_digest(mac, _mac(key, signed)):
        raise LinkRejected("bad_link_signature", "the link was altered or not issued here")
    try:
        grant = _grant(json.loads(_unb64(parts[1])))
    except (ValueError, binascii.Error):
        raise LinkRejected("malformed_link", "the link is damaged") from None
    if grant.purpose != PURPOSE:
        raise LinkRejected("wrong_purpose", "the link is not for this document", status=403)
    if now >= grant.expires_at:
        raise LinkRejected("link_expired", "the link has expired; ask for a new one")
    if grant.client_id != client_id:
        raise LinkRejected("wrong_document", "the link is for another document", status=403)
    return grant


async def issuer_of(session: AsyncSession, grant: LinkGrant) -> Actor:
    """Who issued the link, as they stand now: active, with the roles both the link and their
    record still grant (a data-protection officer who left opens nothing with old links)."""
    if grant.issuer_kind is ActorKind.STAFF:
        staff = await session.scalar(
            select(StaffUser).where(StaffUser.id == grant.issuer_id, StaffUser.active)
        )
        user = (staff.subject, staff.display_name, staff.roles) if staff else None
    elif grant.issuer_kind is ActorKind.CLIENT:
        client = await session.scalar(
            select(Client).where(Client.id == grant.issuer_id, Client.active)
        )
        name = f"{client.given_name} {client.family_name}" if client else ""
        user = (client.login_subject or "", name, [Role.CLIENT]) if client else None
    else:
        user = None
    if user is None:
        raise LinkRejected("unknown_user", "the link's issuer is no longer a user here")
    subject, display_name, recorded = user
    granted = grant.roles & {str(r) for r in recorded} & ROLES_BY_KIND[grant.issuer_kind]
    return Actor(
        kind=grant.issuer_kind,
        user_id=grant.issuer_id,
        subject=subject,
        display_name=display_name,
        roles=frozenset(Role(role) for role in granted),
        tenant_id=grant.tenant_id,
    )


def _grant(claims: dict) -> LinkGrant:
    try:
        return LinkGrant(
            client_id=uuid.UUID(claims["sub"]),
            tenant_id=uuid.UUID(claims["tid"]),
            issuer_kind=ActorKind(claims["ik"]),
            issuer_id=uuid.UUID(claims["iid"]),
            roles=frozenset(claims["rol"]),
            first_day=date.fromisoformat(claims["from"]) if claims["from"] else None,
            last_day=date.fromisoformat(claims["to"]) if claims["to"] else None,
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
            purpose=str(claims["pur"]),
        )
    except (KeyError, TypeError, ValueError):
        # Signed by us but not readable: a link of a format this version does not know.
        raise LinkRejected("malformed_link", "the link is damaged") from None


def _mac(key: bytes, signed: str) -> bytes:
    return hmac.new(key, f"{PURPOSE}|{signed}".encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
