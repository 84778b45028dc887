"""The demo works as the README promises: every demo user gets a development token from the
local key, and with it `me` answers who they are."""

from __future__ import annotations

import pytest

from service.demo.tokens import DemoUserNotFound, mint_demo_token
from tests.graphql import post_graphql

ME = "{ me { subject kind roles jobcenter { slug } organisation { slug } } }"

DEMO_USERS = [
    ("fm.koenigstein", "STAFF", ["CASE_MANAGER"], "jc-hamburg-mitte", None),
    ("fm.drawert", "STAFF", ["CASE_MANAGER"], "jc-hamburg-mitte", None),
    ("tl.schmidt", "STAFF", ["TEAM_LEAD"], "jc-hamburg-mitte", None),
    ("av.meier", "STAFF", ["PLACEMENT_OFFICER"], "jc-hamburg-mitte", None),
    ("dsb.wagner", "STAFF", ["DATA_PROTECTION_OFFICER"], "jc-hamburg-mitte", None),
    ("ctl.berg", "STAFF", ["CONTROLLING"], "jc-hamburg-mitte", None),
    ("admin.hoffmann", "STAFF", ["JOBCENTER_ADMIN"], "jc-hamburg-mitte", None),
    ("fm.lange", "STAFF", ["CASE_MANAGER"], "jc-musterstadt", None),
    ("sb.schmied", "PARTNER", ["PARTNER_COUNSELLOR"], None, "schuldnerberatung-west"),
    ("sucht.yilmaz", "PARTNER", ["PARTNER_COUNSELLOR"], None, "suchtberatung-nord"),
    ("wh.peters", "PARTNER", ["PARTNER_COUNSELLOR"], None, "wohnungshilfe-sued"),
    ("kunde.modemann", "CLIENT", ["CLIENT"], "jc-hamburg-mitte", None),
    ("kunde.mustermann", "CLIENT", ["CLIENT"], "jc-musterstadt", None),
]


@pytest.mark.parametrize(("subject", "kind", "roles", "jobcenter", "organisation"), DEMO_USERS)
async def test_demo_user_signs_in_with_a_development_token(
    dev_settings, dev_client, subject, kind, roles, jobcenter, organisation
):
    token = await mint_demo_token(dev_settings, subject, tenant_slug=None, lifetime=60)

    response = await post_graphql(dev_client, ME, headers={"Authorization": f"Bearer {token}"})

    assert response.json() == {
        "data": {
            "me": {
                "subject": subject,
                "kind": kind,
                "roles": roles,
                "jobcenter": {"slug": jobcenter} if jobcenter else None,
                "organisation": {"slug": organisation} if organisation else None,
            }
        }
    }


async def test_each_demo_jobcenter_has_a_handful_of_clients(dev_settings, runtime):
    from sqlalchemy import text

    async with runtime.database.engine.connect() as conn:
        counts = {}
        for slug in ("jc-hamburg-mitte", "jc-musterstadt"):
            tenant_id = await runtime.directory.tenant_id(slug)
            # Bound as the service binds (SET LOCAL, which Citus forwards to its workers).
            await conn.execute(
                text("SELECT app_bind_scope(CAST(:t AS uuid), NULL)"), {"t": str(tenant_id)}
            )
            counts[slug] = await conn.scalar(text("SELECT count(*) FROM clients"))
            await conn.rollback()

    assert counts["jc-hamburg-mitte"] >= 3
    assert counts["jc-musterstadt"] >= 2


async def test_token_for_an_unknown_user_is_refused(dev_settings):
    with pytest.raises(DemoUserNotFound, match="no active user"):
        await mint_demo_token(dev_settings, "nobody.here", tenant_slug=None, lifetime=60)


async def test_development_token_is_not_accepted_in_production_mode(dev_settings, client):
    token = await mint_demo_token(dev_settings, "fm.koenigstein", tenant_slug=None, lifetime=60)

    # `client` runs in production mode, trusting only the configured identity provider's key.
    response = await post_graphql(client, ME, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["reason"] == "unknown_key"
