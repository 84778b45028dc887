from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import strawberry

from service.audit.verification import verify_jobcenter_chain
from service.policy.guard import public_type
from service.schema.context import Info


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
        checked = await verify_jobcenter_chain(
            info.context.caller(), anchoring=info.context.anchoring
        )
        return AuditVerification(**asdict(checked))
