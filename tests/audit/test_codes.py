"""The compact layout: one link per request and jobcenter, entries with codes and a field mask,
dictionaries that only grow — and what happens when an object kind would need a 64th field."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service.audit.event import AuditEvent
from service.audit.models import FIELD_BITS
from service.audit.recorder import append
from service.audit.verify import verify_tenant
from service.policy.guard import FieldGuard
from service.schema import schema
from service.tables import all_tables
from service.tenants.binding import scope_binding
from service.tenants.scope import Scope
from tests.audit.chains import event


async def _append(engine, events: list[AuditEvent]) -> int:
    async with engine.begin() as conn:
        return await append(conn, events)


async def _rows(engine, sql: str, **params) -> list[dict]:
    async with engine.connect() as conn:
        return [dict(r._mapping) for r in await conn.execute(text(sql), params)]


async def test_a_request_is_one_link_and_its_objects_are_coded_entries(factories, owner):
    jobcenter = await factories.jobcenter()
    client, case, request = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    events = [
        event(jobcenter.id, request, client),
        event(
            jobcenter.id,
            request,
            client,
            object_type="case",
            object_id=case,
            fields=("status",),
            basis=f"consent:{uuid.UUID(int=9)}",
        ),
        event(jobcenter.id, request, client, action="write", fields=("phone",), basis="change"),
    ]

    written = await _append(owner, events)

    headers = await _rows(
        owner, "SELECT seq, operation FROM audit_requests WHERE tenant_id = :t", t=jobcenter.id
    )
    stored = await _rows(
        owner,
        "SELECT e.entry, k.action, k.object_type, e.object_id, e.fields, b.name AS basis"
        " FROM audit_entries e"
        " JOIN audit_kinds k ON k.tenant_id = e.tenant_id AND k.code = e.kind"
        " JOIN audit_bases b ON b.tenant_id = e.tenant_id AND b.code = e.basis"
        " WHERE e.tenant_id = :t ORDER BY e.entry",
        t=jobcenter.id,
    )
    decoded = await _rows(
        owner,
        "SELECT seq, entry, object_type, object_id, fields FROM audit_records"
        " WHERE tenant_id = :t ORDER BY entry",
        t=jobcenter.id,
    )
    assert written == 3
    assert headers == [{"seq": 1, "operation": "CaseList"}]
    # Bits in name order per kind: familyName 0, givenName 1; the client's own record: no id.
    assert stored == [
        {"entry": 1, "action": "read", "object_type": "client", "object_id": None, "fields": 3,
         "basis": "responsible_case_manager"},
        {"entry": 2, "action": "read", "object_type": "case", "object_id": case, "fields": 1,
         "basis": f"consent:{uuid.UUID(int=9)}"},
        {"entry": 3, "action": "write", "object_type": "client", "object_id": None, "fields": 1,
         "basis": "change"},
    ]  # fmt: skip
    assert decoded == [
        {"seq": 1, "entry": 1, "object_type": "client", "object_id": client,
         "fields": ["familyName", "givenName"]},
        {"seq": 1, "entry": 2, "object_type": "case", "object_id": case, "fields": ["status"]},
        {"seq": 1, "entry": 3, "object_type": "client", "object_id": client, "fields": ["phone"]},
    ]  # fmt: skip


async def test_new_names_get_new_codes_and_old_records_keep_their_meaning(factories, owner):
    jobcenter = await factories.jobcenter()
    client = uuid.uuid4()
    await _append(owner, [event(jobcenter.id, uuid.uuid4(), client)])
    await _append(owner, [event(jobcenter.id, uuid.uuid4(), client, fields=("city", "email"))])

    fields = await _rows(
        owner,
        "SELECT bit, name FROM audit_fields WHERE tenant_id = :t ORDER BY bit",
        t=jobcenter.id,
    )
    decoded = await _rows(
        owner, "SELECT seq, fields FROM audit_records WHERE tenant_id = :t ORDER BY seq",
        t=jobcenter.id,
    )  # fmt: skip
    report = await verify_tenant_as_owner(owner, jobcenter.id)
    assert fields == [
        {"bit": 0, "name": "familyName"},
        {"bit": 1, "name": "givenName"},
        {"bit": 2, "name": "city"},
        {"bit": 3, "name": "email"},
    ]
    assert decoded == [
        {"seq": 1, "fields": ["familyName", "givenName"]},
        {"seq": 2, "fields": ["city", "email"]},
    ]
    assert (report.intact, report.records_checked) == (True, 2)


async def verify_tenant_as_owner(engine, tenant_id):
    async with engine.connect() as conn:
        return await verify_tenant(conn, tenant_id)


async def test_one_request_over_two_jobcenters_is_a_link_in_each_chain(factories, owner):
    north, south = await factories.jobcenter(), await factories.jobcenter()
    request = uuid.uuid4()
    events = [event(t.id, request, uuid.uuid4()) for t in (north, south, north)]

    await _append(owner, events)

    links = await _rows(
        owner,
        "SELECT tenant_id, seq, count(*) AS entries FROM audit_records"
        " WHERE request_id = :r GROUP BY 1, 2 ORDER BY entries DESC",
        r=request,
    )
    assert links == [
        {"tenant_id": north.id, "seq": 1, "entries": 2},
        {"tenant_id": south.id, "seq": 1, "entries": 1},
    ]


async def test_the_sixty_fourth_field_of_an_object_kind_fails_the_request_loudly(factories, owner):
    jobcenter = await factories.jobcenter()
    wide = [f"field{n:02d}" for n in range(FIELD_BITS)]
    await _append(owner, [event(jobcenter.id, uuid.uuid4(), uuid.uuid4(), fields=tuple(wide))])

    with pytest.raises(DBAPIError) as refused:
        await _append(
            owner, [event(jobcenter.id, uuid.uuid4(), uuid.uuid4(), fields=("oneTooMany",))]
        )

    assert "read of client would need field number 64, but a record holds 63" in str(refused.value)
    heads = await _rows(
        owner,
        "SELECT lane, seq FROM audit_chain_heads WHERE tenant_id = :t AND seq > 0",
        t=jobcenter.id,
    )
    assert heads == [{"lane": 0, "seq": 1}]  # nothing of the refused request was kept
    decoded = await _rows(
        owner, "SELECT fields FROM audit_records WHERE tenant_id = :t", t=jobcenter.id
    )
    assert decoded == [{"fields": sorted(wide)}]  # bit 62 is used, the sign bit is not


def test_every_object_kind_of_the_service_fits_one_mask():
    """Reads are recorded per GraphQL type's guarded fields, writes per table's columns: each
    must stay within one 63-bit mask (audit_append would refuse the 64th)."""
    guarded = {
        name: sum(
            1
            for field in definition.fields
            if any(isinstance(e, FieldGuard) for e in field.extensions)
        )
        for name, definition in (
            (name, schema.get_type_by_name(name)) for name in schema._schema.type_map
        )
        if hasattr(definition, "fields") and not name.startswith("__")
    }
    columns = {
        table.name: len(sa_inspect(table).columns)
        for table in all_tables().tables.values()
        if "tenant_id" in table.columns
    }

    assert max(guarded.values()) < FIELD_BITS, guarded
    assert max(columns.values()) < FIELD_BITS, columns


async def test_the_service_role_reads_only_its_own_jobcenters_codes(factories, owner, runtime):
    north, south = await factories.jobcenter(), await factories.jobcenter()
    await _append(owner, [event(t.id, uuid.uuid4(), uuid.uuid4()) for t in (north, south)])

    async with runtime.database.engine.connect() as conn:
        await conn.execute(scope_binding(Scope.tenant(north.id)))
        seen = set(await conn.scalars(text("SELECT DISTINCT tenant_id FROM audit_fields")))
        seen |= set(await conn.scalars(text("SELECT DISTINCT tenant_id FROM audit_entries")))

    assert seen == {north.id}
