"""Fictional demo data, so anyone can try the flows (README, "Demo users").

Ids are derived from names (uuid5), so the same demo database is built every time and the README
and scripts can name them. All people and organisations here are invented.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from service.clients.models import Client
from service.demo.cases_seed import seed_cases
from service.demo.diary_seed import seed_diary
from service.demo.referrals_seed import seed_referrals
from service.identity.roles import Role
from service.partners.categories import ServiceCategory
from service.partners.models import NetworkMembership, PartnerOrganisation, PartnerUser
from service.staff.models import StaffUser
from service.tenants.binding import scope_binding
from service.tenants.models import Tenant
from service.tenants.scope import NO_SCOPE, Scope

DEMO_NAMESPACE = uuid.UUID("5f0c8e34-2b1d-4f5e-9a51-0c3a9d2e7b10")


def demo_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, "/".join(parts))


@dataclass(frozen=True)
class DemoStaff:
    subject: str
    name: str
    roles: tuple[Role, ...]


@dataclass(frozen=True)
class DemoClient:
    login: str
    given_name: str
    family_name: str
    born: date


@dataclass(frozen=True)
class DemoJobcenter:
    slug: str
    name: str
    staff: tuple[DemoStaff, ...]
    clients: tuple[DemoClient, ...]


@dataclass(frozen=True)
class DemoPartner:
    slug: str
    name: str
    categories: tuple[ServiceCategory, ...]
    user: DemoStaff
    networks: tuple[str, ...]  # jobcenter slugs


JOBCENTERS = (
    DemoJobcenter(
        slug="jc-hamburg-mitte",
        name="Jobcenter Hamburg-Mitte (Demo)",
        staff=(
            DemoStaff("fm.koenigstein", "Frauke Königstein", (Role.CASE_MANAGER,)),
            DemoStaff("fm.drawert", "Jonas Drawert", (Role.CASE_MANAGER,)),
            DemoStaff("tl.schmidt", "Tanja Schmidt", (Role.TEAM_LEAD,)),
            DemoStaff("av.meier", "Arne Meier", (Role.PLACEMENT_OFFICER,)),
            DemoStaff("dsb.wagner", "Dana Wagner", (Role.DATA_PROTECTION_OFFICER,)),
            DemoStaff("ctl.berg", "Carla Berg", (Role.CONTROLLING,)),
            DemoStaff("admin.hoffmann", "Hanna Hoffmann", (Role.JOBCENTER_ADMIN,)),
        ),
        clients=(
            DemoClient("kunde.modemann", "Michael", "Modemann", date(1979, 3, 14)),
            DemoClient("kunde.beispiel", "Sabine", "Beispiel", date(1988, 11, 2)),
            DemoClient("kunde.musterfrau", "Erika", "Musterfrau", date(1969, 7, 21)),
            DemoClient("kunde.platzhalter", "Peter", "Platzhalter", date(1995, 1, 30)),
        ),
    ),
    DemoJobcenter(
        slug="jc-musterstadt",
        name="Jobcenter Musterstadt (Demo)",
        staff=(DemoStaff("fm.lange", "Lena Lange", (Role.CASE_MANAGER,)),),
        clients=(
            DemoClient("kunde.mustermann", "Max", "Mustermann", date(1983, 5, 9)),
            DemoClient("kunde.leerzeile", "Lisa", "Leerzeile", date(1991, 9, 17)),
        ),
    ),
)

PARTNERS = (
    DemoPartner(
        slug="schuldnerberatung-west",
        name="Schuldnerberatung West e. V. (Demo)",
        categories=(ServiceCategory.DEBT_COUNSELLING,),
        user=DemoStaff("sb.schmied", "Sven Schmied", (Role.PARTNER_COUNSELLOR,)),
        networks=("jc-hamburg-mitte", "jc-musterstadt"),
    ),
    DemoPartner(
        slug="suchtberatung-nord",
        name="Suchtberatung Nord (Demo)",
        categories=(ServiceCategory.ADDICTION_COUNSELLING,),
        user=DemoStaff("sucht.yilmaz", "Aylin Yılmaz", (Role.PARTNER_COUNSELLOR,)),
        networks=("jc-hamburg-mitte",),
    ),
    DemoPartner(
        slug="wohnungshilfe-sued",
        name="Wohnungshilfe Süd gGmbH (Demo)",
        categories=(ServiceCategory.HOUSING_HELP,),
        user=DemoStaff("wh.peters", "Wiebke Peters", (Role.PARTNER_COUNSELLOR,)),
        networks=("jc-hamburg-mitte",),
    ),
)


async def seed_demo_if_empty(owner_url: URL) -> bool:
    """Seed when the database has no jobcenter yet; return whether it did."""
    return await _in_owner_session(owner_url, empty_only=True)


async def seed_demo(owner_url: URL) -> None:
    """Seed into a database that may hold other jobcenters (tests); fails if the demo exists."""
    await _in_owner_session(owner_url, empty_only=False)


async def _in_owner_session(owner_url: URL, *, empty_only: bool) -> bool:
    engine = create_async_engine(owner_url, poolclass=NullPool)
    try:
        async with AsyncSession(engine) as session, session.begin():
            if empty_only and await session.scalar(select(func.count()).select_from(Tenant)):
                return False
            await _seed(session)
            return True
    finally:
        await engine.dispose()


async def _seed(session: AsyncSession) -> None:
    # The owner is bound by FORCE ROW LEVEL SECURITY unless it is a superuser, so each jobcenter's
    # rows are written with that jobcenter bound, exactly as the service would write them.
    for jobcenter in JOBCENTERS:
        session.add(Tenant(id=demo_id(jobcenter.slug), slug=jobcenter.slug, name=jobcenter.name))
    for partner in PARTNERS:
        session.add(
            PartnerOrganisation(id=demo_id(partner.slug), slug=partner.slug, name=partner.name)
        )
    await session.flush()
    for jobcenter in JOBCENTERS:
        await _bind(session, Scope.tenant(demo_id(jobcenter.slug)))
        session.add_all(_jobcenter_rows(jobcenter))
        await session.flush()
    await _bind(session, NO_SCOPE)
    for partner in PARTNERS:
        await _bind(session, Scope.partner_organisation(demo_id(partner.slug)))
        session.add(
            PartnerUser(
                organisation_id=demo_id(partner.slug),
                id=demo_id(partner.slug, partner.user.subject),
                subject=partner.user.subject,
                display_name=partner.user.name,
                roles=[str(role) for role in partner.user.roles],
            )
        )
        await session.flush()
    await _bind(session, NO_SCOPE)
    # A case history for the staff portal (service/demo/cases_seed.py).
    await _bind(session, Scope.tenant(demo_id("jc-hamburg-mitte")))
    await seed_cases(session, demo_id)
    await _bind(session, NO_SCOPE)
    # Referrals and consents last: they hang off the cases seeded above.
    await _bind(session, Scope.tenant(demo_id("jc-hamburg-mitte")))
    await seed_referrals(session, demo_id)
    await seed_diary(session, demo_id)
    await _bind(session, NO_SCOPE)


def _jobcenter_rows(jobcenter: DemoJobcenter) -> list[object]:
    tenant_id = demo_id(jobcenter.slug)
    rows: list[object] = [
        StaffUser(
            tenant_id=tenant_id,
            id=demo_id(jobcenter.slug, member.subject),
            subject=member.subject,
            display_name=member.name,
            roles=[str(role) for role in member.roles],
        )
        for member in jobcenter.staff
    ]
    rows += [
        Client(
            tenant_id=tenant_id,
            id=demo_id(jobcenter.slug, client.login),
            customer_number=f"DEMO-{number:06d}",
            given_name=client.given_name,
            family_name=client.family_name,
            date_of_birth=client.born,
            login_subject=client.login,
        )
        for number, client in enumerate(jobcenter.clients, start=1)
    ]
    rows += [
        NetworkMembership(
            tenant_id=tenant_id,
            partner_organisation_id=demo_id(partner.slug),
            service_categories=[str(category) for category in partner.categories],
            contact="Terminvereinbarung über das Partnerportal",
        )
        for partner in PARTNERS
        if jobcenter.slug in partner.networks
    ]
    return rows


async def _bind(session: AsyncSession, scope: Scope) -> None:
    await session.execute(scope_binding(scope))
