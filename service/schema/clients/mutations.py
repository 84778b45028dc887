"""Restriction and erasure of a client's data, by the data-protection officer."""

from __future__ import annotations

import strawberry

from service.clients import privacy
from service.policy.facts import NO_ACCESS
from service.policy.guard import GuardTag, public_type
from service.schema.context import Info
from service.schema.ids import parse_id
from service.schema.payloads import UserError, attempt


@public_type("the outcome of a data-protection officer's action: an id and two flags")
class PrivacyPayload:
    client_id: strawberry.ID | None
    restricted: bool | None
    erased: bool | None
    errors: list[UserError]


def _record(info: Info, tenant_id, client_id, fields: set[str], mutation: str) -> None:
    tag = GuardTag(tenant_id, client_id, "client", client_id, NO_ACCESS)
    info.context.guard.record_write(tag, fields, basis=f"mutation:{mutation}")


@strawberry.type
class ClientPrivacyMutation:
    @strawberry.mutation(description="Restrict processing (Sperrung): reads are refused.")
    async def restrict_client(
        self, info: Info, client_id: strawberry.ID, reason: str
    ) -> PrivacyPayload:
        context = info.context
        done, errors = await attempt(
            privacy.restrict(
                context.session,
                actor=context.actor,
                authorizer=context.authorizer,
                client_id=parse_id(client_id, "client"),
                reason=reason,
                now=context.now,
            )
        )
        if done is None:
            return PrivacyPayload(client_id=None, restricted=None, erased=None, errors=errors)
        _record(info, done.tenant_id, done.client_id, {"restriction"}, "restrictClient")
        return PrivacyPayload(client_id=client_id, restricted=True, erased=None, errors=[])

    @strawberry.mutation(description="Lift a restriction: reads are allowed again by policy.")
    async def lift_restriction(self, info: Info, client_id: strawberry.ID) -> PrivacyPayload:
        context = info.context
        done, errors = await attempt(
            privacy.lift_restriction(
                context.session,
                actor=context.actor,
                authorizer=context.authorizer,
                client_id=parse_id(client_id, "client"),
                now=context.now,
            )
        )
        if done is None:
            return PrivacyPayload(client_id=None, restricted=None, erased=None, errors=errors)
        _record(info, done.tenant_id, done.client_id, {"restriction"}, "liftRestriction")
        return PrivacyPayload(client_id=client_id, restricted=False, erased=None, errors=[])

    @strawberry.mutation(
        description="Erase the client's personal data (Löschung) where the law allows: not "
        "while a case is open. Keys stay; the audit records that data was erased, not what."
    )
    async def erase_client(self, info: Info, client_id: strawberry.ID) -> PrivacyPayload:
        context = info.context
        client, errors = await attempt(
            privacy.erase(
                context.session,
                actor=context.actor,
                authorizer=context.authorizer,
                client_id=parse_id(client_id, "client"),
                now=context.now,
            )
        )
        if client is None:
            return PrivacyPayload(client_id=None, restricted=None, erased=None, errors=errors)
        _record(info, client.tenant_id, client.id, privacy.ERASED_CLIENT_FIELDS, "eraseClient")
        return PrivacyPayload(client_id=client_id, restricted=None, erased=True, errors=[])
