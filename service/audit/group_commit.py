"""Group commit for reads: one writer per process puts the records of the read requests that
are waiting at the same moment into one `audit_append` call, one transaction and one commit,
and answers each request only once that commit is done (DESIGN.md, invariant 3: a read's
records are durable before its response leaves).

Measured (FIELD-NOTES.md, "Throughput: what a fast path reached"): with typed arrays the
prototype's W1 went from 0.67× to 0.77× PostGraphile by batching alone. The rules it kept:

- a failed batch fails every request in it (each answers 503, no data);
- what `audit_append` would refuse (a field set over the mask, names too long) is checked per
  request before it is queued (`check`), so one bad request fails alone;
- the queue is bounded and a request waits at most `wait_seconds`: full or too slow is 503;
- `synchronous_commit` stays on: the batch is one statement in autocommit, durable when it
  returns;
- no retry after a lost connection: whether the batch committed is unknown, so its requests
  answer 503 (their records may exist: recorded and not answered is the safe side).

Writes never come here: a mutation's records commit with its change (service/web/unit_of_work.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from service.audit.event import AuditEvent, check
from service.audit.recorder import append_batch
from service.telemetry.decisions import request_context, within

log = logging.getLogger(__name__)


class AuditUnavailable(RuntimeError):
    """The request's records were not (known to be) committed: answer without its data."""


@dataclass(slots=True)
class _Waiting:
    events: Sequence[AuditEvent]
    # None when the batch committed, else why not; a result rather than an exception, so a
    # request that stopped waiting leaves no unretrieved exception behind.
    outcome: asyncio.Future[str | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    trace: object = field(default_factory=request_context)


@dataclass(slots=True)
class BatchCounts:
    """What the writer did, for tests and the bench: batches committed and their sizes."""

    committed: int = 0
    failed: int = 0
    sizes: Counter[int] = field(default_factory=Counter)


class GroupCommit:
    def __init__(
        self, engine: AsyncEngine, *, queue_size: int, wait_seconds: float, max_batch: int
    ) -> None:
        # Autocommit: the one statement is the transaction, committed as it returns — one round
        # trip a batch instead of BEGIN, the call and COMMIT.
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._queue: asyncio.Queue[_Waiting] = asyncio.Queue(queue_size)
        self._wait_seconds = wait_seconds
        self._max_batch = max_batch
        self._writer: asyncio.Task[None] | None = None
        self._waiting = 0
        self.counts = BatchCounts()

    @property
    def waiting(self) -> int:
        """Requests queued or in the batch being written."""
        return self._waiting

    def start(self) -> None:
        self._writer = asyncio.create_task(self._run(), name="audit-group-commit")

    async def stop(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
            self._writer = None
        while not self._queue.empty():
            _settle([self._queue.get_nowait()], "the service is stopping")

    async def record(self, events: Sequence[AuditEvent]) -> None:
        """Return once `events` are committed; raise AuditUnavailable if they may not be, and
        RecordRefused (before queueing) if `audit_append` would refuse them."""
        check(events)
        if not events:
            return
        if self._writer is None or self._writer.done():
            raise AuditUnavailable("the audit writer is not running")
        waiting = _Waiting(events)
        try:
            self._queue.put_nowait(waiting)
        except asyncio.QueueFull:
            raise AuditUnavailable("the audit queue is full") from None
        self._waiting += 1
        try:
            # Shielded: a request that stops waiting leaves its records in the batch.
            failure = await asyncio.wait_for(asyncio.shield(waiting.outcome), self._wait_seconds)
        except TimeoutError:
            raise AuditUnavailable("the audit batch took too long") from None
        finally:
            self._waiting -= 1
        if failure is not None:
            raise AuditUnavailable(failure)

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            # Whoever queued while the last batch was written goes in this one; no waiting for
            # more, so a lone request pays one statement and nothing else.
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._write(batch)

    async def _write(self, batch: list[_Waiting]) -> None:
        try:
            # Traced under the batch's first request (a lone request's trace stays whole).
            with within(batch[0].trace):
                async with self._engine.connect() as conn:
                    await append_batch(conn, [waiting.events for waiting in batch])
        except asyncio.CancelledError:
            _settle(batch, "the service is stopping")
            raise
        except Exception as error:
            # By type only: a database error's message may quote a value.
            log.error("audit batch of %d requests failed (%s)", len(batch), type(error).__name__)
            self.counts.failed += 1
            _settle(batch, "the audit batch failed")
            return
        self.counts.committed += 1
        self.counts.sizes[len(batch)] += 1
        _settle(batch, None)


def _settle(batch: list[_Waiting], failure: str | None) -> None:
    for waiting in batch:
        if not waiting.outcome.done():
            waiting.outcome.set_result(failure)
