"""The bulk import of clients: how a jobcenter brings its people over from the system it comes
from (VerBIS exports, a zkT's own software). All or nothing: every row is checked first, and one
rejected row stores none, so a file is corrected and sent again whole, never half in.

The file (UTF-8, a BOM allowed) is CSV or JSON:

- CSV: a header row naming the columns, then one client a row, separated by commas or by
  semicolons (as German spreadsheets write it); quoted as RFC 4180. The columns are
  `client_fields.FIELDS`: customer_number, household_community_number, given_name, family_name,
  date_of_birth, street, postal_code, city, phone, email, household_size, children_in_household.
  customer_number, given_name and family_name are required, the others may be left out or empty.
  A row is counted as a spreadsheet counts it: the header is row 1, the first client row 2.
- JSON: an array of objects with the same keys; row n is the array's n-th object.

Dates as 1979-03-14 or 14.03.1979; numbers as digits. The report names the row, the column and
what is wrong, never the value (it may reach logs, tickets and mails).
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

import orjson
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from service.admin.client_fields import DATES, FIELDS, NUMBERS, REQUIRED, Problem, checked
from service.caller import Caller
from service.clients.models import Client
from service.text_policy import TextRefused, checked_text

MAX_ROWS: Final = 10_000
"""Per file through the API (the request body's 8 MiB hold about 40,000 rows of ~200 bytes); a
larger migration is several files, or the command line (`service import clients`)."""
_DIGITS: Final = re.compile(r"[0-9]+")


class ImportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class RejectedRow:
    row: int  # 1: the header (CSV) or the file as a whole
    field: str | None  # the column, if the problem is in one
    code: str
    message: str
    message_de: str


@dataclass(slots=True)
class ImportReport:
    imported: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    client_ids: list[uuid.UUID] = field(default_factory=list)


class FileRefused(Exception):
    """The file as a whole cannot be read: nothing to check row by row."""

    def __init__(self, rejected: RejectedRow) -> None:
        super().__init__(rejected.message)
        self.rejected = rejected


def _file_problem(message: str, message_de: str, *, row: int = 1, column: str | None = None):
    return FileRefused(RejectedRow(row, column, "VALIDATION", message, message_de))


async def import_clients(
    caller: Caller, *, content: bytes | str, file_format: ImportFormat, max_rows: int = MAX_ROWS
) -> ImportReport:
    """Check every row; store all of them only if none is rejected, into the caller's
    jobcenter. The session is bound to it (row-level security) and the caller has been
    authorized."""
    session, tenant_id = caller.session, caller.actor.tenant_id
    try:
        rows = list(_rows(_text(content), file_format, max_rows))
    except FileRefused as refused:
        return ImportReport(rejected=[refused.rejected])
    report = ImportReport()
    accepted: list[tuple[int, dict[str, Any]]] = []
    for number, raw in rows:
        values, problems = _checked_row(raw, caller.today)
        report.rejected += [_rejected(number, problem) for problem in problems]
        if not problems:
            accepted.append((number, values))
    report.rejected += await _conflicts(session, tenant_id, accepted)
    if report.rejected:
        report.rejected.sort(key=lambda rejected: rejected.row)
        return report
    clients = [
        Client(tenant_id=tenant_id, id=uuid.uuid4(), active=True, **values)
        for _, values in accepted
    ]
    try:
        async with session.begin_nested():
            session.add_all(clients)
            await session.flush()
    except IntegrityError:  # registered meanwhile by someone else
        return ImportReport(
            rejected=[
                RejectedRow(
                    1,
                    "customer_number",
                    "CONFLICT",
                    "a customer number was registered meanwhile; nothing was stored",
                    "eine Kundennummer wurde zwischenzeitlich vergeben; nichts gespeichert",
                )
            ]
        )
    return ImportReport(imported=len(clients), client_ids=[client.id for client in clients])


def _text(content: bytes | str) -> str:
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_problem("the file is not UTF-8", "die Datei ist nicht UTF-8-kodiert") from None


def _rows(text: str, file_format: ImportFormat, max_rows: int) -> Iterator[tuple[int, dict]]:
    rows = _csv_rows(text) if file_format is ImportFormat.CSV else _json_rows(text)
    count = 0
    for row in rows:
        count += 1
        if count > max_rows:
            raise _file_problem(
                f"at most {max_rows} clients a file", f"höchstens {max_rows} Personen je Datei"
            )
        yield row
    if count == 0:
        raise _file_problem("the file holds no client", "die Datei enthält keine Person")


def _csv_rows(text: str) -> Iterator[tuple[int, dict]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
        _check_header(header)
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, as spreadsheets leave at the end
            if len(cells) > len(header):
                raise _file_problem(
                    "more cells than the header has columns",
                    "mehr Zellen als Spalten im Kopf",
                    row=number,
                )
            yield number, dict(zip(header, cells, strict=False))
    except csv.Error:
        raise _file_problem(
            "not readable as CSV (quotes?)",
            "nicht als CSV lesbar (Anführungszeichen?)",
            row=reader.line_num,
        ) from None


def _check_header(header: list[str]) -> None:
    if not header:
        raise _file_problem("the header row is missing", "die Kopfzeile fehlt")
    for name in header:
        if name not in FIELDS:
            raise _file_problem("unknown column", "unbekannte Spalte", column=name[:40])
        if header.count(name) > 1:
            raise _file_problem("column given twice", "Spalte doppelt", column=name)
    missing = sorted(REQUIRED - set(header))
    if missing:
        raise _file_problem("required column missing", "Pflichtspalte fehlt", column=missing[0])


def _json_rows(text: str) -> Iterator[tuple[int, dict]]:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise _file_problem("not readable as JSON", "nicht als JSON lesbar") from None
    if not isinstance(document, list):
        raise _file_problem("an array of objects is expected", "erwartet: eine Liste von Objekten")
    for number, item in enumerate(document, start=1):
        if not isinstance(item, dict):
            raise _file_problem("not an object", "kein Objekt", row=number)
        unknown = sorted(set(item) - set(FIELDS))
        if unknown:
            raise _file_problem(
                "unknown key", "unbekannter Schlüssel", row=number, column=unknown[0][:40]
            )
        yield number, item


def _checked_row(raw: dict, today: date) -> tuple[dict[str, Any], list[Problem]]:
    typed: dict[str, Any] = {}
    problems: list[Problem] = []
    for name in FIELDS:
        try:
            typed[name] = _typed(name, raw.get(name))
        except _Unreadable as unreadable:
            problems.append(unreadable.problem)
        except TextRefused as refused:
            # The text policy of every request (service/text_policy.py), for cells the request
            # carried encoded: refused here as it would be in a form.
            problems.append(Problem(name, refused.message, refused.message_de))
    values, more = checked(
        {name: value for name, value in typed.items() if name not in {p.field for p in problems}},
        today=today,
        complete=True,
    )
    return values, problems + [p for p in more if p.field not in {q.field for q in problems}]


class _Unreadable(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _typed(name: str, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Unreadable(Problem(name, "not a text or number", "weder Text noch Zahl"))
    text = checked_text(str(value), name).strip()
    if name in NUMBERS:
        if not _DIGITS.fullmatch(text):
            raise _Unreadable(Problem(name, "a whole number", "eine ganze Zahl"))
        return int(text)
    if name in DATES:
        return _date(name, text)
    return text


def _date(name: str, text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _Unreadable(
        Problem(
            name, "a date as 1979-03-14 or 14.03.1979", "ein Datum wie 1979-03-14 oder 14.03.1979"
        )
    )


async def _conflicts(
    session: AsyncSession, tenant_id: uuid.UUID, accepted: list[tuple[int, dict[str, Any]]]
) -> list[RejectedRow]:
    """A customer number twice in the file, or already in the jobcenter (also a deactivated
    client's: a number names one person for good). The tenant is named as well as bound: the
    command line's owner may be a superuser, whom row-level security does not confine."""
    first_row: dict[str, int] = {}
    conflicts: list[RejectedRow] = []
    for number, values in accepted:
        customer_number = values["customer_number"]
        if customer_number in first_row:
            conflicts.append(
                RejectedRow(
                    number,
                    "customer_number",
                    "CONFLICT",
                    f"the same customer number as row {first_row[customer_number]}",
                    f"dieselbe Kundennummer wie Zeile {first_row[customer_number]}",
                )
            )
        else:
            first_row[customer_number] = number
    taken: set[str] = set()
    numbers = list(first_row)
    for start in range(0, len(numbers), 1000):
        taken.update(
            await session.scalars(
                select(Client.customer_number).where(
                    Client.tenant_id == tenant_id,
                    Client.customer_number.in_(numbers[start : start + 1000]),
                )
            )
        )
    conflicts += [
        RejectedRow(
            first_row[customer_number],
            "customer_number",
            "CONFLICT",
            "already registered in the jobcenter",
            "im Jobcenter bereits vergeben",
        )
        for customer_number in sorted(taken)
    ]
    return conflicts


def _rejected(row: int, problem: Problem) -> RejectedRow:
    return RejectedRow(row, problem.field, problem.code, problem.message, problem.message_de)
