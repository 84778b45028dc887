"""Indicator types. They hold counts over groups of at least the configured minimum size and no
client's or employee's data, so they are public types; what may be counted and shown is decided
in service/indicators/ (disclosure.py), and no field names or breaks down by a person."""

from __future__ import annotations

from datetime import date

import strawberry

from service.indicators.disclosure import Figure
from service.indicators.service import Indicators, MonthFigure
from service.policy.guard import public_type
from service.schema.cases.enums import ClosingReason
from service.staff.models import Team


@public_type(
    "an organisational unit of the jobcenter: a name, no person's data",
    name="Team",
    description="Ein Team des Jobcenters.",
)
class TeamNode:
    id: strawberry.ID
    name: str


@public_type(
    "a count over at least the minimum group size, or nothing",
    name="IndicatorFigure",
    description="Eine Kennzahl; unterdrückt (null), wenn sie eine zu kleine Gruppe beschreibt.",
)
class IndicatorFigure:
    value: int | None = strawberry.field(description="The count; null when suppressed.")
    suppressed: bool = strawberry.field(
        description="True when the count would describe fewer cases or case managers than the "
        "minimum group size, or could be derived from figures shown beside it."
    )


@public_type("a count over at least the minimum group size, or nothing", name="ClosureFigure")
class ClosureFigure:
    reason: ClosingReason
    figure: IndicatorFigure


@public_type("a count over at least the minimum group size, or nothing", name="MonthFigure")
class MonthFigureNode:
    month: date = strawberry.field(description="The month's first day.")
    figure: IndicatorFigure


@public_type(
    "aggregates over the jobcenter or a team, suppressed below the minimum group size",
    name="Indicators",
    description="Kennzahlen des Fallmanagements (Erfolgsmessung) für einen Zeitraum, für das "
    "Jobcenter oder ein Team, nie je Mitarbeiterin oder Mitarbeiter.",
)
class IndicatorsNode:
    period_from: date = strawberry.field(name="from")
    period_to: date = strawberry.field(name="to")
    team: TeamNode | None = strawberry.field(description="Null: the whole jobcenter.")
    min_group_size: int
    scope_suppressed: bool = strawberry.field(
        description="True when the jobcenter or team has too few case managers (or the rest of "
        "the jobcenter beside the team has): then every figure is suppressed."
    )
    admissions: IndicatorFigure = strawberry.field(description="Aufnahmen ins Fallmanagement.")
    closures: IndicatorFigure = strawberry.field(description="Fallabgänge insgesamt.")
    closures_by_reason: list[ClosureFigure] = strawberry.field(
        description="Fallabgänge nach Abgangsgrund."
    )
    integrations_into_work: IndicatorFigure = strawberry.field(
        description="Aufnahme von Beschäftigung: Fallabgänge wegen dauerhafter Integration."
    )
    profile_changes_toward_labour_market: IndicatorFigure = strawberry.field(
        description="Fälle, deren Profillage sich bei einer Überprüfung in Richtung größerer "
        "Marktnähe verändert hat."
    )
    goals_achieved: IndicatorFigure = strawberry.field(
        description="Ziele des Integrationsplans, erfolgreich abgeschlossen."
    )
    goals_not_achieved: IndicatorFigure = strawberry.field(
        description="Ziele des Integrationsplans, nicht erfolgreich abgeschlossen."
    )
    referrals_completed: IndicatorFigure = strawberry.field(
        description="Abgeschlossene Einschaltungen von Netzwerkpartnern."
    )
    cases_in_care: IndicatorFigure = strawberry.field(
        description="Fälle in Betreuung an mindestens einem Tag des Zeitraums: die Bezugsgröße "
        "der anderen Kennzahlen."
    )
    cases_in_care_by_month: list[MonthFigureNode] = strawberry.field(
        description="Fälle in Betreuung je Kalendermonat des Zeitraums (an mindestens einem Tag "
        "des Monats)."
    )
    activities_completed: IndicatorFigure = strawberry.field(
        description="Aktivitäten des Integrationsplans, erfolgreich abgeschlossen (Maßnahmen bis "
        "zum Ende wahrgenommen)."
    )


def team_node(team: Team) -> TeamNode:
    return TeamNode(id=strawberry.ID(str(team.id)), name=team.name)


def _figure(figure: Figure) -> IndicatorFigure:
    return IndicatorFigure(value=figure.value, suppressed=figure.suppressed)


def indicators_node(result: Indicators) -> IndicatorsNode:
    return IndicatorsNode(
        period_from=result.period_from,
        period_to=result.period_to,
        team=team_node(result.team) if result.team else None,
        min_group_size=result.min_group_size,
        scope_suppressed=result.scope_suppressed,
        admissions=_figure(result.admissions),
        closures=_figure(result.closures),
        closures_by_reason=[
            ClosureFigure(reason=ClosingReason(reason), figure=_figure(figure))
            for reason, figure in result.closures_by_reason.items()
        ],
        integrations_into_work=_figure(result.integrations_into_work),
        profile_changes_toward_labour_market=_figure(result.profile_changes_toward_labour_market),
        goals_achieved=_figure(result.goals_achieved),
        goals_not_achieved=_figure(result.goals_not_achieved),
        referrals_completed=_figure(result.referrals_completed),
        cases_in_care=_figure(result.cases_in_care),
        cases_in_care_by_month=[_month(month) for month in result.cases_in_care_by_month],
        activities_completed=_figure(result.activities_completed),
    )


def _month(month: MonthFigure) -> MonthFigureNode:
    return MonthFigureNode(month=month.month, figure=_figure(month.figure))
