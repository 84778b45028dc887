from __future__ import annotations

import strawberry

from service.audit.verify import verify_tenant
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


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="Data-protection officer: recompute the jobcenter's audit chain and name the "
        "first changed, missing or inserted record."
    )
    async def audit_verification(self, info: Info) -> AuditVerification:
        context = info.context
        context.authorizer.authorize(context.actor, Action.AUDIT_VERIFY, AUDIT)
        report = await verify_tenant(context.session, context.actor.tenant_id)
        return AuditVerification(
            intact=report.intact,
            records_checked=report.records_checked,
            first_broken_record=report.first_broken_seq,
            problem=report.problem,
        )
