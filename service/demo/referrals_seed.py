"""Demo referrals and consents (fictional), so the partner portal has something to show:

- Michael Modemann is referred to `schuldnerberatung-west` with a consent covering identity,
  contact and the financial part of the assessment for 12 months, and the counsellor has reported
  back once; he is also referred to `suchtberatung-nord`, with no consent yet. His deputy consent
  names `fm.drawert`, the case's registered deputy, for an absence of `fm.koenigstein`.
- Sabine Beispiel's consent for `wohnungshilfe-sued` has expired; Erika Musterfrau revoked hers
  for `schuldnerberatung-west`.

Runs after the case seed and reuses its admitted cases; a client without one gets a plain
admitted case here, so this seed stands on its own too.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.cases.models import Case, CaseStatus
from service.consent.models import Consent, ConsentRevocation
from service.demo.cases_seed import DEPUTY
from service.partners.categories import ServiceCategory
from service.policy.authorizer import CASE_CATEGORIES
from service.referrals.models import ProgressReport, Referral, ReferralStatus, ReferralStatusChange

JOBCENTER = "jc-hamburg-mitte"
CASE_MANAGER = "fm.koenigstein"


async def seed_referrals(session: AsyncSession, demo_id, now: datetime | None = None) -> None:
    """`demo_id` is seed.demo_id; the session is bound to jc-hamburg-mitte by the caller."""
    now = now or datetime.now(UTC)
    ids = _Ids(demo_id)
    michael = await _admitted_case(session, ids, "kunde.modemann")
    debt = _referral(
        ids,
        michael,
        "schuldnerberatung-west",
        ServiceCategory.DEBT_COUNSELLING,
        "Schuldenregulierung: Gläubigerübersicht erstellen, Ratenzahlungen klären.",
        ReferralStatus.IN_PROGRESS,
        now - timedelta(days=20),
        due_in=-6,
    )
    addiction = _referral(
        ids,
        michael,
        "suchtberatung-nord",
        ServiceCategory.ADDICTION_COUNSELLING,
        "Erstgespräch zur Alkoholproblematik anbieten.",
        ReferralStatus.SENT,
        now - timedelta(days=2),
        due_in=12,
    )
    session.add_all([debt, addiction])
    await session.flush()
    schmied = demo_id("schuldnerberatung-west", "sb.schmied")
    session.add_all(_history(ids, debt, schmied) + _history(ids, addiction, schmied))
    session.add(
        _consent(
            ids,
            michael,
            debt,
            ["identity", "contact", "assessment_finances"],
            valid_from=now - timedelta(days=21),
            months=12,
        )
    )
    session.add(
        _consent(
            ids,
            michael,
            None,
            sorted(map(str, CASE_CATEGORIES)),
            valid_from=now - timedelta(days=30),
            months=12,
            deputy=True,
        )
    )
    session.add(
        ProgressReport(
            tenant_id=debt.tenant_id,
            referral_id=debt.id,
            partner_organisation_id=debt.partner_organisation_id,
            reported_on=(now - timedelta(days=7)).date(),
            attendance="attended",
            status=str(ReferralStatus.IN_PROGRESS),
            text="Erstgespräch geführt; Gläubigerliste begonnen, Unterlagen folgen.",
            next_appointment=now + timedelta(days=10),
            author_organisation_id=demo_id("schuldnerberatung-west"),
            author_id=schmied,
            created_at=now - timedelta(days=7),
        )
    )
    await _expired_and_revoked(session, ids, now)
    await session.flush()


class _Ids:
    def __init__(self, demo_id) -> None:
        self.of = demo_id
        self.tenant = demo_id(JOBCENTER)
        self.case_manager = demo_id(JOBCENTER, CASE_MANAGER)
        self.deputy = demo_id(JOBCENTER, DEPUTY)

    def client(self, login: str) -> uuid.UUID:
        return self.of(JOBCENTER, login)


async def _admitted_case(session: AsyncSession, ids: _Ids, login: str) -> Case:
    client_id = ids.client(login)
    case = await session.scalar(
        select(Case).where(Case.client_id == client_id, Case.status == str(CaseStatus.ADMITTED))
    )
    if case is None:
        case = Case(
            tenant_id=ids.tenant,
            id=ids.of(JOBCENTER, login, "case"),
            client_id=client_id,
            status=str(CaseStatus.ADMITTED),
            responsible_case_manager_id=ids.case_manager,
        )
        session.add(case)
        await session.flush()
    return case


def _referral(
    ids: _Ids,
    case: Case,
    partner: str,
    category: ServiceCategory,
    purpose: str,
    status: ReferralStatus,
    created: datetime,
    *,
    due_in: int,
) -> Referral:
    return Referral(
        tenant_id=case.tenant_id,
        id=ids.of(JOBCENTER, str(case.client_id), partner),
        case_id=case.id,
        client_id=case.client_id,
        partner_organisation_id=ids.of(partner),
        service_category=str(category),
        purpose=purpose,
        first_report_due=date.today() + timedelta(days=due_in),
        status=str(status),
        created_by_id=ids.case_manager,
        created_at=created,
    )


def _history(
    ids: _Ids, referral: Referral, partner_user_id: uuid.UUID
) -> list[ReferralStatusChange]:
    """Sent by the case manager; then accepted and moved on by the partner's counsellor."""
    steps = [ReferralStatus.SENT]
    if referral.status != ReferralStatus.SENT:
        steps += [ReferralStatus.ACCEPTED, ReferralStatus(referral.status)]
    return [
        ReferralStatusChange(
            tenant_id=referral.tenant_id,
            referral_id=referral.id,
            partner_organisation_id=referral.partner_organisation_id,
            status=str(step),
            changed_by_kind="staff" if step is ReferralStatus.SENT else "partner",
            changed_by_id=ids.case_manager if step is ReferralStatus.SENT else partner_user_id,
            changed_at=referral.created_at + timedelta(days=position),
        )
        for position, step in enumerate(steps)
    ]


def _consent(
    ids: _Ids,
    case: Case,
    referral: Referral | None,
    categories: list[str],
    *,
    valid_from: datetime,
    months: int,
    deputy: bool = False,
) -> Consent:
    return Consent(
        tenant_id=case.tenant_id,
        id=ids.of(
            JOBCENTER, str(case.client_id), "consent", str(referral.id if referral else "deputy")
        ),
        client_id=case.client_id,
        purpose="deputy" if deputy else "referral",
        grantee_organisation_id=None if deputy else referral.partner_organisation_id,
        referral_id=None if deputy else referral.id,
        deputy_id=ids.deputy if deputy else None,
        direction="to_jobcenter" if deputy else "to_partner",
        categories=categories,
        explicit_special_categories=False,
        valid_from=valid_from,
        valid_until=valid_from + timedelta(days=30 * months),
        evidence_reference="Einwilligungserklärung (Papier), Akte Fallmanagement",
        informed_content=True,
        informed_effects=True,
        informed_scope=True,
        informed_voluntariness=True,
        informed_benefit=True,
        recorded_by_kind="staff",
        recorded_by_id=ids.case_manager,
        recorded_at=valid_from,
    )


async def _expired_and_revoked(session: AsyncSession, ids: _Ids, now: datetime) -> None:
    sabine = await _admitted_case(session, ids, "kunde.beispiel")
    housing = _referral(
        ids,
        sabine,
        "wohnungshilfe-sued",
        ServiceCategory.HOUSING_HELP,
        "Unterstützung bei der Wohnungssuche.",
        ReferralStatus.COMPLETED,
        now - timedelta(days=400),
        due_in=-380,
    )
    erika = await _admitted_case(session, ids, "kunde.musterfrau")
    debts = _referral(
        ids,
        erika,
        "schuldnerberatung-west",
        ServiceCategory.DEBT_COUNSELLING,
        "Klärung einer Kontopfändung.",
        ReferralStatus.ABORTED,
        now - timedelta(days=60),
        due_in=-40,
    )
    session.add_all([housing, debts])
    await session.flush()
    session.add(
        _consent(
            ids,
            sabine,
            housing,
            ["identity", "contact", "assessment_housing"],
            valid_from=now - timedelta(days=400),
            months=12,
        )
    )
    revoked = _consent(
        ids,
        erika,
        debts,
        ["identity", "assessment_finances"],
        valid_from=now - timedelta(days=60),
        months=12,
    )
    session.add(revoked)
    await session.flush()
    session.add(
        ConsentRevocation(
            tenant_id=revoked.tenant_id,
            consent_id=revoked.id,
            grantee_organisation_id=revoked.grantee_organisation_id,
            revoked_at=now - timedelta(days=45),
            revoked_by_kind="client",
            revoked_by_id=erika.client_id,
            channel="letter",
            note=None,
        )
    )
