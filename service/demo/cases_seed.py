"""Demo case history (fictional), so the staff portal has a case to work with:

- Michael Modemann: proposed by av.meier, admitted eight months ago by fm.koenigstein (full
  handover), fm.drawert registered as deputy (his deputy consent comes from referrals_seed.py).
  Profiling and intake reasoning; an assessment with rent arrears and a consumer loan (finances),
  alcohol (addiction), a threatened flat (housing) and his vocational training (qualification);
  the plan "Wohnungsbeschaffung", "Berufliche Qualifikation", "Schuldenregulierung" with sub-goals
  and activities, one of them for the debt counselling; agreement no. 1 and the first review.
- Sabine Beispiel and Erika Musterfrau: admitted cases of fm.koenigstein, without plan yet.
- Peter Platzhalter: proposed by av.meier, for fm.koenigstein to decide.
- The team "Fallmanagement 1": both case managers and their team lead. With two case managers
  its indicators stay suppressed at the default minimum group size of 5 (README).

Dates count back from today, so the demo always looks current. Runs before referrals_seed.py,
which reuses the admitted cases. The session is bound to jc-hamburg-mitte by the caller.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from service.cases.models import (
    AssessmentEntry,
    Case,
    CaseDocument,
    CaseReview,
    CaseStatus,
    IntegrationAgreement,
    PlanItem,
    ProfilingItem,
)
from service.cases.vocabulary import (
    REVIEW_INTERVAL_MONTHS,
    SUBCATEGORIES,
    AssessmentKind,
    AssessmentSubcategory,
    CareVariant,
    DocumentArea,
    Outcome,
    PlanItemKind,
    Profile,
    ProfilingCategory,
    ResponsibleParty,
    profiling_data_category,
)
from service.cases.work import plan_snapshot
from service.demo.cooperation_seed import cooperation_rows
from service.moments import JOBCENTER_TIMEZONE, add_months
from service.policy.categories import DataCategory
from service.staff.models import StaffUser, Team

JOBCENTER = "jc-hamburg-mitte"
CASE_MANAGER = "fm.koenigstein"
DEPUTY = "fm.drawert"
PLACEMENT_OFFICER = "av.meier"
TEAM_LEAD = "tl.schmidt"

DemoId = Callable[..., uuid.UUID]

_STRENGTH, _NEED = AssessmentKind.STRENGTH, AssessmentKind.STABILISATION_NEED
_S = AssessmentSubcategory
MICHAEL_ASSESSMENT = (
    (
        _NEED,
        _S.DEBTS,
        "Mietrückstände und Konsumentenkredit",
        "Mietrückstände von rund 2.400 € (drei Monatsmieten), Vermieter hat die Kündigung "
        "angedroht. Konsumentenkredit bei der Demo-Bank, Restschuld ca. 6.800 €, Raten seit "
        "vier Monaten ausgesetzt.",
    ),
    (
        _NEED,
        _S.ADDICTION,
        "Problematischer Alkoholkonsum",
        "Berichtet selbst von täglichem Alkoholkonsum seit dem Arbeitsplatzverlust; offen für "
        "ein Erstgespräch in der Suchtberatung.",
    ),
    (
        _NEED,
        _S.HOUSING,
        "Wohnung gefährdet",
        "Einzimmerwohnung in Hamburg-Mitte; Verlust droht wegen der Mietrückstände.",
    ),
    (
        _STRENGTH,
        _S.VOCATIONAL_TRAINING,
        "Abgeschlossene Ausbildung Einzelhandelskaufmann",
        "Ausbildung 1998 abgeschlossen, zwölf Jahre Berufserfahrung im Textileinzelhandel, "
        "zuletzt als stellvertretender Filialleiter.",
    ),
    (
        _STRENGTH,
        _S.MOTIVATION,
        "Hohe Veränderungsbereitschaft",
        "Möchte wieder im Verkauf arbeiten und nimmt Termine zuverlässig wahr.",
    ),
)

# The capacity item is addiction data (special category): a partner reads it only under an
# explicit consent for addiction, whatever its consent for intake data says.
MICHAEL_PROFILING = (
    (ProfilingCategory.QUALIFICATION, "Ausbildung im Einzelhandel, seit drei Jahren arbeitslos."),
    (ProfilingCategory.CIRCUMSTANCES, "Schulden: Mietrückstände und Konsumentenkredit."),
    (ProfilingCategory.CIRCUMSTANCES, "Wohnsituation: Kündigung der Wohnung angedroht."),
    (
        ProfilingCategory.CAPACITY,
        "Suchtproblematik (Alkohol), bisher ohne Behandlung.",
        AssessmentSubcategory.ADDICTION,
    ),
)
# (title, area, data category, visible to the client, content): the Attest is health data in
# the protected area, so a debt counsellor with a consent for documents does not read it.
MICHAEL_DOCUMENTS = (
    (
        "Ärztliches Attest",
        DocumentArea.PROTECTED,
        DataCategory.ASSESSMENT_HEALTH,
        False,
        b"Attest (fiktiv): eingeschraenkt belastbar, keine Nachtschichten.",
    ),
    (
        "Lebenslauf",
        DocumentArea.INTEGRATION,
        DataCategory.DOCUMENTS,
        True,
        b"Lebenslauf (fiktiv): Einzelhandelskaufmann, 2012-2021 Filiale Hamburg.",
    ),
)


@dataclass(frozen=True)
class _Goal:
    title: str
    resources: str
    sub_goals: tuple[tuple[str, int, tuple[tuple[str, ResponsibleParty, str | None], ...]], ...]


# goal → sub-goals (title, target in days from admission, activities (title, who, partner))
MICHAEL_PLAN = (
    _Goal(
        "Wohnungsbeschaffung",
        "Ressource: Kontakt zum Vermieter besteht. Hemmnis: Mietrückstände.",
        (
            (
                "Wohnung sichern",
                60,
                (
                    (
                        "Antrag auf Übernahme der Mietschulden stellen",
                        ResponsibleParty.CLIENT,
                        None,
                    ),
                    ("Gespräch mit dem Vermieter führen", ResponsibleParty.CASE_MANAGER, None),
                ),
            ),
        ),
    ),
    _Goal(
        "Berufliche Qualifikation",
        "Ressource: Ausbildung und Berufserfahrung im Verkauf. Hemmnis: lange Arbeitslosigkeit.",
        (
            (
                "Anpassungsqualifizierung Warenwirtschaft abschließen",
                300,
                (("Anmeldung zum Kurs beim Bildungsträger", ResponsibleParty.CLIENT, None),),
            ),
        ),
    ),
    _Goal(
        "Schuldenregulierung",
        "Ressource: Bereitschaft zur Schuldnerberatung. Hemmnis: ungeordnete Unterlagen.",
        (
            (
                "Gläubigerübersicht erstellen",
                120,
                (
                    (
                        "Gläubigerliste mit der Schuldnerberatung erarbeiten",
                        ResponsibleParty.NETWORK_PARTNER,
                        "schuldnerberatung-west",
                    ),
                ),
            ),
        ),
    ),
)


async def seed_cases(session: AsyncSession, demo_id: DemoId, today: date | None = None) -> None:
    """`demo_id` is seed.demo_id; the session is bound to jc-hamburg-mitte by the caller."""
    today = today or datetime.now(JOBCENTER_TIMEZONE).date()
    ids = _Ids(demo_id)
    await _team(session, ids)
    michael = _admitted(ids, "kunde.modemann", today - timedelta(days=240), deputy=True)
    michael.intake_reasoning = (
        "Mehrere schwerwiegende Hemmnisse in Rahmenbedingungen und Leistungsfähigkeit "
        "(Schulden, drohender Wohnungsverlust, Alkohol); Vermittlung allein nicht aussichtsreich."
    )
    others = [
        _admitted(ids, "kunde.beispiel", today - timedelta(days=150)),
        _admitted(ids, "kunde.musterfrau", today - timedelta(days=90)),
        _proposed(ids, "kunde.platzhalter", today - timedelta(days=3)),
    ]
    session.add_all([michael, *others])
    await session.flush()
    session.add_all(_profiling(michael, MICHAEL_PROFILING))
    for case in others:
        session.add_all(_profiling(case, _SHORT_PROFILING))
    session.add_all(_assessment(ids, michael))
    items = _plan(ids, michael)
    session.add_all(items)
    await session.flush()
    agreement = _agreement(ids, michael, items)
    session.add(agreement)
    session.add(_review(ids, michael))
    session.add_all(_documents(ids, michael))
    await session.flush()
    cooperation = cooperation_rows(
        lambda *parts: ids.of(JOBCENTER, "kunde.modemann", *parts),
        michael,
        items,
        agreement,
        ids.staff(CASE_MANAGER),
        today,
    )
    for rows in cooperation:
        session.add_all(rows)
        await session.flush()
    # every step counted (the Kooperationsplan: analysis, plan, agreement, request)
    michael.version = 1 + len(MICHAEL_ASSESSMENT) + len(items) + 2 + len(MICHAEL_DOCUMENTS) + 4
    await session.flush()


async def _team(session: AsyncSession, ids: _Ids) -> None:
    """One team with the demo case managers and their team lead (indicators per team)."""
    team = Team(tenant_id=ids.tenant, id=ids.of(JOBCENTER, "team", "1"), name="Fallmanagement 1")
    session.add(team)
    await session.flush()
    members = [ids.staff(subject) for subject in (CASE_MANAGER, DEPUTY, TEAM_LEAD)]
    await session.execute(
        update(StaffUser).where(StaffUser.id.in_(members)).values(team_id=team.id)
    )


class _Ids:
    def __init__(self, demo_id: DemoId) -> None:
        self.of = demo_id
        self.tenant = demo_id(JOBCENTER)

    def staff(self, subject: str) -> uuid.UUID:
        return self.of(JOBCENTER, subject)

    def client(self, login: str) -> uuid.UUID:
        return self.of(JOBCENTER, login)

    def case(self, login: str) -> uuid.UUID:
        # The id referrals_seed.py would give a bare case of its own: one case per client.
        return self.of(JOBCENTER, login, "case")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), JOBCENTER_TIMEZONE).astimezone(UTC)


def _proposed(ids: _Ids, login: str, on: date) -> Case:
    return Case(
        tenant_id=ids.tenant,
        id=ids.case(login),
        client_id=ids.client(login),
        status=str(CaseStatus.PROPOSED),
        responsible_case_manager_id=ids.staff(CASE_MANAGER),
        proposed_by_id=ids.staff(PLACEMENT_OFFICER),
        profile=str(Profile.STABILISATION),
        intake_reasoning="Mehrere Hemmnisse in den Rahmenbedingungen; Klärung im Fallmanagement.",
        version=1,
        created_at=_at(on),
    )


def _admitted(ids: _Ids, login: str, on: date, *, deputy: bool = False) -> Case:
    case = _proposed(ids, login, on - timedelta(days=14))
    case.status = str(CaseStatus.ADMITTED)
    case.deputy_case_manager_id = ids.staff(DEPUTY) if deputy else None
    case.decided_by_id = ids.staff(CASE_MANAGER)
    case.decided_at = _at(on)
    case.care_variant = str(CareVariant.FULL_HANDOVER)
    case.decision_reasoning = "Komplexe Profillage bestätigt; Kunde stimmt der Teilnahme zu."
    case.admitted_on = on
    case.next_review_due = add_months(on, REVIEW_INTERVAL_MONTHS)
    case.version = 2
    return case


_SHORT_PROFILING = (
    (ProfilingCategory.CIRCUMSTANCES, "Kinderbetreuung ungeklärt."),
    (ProfilingCategory.CIRCUMSTANCES, "Schulden in unbekannter Höhe."),
    (ProfilingCategory.CAPACITY, "Gesundheitliche Einschränkungen nach eigener Angabe."),
)


def _profiling(case: Case, items: tuple[tuple, ...]) -> list[object]:
    rows: list[object] = []
    for position, (category, detail, *about) in enumerate(items):
        subcategory = about[0] if about else None
        data_category = profiling_data_category(category, subcategory)
        assert data_category is not None
        rows.append(
            ProfilingItem(
                tenant_id=case.tenant_id,
                case_id=case.id,
                position=position,
                category=str(category),
                subcategory=None if subcategory is None else str(subcategory),
                data_category=str(data_category),
                detail=detail,
            )
        )
    return rows


def _documents(ids: _Ids, case: Case) -> list[object]:
    assert case.admitted_on is not None
    return [
        CaseDocument(
            tenant_id=case.tenant_id,
            id=ids.of(JOBCENTER, "kunde.modemann", "document", title),
            case_id=case.id,
            title=title,
            area=str(area),
            data_category=str(category),
            author_id=ids.staff(CASE_MANAGER),
            created_at=_at(case.admitted_on + timedelta(days=10)),
            visible_to_client=visible,
            media_type="text/plain",
            size_bytes=len(content),
            content=content,
        )
        for title, area, category, visible, content in MICHAEL_DOCUMENTS
    ]


def _assessment(ids: _Ids, case: Case) -> list[object]:
    assert case.admitted_on is not None
    rows: list[object] = []
    for position, (kind, subcategory, subject, detail) in enumerate(MICHAEL_ASSESSMENT):
        category, data_category = SUBCATEGORIES[subcategory]
        rows.append(
            AssessmentEntry(
                tenant_id=case.tenant_id,
                id=ids.of(JOBCENTER, "kunde.modemann", "assessment", str(subcategory)),
                case_id=case.id,
                kind=str(kind),
                category=str(category),
                subcategory=str(subcategory),
                data_category=str(data_category),
                subject=subject,
                detail=detail,
                recorded_by_id=ids.staff(CASE_MANAGER),
                updated_at=_at(case.admitted_on + timedelta(days=7), 9 + position),
            )
        )
    return rows


def _plan(ids: _Ids, case: Case) -> list[PlanItem]:
    assert case.admitted_on is not None
    start = case.admitted_on + timedelta(days=21)
    items: list[PlanItem] = []

    def item(kind: PlanItemKind, title: str, **fields: object) -> PlanItem:
        row = PlanItem(
            tenant_id=case.tenant_id,
            id=ids.of(JOBCENTER, "kunde.modemann", "plan", title),
            case_id=case.id,
            kind=str(kind),
            title=title,
            created_at=_at(start) + timedelta(minutes=len(items)),
            **fields,
        )
        items.append(row)
        return row

    for goal_spec in MICHAEL_PLAN:
        goal = item(PlanItemKind.GOAL, goal_spec.title, resources=goal_spec.resources)
        for title, days, activities in goal_spec.sub_goals:
            target = case.admitted_on + timedelta(days=days)
            sub_goal = item(PlanItemKind.SUB_GOAL, title, goal_id=goal.id, target_date=target)
            for activity, responsible, partner in activities:
                item(
                    PlanItemKind.ACTIVITY,
                    activity,
                    goal_id=goal.id,
                    sub_goal_id=sub_goal.id,
                    responsible=str(responsible),
                    partner_organisation_id=ids.of(partner) if partner else None,
                    target_date=target - timedelta(days=14),
                )
    _steer(case, items)
    return items


def _steer(case: Case, items: list[PlanItem]) -> None:
    """Fallsteuerung so far: the flat is secured, the loan talk with the landlord failed once."""
    assert case.admitted_on is not None
    by_title = {row.title: row for row in items}
    secured = by_title["Wohnung sichern"]
    secured.outcome = str(Outcome.ACHIEVED)
    secured.outcome_on = case.admitted_on + timedelta(days=55)
    secured.outcome_reason = "Mietschulden als Darlehen übernommen; Kündigung abgewendet."
    talk = by_title["Gespräch mit dem Vermieter führen"]
    talk.outcome = str(Outcome.NOT_ACHIEVED)
    talk.outcome_on = case.admitted_on + timedelta(days=40)
    talk.outcome_reason = "Vermieter war zu keinem Gespräch bereit; Klärung über den Antrag."


def _agreement(ids: _Ids, case: Case, items: list[PlanItem]) -> IntegrationAgreement:
    assert case.admitted_on is not None
    valid_from = case.admitted_on + timedelta(days=28)
    return IntegrationAgreement(
        tenant_id=case.tenant_id,
        id=ids.of(JOBCENTER, "kunde.modemann", "agreement", "1"),
        case_id=case.id,
        number=1,
        valid_from=valid_from,
        valid_until=add_months(valid_from, 6),
        plan=plan_snapshot(items),
        concluded_by_id=ids.staff(CASE_MANAGER),
        concluded_at=_at(valid_from),
    )


def _review(ids: _Ids, case: Case) -> CaseReview:
    assert case.admitted_on is not None
    reviewed_on = add_months(case.admitted_on, REVIEW_INTERVAL_MONTHS)
    next_due = add_months(reviewed_on, REVIEW_INTERVAL_MONTHS)
    case.next_review_due = next_due
    return CaseReview(
        tenant_id=case.tenant_id,
        id=ids.of(JOBCENTER, "kunde.modemann", "review", "1"),
        case_id=case.id,
        reviewed_on=reviewed_on,
        reasoning="Wohnung gesichert; Schuldenregulierung und Suchtberatung laufen erst an.",
        prognosis="Integration in den Einzelhandel innerhalb von zwölf Monaten möglich.",
        profile_before=case.profile,
        profile_after=case.profile,
        next_review_due=next_due,
        author_id=ids.staff(CASE_MANAGER),
        created_at=_at(reviewed_on),
    )
