"""Indicators for controlling and team leads (policies.polar: indicators:read)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from service.ids import parse_optional_id
from service.indicators import service
from service.schema.context import Info
from service.schema.indicators.types import IndicatorsNode, TeamNode, indicators_node, team_node


def _min_group_size(info: Info) -> int:
    return info.context.request.app.state.runtime.settings.indicators_min_group_size


@strawberry.type
class IndicatorsQuery:
    @strawberry.field(description="The jobcenter's teams, to ask for their indicators.")
    async def teams(self, info: Info) -> list[TeamNode]:
        return [team_node(team) for team in await service.teams(info.context.caller())]

    @strawberry.field(
        description="Kennzahlen für ganze Kalendermonate (from: Monatserster, to: Monatsletzter), "
        "für das Jobcenter oder ein Team; kleine Gruppen werden unterdrückt."
    )
    async def indicators(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        team_id: strawberry.ID | None = None,
    ) -> IndicatorsNode:
        result = await service.indicators(
            info.context.caller(),
            period_from=from_,
            period_to=to,
            team_id=parse_optional_id(team_id, "team"),
            min_group_size=_min_group_size(info),
        )
        return indicators_node(result)
