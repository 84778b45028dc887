"""Making anchors: read every jobcenter's chain heads, sign them, append them to the store.

Who reads the heads: `audit_anchor_heads()` (migration 0021), a SECURITY DEFINER function that
returns (tenant, lane, seq, hash) of every jobcenter and nothing else, callable by the service's
role. So `service serve` anchors with its own pool (the app role sees only its bound jobcenter's
records under row-level security) and `service audit anchor` (cron, as owner or app role) the
same way; neither needs the owner's rights in production.

Nothing here runs on the request path: a plain SELECT of the heads takes no lock a request
waits for (the appenders' row locks block writers, not readers), and one signature per interval
covers every jobcenter.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from service.audit.anchor_keys import signing_key, verification_key
from service.audit.anchors import Anchor, AnchorDirectory, Head
from service.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Anchoring:
    """A running service's anchoring: where anchors go, the key that signs them, the key the
    data-protection officer's verification checks the last one with."""

    store: AnchorDirectory
    private_key: Ed25519PrivateKey
    public_key: Ed25519PublicKey
    interval_seconds: float

    @classmethod
    def configured(cls, settings: Settings) -> Anchoring | None:
        """None without AUDIT_ANCHOR_DIR; a bad key stops the start (AnchorKeyError) rather
        than leave the log unanchored unnoticed."""
        if settings.audit_anchor_dir is None:
            return None
        private_key = signing_key(settings)
        public_key = (
            verification_key(settings)
            if settings.audit_anchor_public_key_file
            else private_key.public_key()
        )
        return cls(
            AnchorDirectory(settings.audit_anchor_dir),
            private_key,
            public_key,
            settings.audit_anchor_interval_seconds,
        )


HEADS = text("SELECT tenant_id, lane, seq, hash FROM audit_anchor_heads()")


async def read_heads(engine: AsyncEngine) -> list[Head]:
    async with engine.connect() as conn:
        rows = (await conn.execute(HEADS)).all()
        await conn.rollback()
    return [Head(row.tenant_id, row.lane, row.seq, bytes(row.hash)) for row in rows]


async def anchor_now(
    engine: AsyncEngine, store: AnchorDirectory, private_key: Ed25519PrivateKey
) -> Anchor:
    heads = await read_heads(engine)
    # The time is taken after the heads were read: the anchor vouches for nothing later.
    made_at = datetime.now(UTC)
    return await asyncio.to_thread(store.append, heads, private_key, made_at)


async def anchor_periodically(
    engine: AsyncEngine, store: AnchorDirectory, private_key: Ed25519PrivateKey, interval: float
) -> None:
    """At start, then every `interval` seconds, until cancelled. A failed round is logged (by
    type, never the message) and the next round tries again: a missed anchor widens the window,
    it must not stop the service."""
    while True:
        try:
            anchor = await anchor_now(engine, store, private_key)
            log.info(
                "audit chain heads anchored",
                extra={"fields": {"anchor": anchor.number, "heads": len(anchor.heads)}},
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            log.error("audit anchoring failed", exc_info=True)
        await asyncio.sleep(interval)
