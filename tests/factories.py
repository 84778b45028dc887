"""Small factories with readable defaults. They write as the database owner, with the tenant or
organisation bound the way the service binds it, so they work whether or not the owner is a
superuser (FORCE ROW LEVEL SECURITY)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from service.clients.models import Client
from service.identity.roles import Role
from service.partners.categories import ServiceCategory
from service.partners.models import NetworkMembership, PartnerOrganisation, PartnerUser
from service.staff.models import StaffUser
from service.tenants.binding import scope_binding
from service.tenants.models import Tenant
from service.tenants.scope import Scope


@dataclass(frozen=True)
class Jobcenter:
    id: uuid.UUID
    slug: str


@dataclass(frozen=True)
class Organisation:
    id: uuid.UUID
    slug: str


@dataclass(frozen=True)
class Person:
    """Someone who can sign in: what a token for them names."""

    id: uuid.UUID
    subject: str
    roles: tuple[str, ...]
    tenant_slug: str | None = None
    organisation_slug: str | None = None


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class Factories:
    def __init__(self, owner_url: URL) -> None:
        self.engine = create_async_engine(owner_url, pool_size=2)

    @asynccontextmanager
    async def _session(
        self, *, tenant: uuid.UUID | None = None, organisation: uuid.UUID | None = None
    ) -> AsyncIterator[AsyncSession]:
        async with AsyncSession(self.engine, expire_on_commit=False) as session, session.begin():
            await session.execute(scope_binding(Scope(tenant, organisation)))
            yield session

    async def jobcenter(self, name: str = "Jobcenter Teststadt") -> Jobcenter:
        tenant = Tenant(id=uuid.uuid4(), slug=_unique("jc"), name=name)
        async with self._session() as session:
            session.add(tenant)
        return Jobcenter(id=tenant.id, slug=tenant.slug)

    async def staff(
        self,
        jobcenter: Jobcenter,
        *roles: Role,
        recorded_roles: tuple[Role, ...] | None = None,
        active: bool = True,
    ) -> Person:
        roles = roles or (Role.CASE_MANAGER,)
        user = StaffUser(
            tenant_id=jobcenter.id,
            id=uuid.uuid4(),
            subject=_unique("staff"),
            display_name="Test Mitarbeiterin",
            roles=[str(role) for role in (recorded_roles or roles)],
            active=active,
        )
        async with self._session(tenant=jobcenter.id) as session:
            session.add(user)
        return Person(user.id, user.subject, tuple(map(str, roles)), tenant_slug=jobcenter.slug)

    async def client(
        self, jobcenter: Jobcenter, *, family_name: str = "Testmann", active: bool = True
    ) -> Person:
        client = Client(
            tenant_id=jobcenter.id,
            id=uuid.uuid4(),
            customer_number=uuid.uuid4().hex[:12].upper(),
            given_name="Tobias",
            family_name=family_name,
            date_of_birth=date(1985, 6, 1),
            login_subject=_unique("kunde"),
            active=active,
        )
        async with self._session(tenant=jobcenter.id) as session:
            session.add(client)
        return Person(
            client.id, client.login_subject or "", (str(Role.CLIENT),), tenant_slug=jobcenter.slug
        )

    async def organisation(
        self,
        *networks: Jobcenter,
        categories: tuple[ServiceCategory, ...] = (ServiceCategory.DEBT_COUNSELLING,),
    ) -> Organisation:
        organisation = PartnerOrganisation(id=uuid.uuid4(), slug=_unique("org"), name="Testträger")
        async with self._session() as session:
            session.add(organisation)
        created = Organisation(id=organisation.id, slug=organisation.slug)
        for jobcenter in networks:
            await self.add_membership(created, jobcenter, categories=categories)
        return created

    async def add_membership(
        self,
        organisation: Organisation,
        jobcenter: Jobcenter,
        *,
        categories: tuple[ServiceCategory, ...] = (ServiceCategory.DEBT_COUNSELLING,),
    ) -> None:
        async with self._session(tenant=jobcenter.id) as session:
            session.add(
                NetworkMembership(
                    tenant_id=jobcenter.id,
                    partner_organisation_id=organisation.id,
                    service_categories=[str(category) for category in categories],
                )
            )

    async def partner_user(self, organisation: Organisation, *, active: bool = True) -> Person:
        user = PartnerUser(
            organisation_id=organisation.id,
            id=uuid.uuid4(),
            subject=_unique("berater"),
            display_name="Test Berater",
            roles=[str(Role.PARTNER_COUNSELLOR)],
            active=active,
        )
        async with self._session(organisation=organisation.id) as session:
            session.add(user)
        return Person(
            user.id,
            user.subject,
            (str(Role.PARTNER_COUNSELLOR),),
            organisation_slug=organisation.slug,
        )
