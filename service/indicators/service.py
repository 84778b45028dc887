"""Indicators for controlling (domain/002, domain/003): what case management achieved in a period,
for the jobcenter or one team, as counts that never describe one employee or a small group
(disclosure.py decides what may be shown).

A case counts for the team of its responsible case manager as the case stands now: the data
model keeps no history of responsibility, so a case moved between teams counts for the new one.
Profile changes come from the reviews, which record the profile before and after; a change
toward the labour market is one to a profile listed earlier in `Profile` (nearest first).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, any_, case, func, or_, select, true

from service.caller import Caller
from service.cases.access import jobcenter_access
from service.cases.models import Case, CaseReview, CaseStatus, PlanItem
from service.cases.vocabulary import ClosingReason, Outcome, PlanItemKind, Profile
from service.errors import ValidationFailed, found
from service.identity.roles import Role
from service.indicators import disclosure
from service.indicators.disclosure import SUPPRESSED, Figure
from service.moments import JOBCENTER_TIMEZONE, add_months
from service.policy.actions import Action
from service.referrals.models import Referral, ReferralStatus, ReferralStatusChange
from service.staff.models import StaffUser, Team

MAX_MONTHS = 60


@dataclass(frozen=True, slots=True)
class MonthFigure:
    month: date  # its first day
    figure: Figure


@dataclass(frozen=True, slots=True)
class Indicators:
    period_from: date
    period_to: date
    team: Team | None
    min_group_size: int
    scope_suppressed: bool
    admissions: Figure
    closures: Figure
    closures_by_reason: dict[ClosingReason, Figure]
    integrations_into_work: Figure
    profile_changes_toward_labour_market: Figure
    goals_achieved: Figure
    goals_not_achieved: Figure
    referrals_completed: Figure
    # The denominators (issue 18): cases in care on at least one day of the period, and of
    # each month; activities of the plan completed (measures taken part in to the end).
    cases_in_care: Figure
    cases_in_care_by_month: tuple[MonthFigure, ...]
    activities_completed: Figure


async def teams(caller: Caller) -> list[Team]:
    caller.authorizer.authorize(
        caller.actor, Action.INDICATORS_READ, jobcenter_access(caller.actor)
    )
    return list(await caller.session.scalars(select(Team).order_by(Team.name)))


async def indicators(
    caller: Caller,
    *,
    period_from: date,
    period_to: date,
    team_id: uuid.UUID | None,
    min_group_size: int,
) -> Indicators:
    caller.authorizer.authorize(
        caller.actor, Action.INDICATORS_READ, jobcenter_access(caller.actor)
    )
    _check_period(period_from, period_to)
    team = None
    if team_id is not None:
        team = found(await caller.session.scalar(select(Team).where(Team.id == team_id)))
    in_scope = _in_scope(team)
    hidden = await _scope_too_small(caller, team, min_group_size)
    counts = _Counts(caller, in_scope, period_from, period_to)
    closures = await counts.closures_by_reason()
    closures_total, by_reason = disclosure.breakdown(closures, minimum=min_group_size)
    goals = await counts.outcomes(PlanItemKind.GOAL)
    activities = await counts.outcomes(PlanItemKind.ACTIVITY)
    in_care = await counts.cases_in_care()

    def shown(count: int) -> Figure:
        return disclosure.figure(count, minimum=min_group_size)

    result = Indicators(
        period_from=period_from,
        period_to=period_to,
        team=team,
        min_group_size=min_group_size,
        scope_suppressed=hidden,
        admissions=shown(await counts.admissions()),
        closures=closures_total,
        closures_by_reason=by_reason,
        integrations_into_work=by_reason[ClosingReason.LASTING_INTEGRATION],
        profile_changes_toward_labour_market=shown(await counts.profile_changes()),
        goals_achieved=shown(goals[Outcome.ACHIEVED]),
        goals_not_achieved=shown(goals[Outcome.NOT_ACHIEVED]),
        referrals_completed=shown(await counts.referrals_completed()),
        cases_in_care=shown(len(in_care)),
        cases_in_care_by_month=tuple(
            MonthFigure(month, shown(_in_care_during(in_care, month, _month_end(month))))
            for month in _months(period_from, period_to)
        ),
        activities_completed=shown(activities[Outcome.ACHIEVED]),
    )
    return _withheld(result) if hidden else result


def _months(period_from: date, period_to: date) -> list[date]:
    """The first days of the period's months (a period is whole months, `_check_period`)."""
    months, month = [], period_from
    while month <= period_to:
        months.append(month)
        month = add_months(month, 1)
    return months


def _month_end(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def _in_care_during(spans: list[tuple[date, date | None]], start: date, end: date) -> int:
    return sum(1 for admitted, closed in spans if admitted <= end and (closed or end) >= start)


def _check_period(period_from: date, period_to: date) -> None:
    """Whole calendar months only (disclosure.py: differencing across periods)."""
    if period_from.day != 1:
        raise ValidationFailed(
            "from", "must be the first day of a month", "muss der Erste eines Monats sein"
        )
    if (period_to + timedelta(days=1)).day != 1:
        raise ValidationFailed(
            "to", "must be the last day of a month", "muss der Letzte eines Monats sein"
        )
    months = (period_to.year - period_from.year) * 12 + period_to.month - period_from.month + 1
    if not 1 <= months <= MAX_MONTHS:
        raise ValidationFailed(
            "to",
            f"the period must span 1 to {MAX_MONTHS} months",
            f"der Zeitraum muss 1 bis {MAX_MONTHS} Monate umfassen",
        )


def _withheld(result: Indicators) -> Indicators:
    return Indicators(
        period_from=result.period_from,
        period_to=result.period_to,
        team=result.team,
        min_group_size=result.min_group_size,
        scope_suppressed=True,
        admissions=SUPPRESSED,
        closures=SUPPRESSED,
        closures_by_reason={reason: SUPPRESSED for reason in result.closures_by_reason},
        integrations_into_work=SUPPRESSED,
        profile_changes_toward_labour_market=SUPPRESSED,
        goals_achieved=SUPPRESSED,
        goals_not_achieved=SUPPRESSED,
        referrals_completed=SUPPRESSED,
        cases_in_care=SUPPRESSED,
        cases_in_care_by_month=tuple(
            MonthFigure(month.month, SUPPRESSED) for month in result.cases_in_care_by_month
        ),
        activities_completed=SUPPRESSED,
    )


def _case_managers() -> ColumnElement[bool]:
    return and_(StaffUser.active, any_(StaffUser.roles) == str(Role.CASE_MANAGER))


async def _scope_too_small(caller: Caller, team: Team | None, minimum: int) -> bool:
    rows = await caller.session.execute(
        select(StaffUser.team_id, func.count()).where(_case_managers()).group_by(StaffUser.team_id)
    )
    per_team = {team_id: count for team_id, count in rows}
    everyone = sum(per_team.values())
    if team is None:
        return disclosure.scope_too_small(
            case_managers=everyone, rest_of_jobcenter=None, minimum=minimum
        )
    in_team = per_team.get(team.id, 0)
    return disclosure.scope_too_small(
        case_managers=in_team, rest_of_jobcenter=everyone - in_team, minimum=minimum
    )


def _in_scope(team: Team | None) -> ColumnElement[bool]:
    """Cases of the scope: all of the jobcenter (row-level security), or the team's."""
    if team is None:
        return true()
    members = select(StaffUser.id).where(StaffUser.team_id == team.id)
    return Case.responsible_case_manager_id.in_(members.scalar_subquery())


_PROFILE_RANK = {profile: rank for rank, profile in enumerate(Profile)}


def _rank(column) -> ColumnElement[int]:
    return case(_PROFILE_RANK, value=column, else_=None)


class _Counts:
    def __init__(self, caller: Caller, in_scope, period_from: date, period_to: date) -> None:
        self.session = caller.session
        self.in_scope = in_scope
        self.period_from, self.period_to = period_from, period_to

    def _during(self, column) -> ColumnElement[bool]:
        return column.between(self.period_from, self.period_to)

    async def admissions(self) -> int:
        return await self.session.scalar(
            select(func.count())
            .select_from(Case)
            .where(self.in_scope, self._during(Case.admitted_on))
        )

    async def closures_by_reason(self) -> dict[ClosingReason, int]:
        rows = await self.session.execute(
            select(Case.closing_reason, func.count())
            .where(
                self.in_scope,
                Case.status == CaseStatus.CLOSED,
                self._during(Case.closed_on),
            )
            .group_by(Case.closing_reason)
        )
        found = {reason: count for reason, count in rows}
        return {reason: found.get(str(reason), 0) for reason in ClosingReason}

    async def profile_changes(self) -> int:
        return await self.session.scalar(
            select(func.count(func.distinct(CaseReview.case_id)))
            .join(Case, Case.id == CaseReview.case_id)
            .where(
                self.in_scope,
                self._during(CaseReview.reviewed_on),
                _rank(CaseReview.profile_after) < _rank(CaseReview.profile_before),
            )
        )

    async def cases_in_care(self) -> list[tuple[date, date | None]]:
        """Admission and closing day of each case in care on a day of the period: one row a
        case (a jobcenter's few thousand), counted per month in Python."""
        rows = await self.session.execute(
            select(Case.admitted_on, Case.closed_on).where(
                self.in_scope,
                Case.admitted_on <= self.period_to,
                or_(Case.closed_on.is_(None), Case.closed_on >= self.period_from),
            )
        )
        return [(admitted, closed) for admitted, closed in rows]

    async def outcomes(self, kind: PlanItemKind) -> dict[Outcome, int]:
        rows = await self.session.execute(
            select(PlanItem.outcome, func.count())
            .join(Case, Case.id == PlanItem.case_id)
            .where(
                self.in_scope,
                PlanItem.kind == kind,
                self._during(PlanItem.outcome_on),
            )
            .group_by(PlanItem.outcome)
        )
        found = {outcome: count for outcome, count in rows}
        return {outcome: found.get(str(outcome), 0) for outcome in Outcome}

    async def referrals_completed(self) -> int:
        start = datetime.combine(self.period_from, time(), JOBCENTER_TIMEZONE)
        end = datetime.combine(self.period_to + timedelta(days=1), time(), JOBCENTER_TIMEZONE)
        return await self.session.scalar(
            select(func.count(func.distinct(ReferralStatusChange.referral_id)))
            .join(Referral, Referral.id == ReferralStatusChange.referral_id)
            .join(Case, Case.id == Referral.case_id)
            .where(
                self.in_scope,
                ReferralStatusChange.status == ReferralStatus.COMPLETED,
                ReferralStatusChange.changed_at >= start,
                ReferralStatusChange.changed_at < end,
            )
        )
