from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry

from service.audit.verify import anchored_heads, verify_tenant
from service.policy.actions import Action
from service.policy.guard import public_type
from service.schema.context import Info

AUDIT = "audit"


@public_type("facts about the audit chain (counts and a position), not about any client")
class AuditVerification:
    intact: bool
    records_checked: int
    first_broken_record: int | None = strawberry.field(
        description="Position (seq) in its lane of the jobcenter's chain of the first record "
        "that does not fit; the problem names the lane."
    )
    problem: str | None
    last_anchored_at: datetime | None = strawberry.field(
        description="When the newest anchor (the chain heads signed outside the database) that "
        "names this jobcenter was made; null when the chain is not anchored (yet)."
    )
    reaches_last_anchor: bool | None = strawberry.field(
        description="Whether the chain still reaches every head of the newest anchor, with the "
        "same hashes; null without an anchor, or when the chain breaks before it can tell."
    )


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="Data-protection officer: recompute the jobcenter's audit chain and name the "
        "first changed, missing or inserted record, and check it against the newest anchor."
    )
    async def audit_verification(self, info: Info) -> AuditVerification:
        context = info.context
        context.authorizer.authorize(context.actor, Action.AUDIT_VERIFY, AUDIT)
        tenant_id = context.actor.tenant_id
        anchor, anchor_problem = None, None
        if context.anchoring is not None:
            anchoring = context.anchoring
            # Only the newest anchor, its signature checked: the full history of anchors is
            # the CLI's (`service audit verify --anchors`), not a request's.
            last = await asyncio.to_thread(anchoring.store.last, anchoring.public_key)
            anchor_problem = last.problem
            anchor = last.anchors[0] if last.anchors else None
        anchored = anchored_heads([anchor] if anchor else []).get(tenant_id)
        report = await verify_tenant(context.session, tenant_id, anchored)
        if anchor_problem:
            return AuditVerification(
                intact=False,
                records_checked=report.records_checked,
                first_broken_record=None,
                problem=f"anchors: {anchor_problem}",
                last_anchored_at=None,
                reaches_last_anchor=None,
            )
        return AuditVerification(
            intact=report.intact,
            records_checked=report.records_checked,
            first_broken_record=report.first_broken_seq,
            problem=report.problem,
            last_anchored_at=anchor.made_at if anchored else None,
            reaches_last_anchor=_reaches(report) if anchored else None,
        )


def _reaches(report) -> bool | None:
    if report.intact:
        return True
    return False if report.misses_anchor else None
