"""The data-protection officer's check of their jobcenter's audit chain, as a request asks it:
recompute the chain and hold it against the newest anchor. The policy decides who may ask
(policies.polar, "The audit chain"); the full history of anchors is the CLI's
(`service audit verify --anchors`), not a request's."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from service.audit.anchoring import Anchoring
from service.audit.verify import ChainReport, anchored_heads, verify_tenant
from service.caller import Caller
from service.policy.actions import Action

AUDIT_CHAIN = "audit"
"""The resource `audit:verify` is asked on: the jobcenter's chain as a whole."""


@dataclass(frozen=True, slots=True)
class ChainVerification:
    intact: bool
    records_checked: int
    first_broken_record: int | None
    problem: str | None
    last_anchored_at: datetime | None
    reaches_last_anchor: bool | None


async def verify_jobcenter_chain(
    caller: Caller, *, anchoring: Anchoring | None
) -> ChainVerification:
    """The caller's jobcenter's chain, checked against the newest anchor if anchoring is set up
    (only that one, its signature checked)."""
    caller.authorizer.authorize(caller.actor, Action.AUDIT_VERIFY, AUDIT_CHAIN)
    tenant_id = caller.actor.tenant_id
    anchor, anchor_problem = None, None
    if anchoring is not None:
        last = await asyncio.to_thread(anchoring.store.last, anchoring.public_key)
        anchor_problem = last.problem
        anchor = last.anchors[0] if last.anchors else None
    anchored = anchored_heads([anchor] if anchor else []).get(tenant_id)
    report = await verify_tenant(caller.session, tenant_id, anchored)
    if anchor_problem:
        return ChainVerification(
            intact=False,
            records_checked=report.records_checked,
            first_broken_record=None,
            problem=f"anchors: {anchor_problem}",
            last_anchored_at=None,
            reaches_last_anchor=None,
        )
    return ChainVerification(
        intact=report.intact,
        records_checked=report.records_checked,
        first_broken_record=report.first_broken_seq,
        problem=report.problem,
        last_anchored_at=anchor.made_at if anchored else None,
        reaches_last_anchor=_reaches(report) if anchored else None,
    )


def _reaches(report: ChainReport) -> bool | None:
    if report.intact:
        return True
    return False if report.misses_anchor else None
