"""Per-request loaders of a case's appointments and follow-ups (its notes are paged instead,
service/diary/service.py). One instance per request, never shared (their caches hold rows
read under one actor's row-level-security scope)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from service.diary.models import Appointment, FollowUp
from service.schema.context import Info


class DiaryLoaders:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.appointments_by_case = DataLoader(self._by_case(Appointment, Appointment.starts_at))
        self.follow_ups_by_case = DataLoader(self._by_case(FollowUp, FollowUp.due_on))

    def _by_case(self, model: Any, order: Any):
        async def load(case_ids: list[uuid.UUID]) -> Sequence[list[Any]]:
            rows = await self._session.scalars(
                select(model).where(model.case_id.in_(case_ids)).order_by(order, model.id)
            )
            by_case: dict[uuid.UUID, list[Any]] = defaultdict(list)
            for row in rows:
                by_case[row.case_id].append(row)
            return [by_case[key] for key in case_ids]

        return load

    def clear(self) -> None:
        self.appointments_by_case.clear_all()
        self.follow_ups_by_case.clear_all()


def diary_loaders(info: Info) -> DiaryLoaders:
    return info.context.loader(DiaryLoaders)
