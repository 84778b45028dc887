"""The loaders' two shapes, and the loaders every domain's types share (STYLE.md habit 6).

Each loader is one class named after what it loads and by what (`ClientByIdLoader`,
`GoalsByCaseLoader`: Saleor's style), made per request by the context
(`info.context.loader(ClientByIdLoader)`) and never shared between requests: their caches
hold rows read under one actor's row-level-security scope. They need no lock of their own: the
request session queues concurrent statements (service/db/engine.py, RequestSession).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from functools import partial
from typing import Any, ClassVar, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from service.clients.models import Client
from service.db.base import row_columns
from service.db.driver_rows import ReadStatement, among
from service.staff.models import StaffUser

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


class RequestLoader(DataLoader[K, V]):
    """A loader of one request's session, its batches read by the class's `load_batch`: its
    batch function holds the session, not the loader. (A bound method of its own kept each
    loader in a reference cycle, and with it every row it had cached, until the collector came:
    on a case manager's list of 50 cases, 1,100 objects a request, gen-0 collections
    ≈ 1.5–2.5 ms of a request's ≈ 20 ms of CPU.)"""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(load_fn=partial(type(self).load_batch, session))

    @classmethod
    async def load_batch(cls, session: AsyncSession, keys: list[K]) -> Sequence[V]:
        raise NotImplementedError


class RowByIdLoader(RequestLoader[uuid.UUID, Any]):
    """Rows of `model` by their id; None where there is none, or none visible. Plain rows
    that read like the model's entities (`service/db/base.row_columns`): a loader's rows are
    only read."""

    model: ClassVar[Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "model" in cls.__dict__:
            cls.statement = ReadStatement(
                select(*row_columns(cls.model)).where(among(cls.model.id, "ids"))
            )

    @classmethod
    async def load_batch(cls, session: AsyncSession, ids: list[uuid.UUID]) -> Sequence[Any]:
        rows = await cls.statement.rows(session, ids=ids)
        by_id = {row.id: row for row in rows}
        return [by_id.get(key) for key in ids]


class RowsByParentLoader(RequestLoader[uuid.UUID, list[Any]]):
    """Rows of `model` per parent id (the column `parent`), in `order`, then by id; without
    the columns named in `omitted` (read by a loader of their own)."""

    model: ClassVar[Any]
    parent: ClassVar[str]
    order: ClassVar[tuple[Any, ...]]
    omitted: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "model" in cls.__dict__:
            model = cls.model
            columns = [column for column in row_columns(model) if column.key not in cls.omitted]
            cls.statement = ReadStatement(
                select(*columns)
                .where(among(getattr(model, cls.parent), "parent_ids"))
                .order_by(*cls.order, model.id)
            )

    @classmethod
    async def load_batch(
        cls, session: AsyncSession, parent_ids: list[uuid.UUID]
    ) -> Sequence[list[Any]]:
        rows = await cls.statement.rows(session, parent_ids=parent_ids)
        grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for row in rows:
            grouped[getattr(row, cls.parent)].append(row)
        return [grouped[key] for key in parent_ids]


class ClientByIdLoader(RowByIdLoader):
    model = Client


class StaffByIdLoader(RowByIdLoader):
    model = StaffUser


def selected_names(selections: Iterable[Any]) -> set[str]:
    """Every field name selected at or below `selections` (strawberry's `info.selected_fields`,
    or the compiled path's copy of them): what a root may prefetch for."""
    names: set[str] = set()
    for selection in selections:
        names.add(getattr(selection, "name", ""))
        names |= selected_names(selection.selections)
    return names


def loaded(loader: DataLoader, key: Any, build: Callable[[Any], T]) -> T | Awaitable[T]:
    """`build(row)` at once if the loader holds the row already (a page prefetched it), else an
    awaitable of it. graphql-core resolves a plain value in place; every awaitable costs it a
    task and a gather per object (≈ 7 % of a 50-case list's CPU, bench/RESULTS.md, sixth run)."""
    future = loader.cache_map.get(key)
    if future is not None and future.done() and future.exception() is None:
        return build(future.result())
    return _build_later(loader.load(key), build)


async def _build_later(row: Awaitable[Any], build: Callable[[Any], T]) -> T:
    return build(await row)
