"""The binding of a transaction to its scope (service/tenants/binding.py): both settings bound by
SET LOCAL for that transaction only, from uuids and nothing else — in Python, and again in the
database, since the value is inlined into a SET command there."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import exc, text

from service.tenants.binding import scope_binding
from service.tenants.scope import NO_SCOPE, Scope

SETTINGS = text(
    "SELECT current_setting('app.tenant_id', true) AS tenant,"
    " current_setting('app.partner_organisation_id', true) AS organisation"
)
INJECTION = "00000000-0000-0000-0000-000000000000'; RESET ALL; --"


async def _bound_in_one_transaction(runtime, scope: Scope) -> tuple[tuple, tuple]:
    """The settings inside a transaction bound to `scope`, and in the connection's next one."""
    async with runtime.database.engine.connect() as conn:
        await conn.execute(scope_binding(scope))
        inside = tuple((await conn.execute(SETTINGS)).one())
        await conn.commit()
        after = tuple((await conn.execute(SETTINGS)).one())
        await conn.rollback()
    return inside, after


async def test_a_jobcenter_is_bound_for_its_transaction_only(runtime):
    tenant = uuid.uuid4()

    inside, after = await _bound_in_one_transaction(runtime, Scope.tenant(tenant))

    assert inside == (str(tenant), "")
    assert after in {("", ""), (None, None)}


async def test_a_partner_organisation_is_bound_and_no_jobcenter(runtime):
    organisation = uuid.uuid4()

    inside, _ = await _bound_in_one_transaction(runtime, Scope.partner_organisation(organisation))

    assert inside == ("", str(organisation))


async def test_no_scope_binds_nothing(runtime):
    inside, _ = await _bound_in_one_transaction(runtime, NO_SCOPE)

    assert inside == ("", "")


@pytest.mark.parametrize("value", [INJECTION, "jc-hamburg-mitte", 42])
def test_the_binding_takes_only_uuids(value):
    with pytest.raises(TypeError):
        scope_binding(Scope(tenant_id=value))
    with pytest.raises(TypeError):
        scope_binding(Scope(partner_organisation_id=value))


async def test_the_database_refuses_a_binding_that_is_not_a_uuid(runtime):
    """Whoever calls app_bind_scope() by hand, with text: the uuid parameter refuses it before
    anything is inlined into SET, and nothing is bound."""
    async with runtime.database.engine.connect() as conn:
        with pytest.raises(exc.DBAPIError, match="uuid"):
            await conn.execute(
                text("SELECT app_bind_scope(CAST(:t AS text)::uuid, NULL)"), {"t": INJECTION}
            )
        await conn.rollback()
        settings = tuple((await conn.execute(SETTINGS)).one())
        await conn.rollback()

    assert settings in {("", ""), (None, None)}
