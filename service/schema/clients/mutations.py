"""Restriction and erasure of a client's data, by the data-protection officer."""

from __future__ import annotations

import strawberry

from service.audit.object_types import object_type_of_table
from service.audit.writes import camel
from service.clients import privacy
from service.ids import parse_id
from service.policy.guard import public_type
from service.schema.context import Info
from service.schema.payloads import UserError, run_change
from service.tables import all_tables


@public_type("the outcome of a data-protection officer's action: an id and two flags")
class PrivacyPayload:
    client_id: strawberry.ID | None
    restricted: bool | None
    erased: bool | None
    errors: list[UserError]


@strawberry.type
class ClientPrivacyMutation:
    @strawberry.mutation(
        description="Restrict processing (Sperrung): reads and changes are refused; a "
        "refused change is the payload error RESTRICTED."
    )
    async def restrict_client(
        self, info: Info, client_id: strawberry.ID, reason: str
    ) -> PrivacyPayload:
        done, errors = await run_change(
            info,
            lambda caller: privacy.restrict(
                caller,
                client_id=parse_id(client_id, "client"),
                reason=reason,
            ),
        )
        if done is None:
            return PrivacyPayload(client_id=None, restricted=None, erased=None, errors=errors)
        return PrivacyPayload(client_id=client_id, restricted=True, erased=None, errors=[])

    @strawberry.mutation(
        description="Lift a restriction: reads and changes are allowed again by policy."
    )
    async def lift_restriction(self, info: Info, client_id: strawberry.ID) -> PrivacyPayload:
        done, errors = await run_change(
            info,
            lambda caller: privacy.lift_restriction(
                caller,
                client_id=parse_id(client_id, "client"),
            ),
        )
        if done is None:
            return PrivacyPayload(client_id=None, restricted=None, erased=None, errors=errors)
        return PrivacyPayload(client_id=client_id, restricted=False, erased=None, errors=[])

    @strawberry.mutation(
        description="Erase the client's personal data (Löschung) where the law allows: not "
        "while a case is open. Keys stay; the audit records that data was erased, not what."
    )
    async def erase_client(self, info: Info, client_id: strawberry.ID) -> PrivacyPayload:
        done, errors = await run_change(
            info,
            lambda caller: privacy.erase(
                caller, client_id=parse_id(client_id, "client"), tables=all_tables()
            ),
        )
        if done is None:
            return PrivacyPayload(client_id=None, restricted=None, erased=None, errors=errors)
        client, erased_rows = done
        # Bulk updates: the flush-time recording (audit/writes.py) does not see them. The audit
        # says which fields of which rows were erased, never what they held.
        for row in erased_rows:
            info.context.guard.log.write(
                tenant_id=client.tenant_id,
                subject_id=client.id,
                object_type=object_type_of_table(row.table),
                object_id=row.row_id,
                fields={camel(column) for column in row.columns},
                basis="erasure",
            )
        return PrivacyPayload(client_id=client_id, restricted=None, erased=True, errors=[])
