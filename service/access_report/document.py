"""The Auskunft as a printable German document (HTML with print styles, and PDF), from the
same report the API returns. Everything is escaped: names and organisation names come from
users and partners."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from service.access_report.copy import DataCopy
from service.access_report.labels import FieldCategories
from service.access_report.readers import CONSOLE_BASIS
from service.access_report.report import (
    CONSOLE_ACTOR,
    CONSOLE_OPERATION,
    OBJECT_TYPE,
    SYSTEM_KIND,
    AccessReport,
    build_report,
)
from service.access_report.rights import statutory
from service.access_report.texts import TEXTS
from service.audit.event import AuditAction, AuditEvent
from service.audit.recorder import append
from service.clients.models import Client
from service.errors import NotFound, ValidationFailed
from service.ids import parse_id
from service.moments import FIRST_YEAR, LAST_YEAR, parse_date
from service.tenants.binding import scope_binding
from service.tenants.models import Tenant
from service.tenants.scope import Scope

# Times are shown as the client lives them; the log keeps UTC.
LOCAL = ZoneInfo("Europe/Berlin")
DEFAULT_DAYS = 365 * 3  # an Auskunft usually covers the retention period, not one month

_templates = Environment(
    loader=PackageLoader("service.access_report", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _local(value: datetime | None, pattern: str = "%d.%m.%Y %H:%M") -> str:
    return value.astimezone(LOCAL).strftime(pattern) if value else ""


def _copy_value(value: Any, texts: Mapping[str, str] = TEXTS["de"]) -> str:
    """A stored value as the reader writes it: dates the German way, yes/no, and a version's
    plan (a list of goals) by its titles, never its keys or codes."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return texts["yes"] if value else texts["no"]
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, list | dict):
        titles = _titles(value)
        return "; ".join(titles) if titles else "–"
    return str(value)


def _titles(value: Any) -> list[str]:
    """A version's plan (goals → sub-goals → activities, as it stood): its titles, in order —
    the goals' dates and outcomes are listed with the plan's items."""
    if isinstance(value, dict):
        own = [str(value["title"])] if value.get("title") else []
        return own + [t for v in value.values() if isinstance(v, list) for t in _titles(v)]
    if isinstance(value, list):
        return [t for v in value for t in _titles(v)]
    return []


_templates.filters["local"] = _local
_templates.filters["copy_value"] = _copy_value


def render_html(
    report: AccessReport,
    *,
    dpo_contact: str = "",
    copy: DataCopy | None = None,
    lang: str = "de",
) -> str:
    return _templates.get_template("auskunft.html").render(
        report=report,
        statutory=statutory(report.jobcenter, dpo_contact, lang),
        copy=copy,
        lang=lang,
        t=TEXTS[lang],
    )


def render_pdf(html: str) -> bytes:
    """The same document as PDF, A4 (its @page rule). WeasyPrint loads Pango when imported:
    imported here, so a service that never prints a PDF never needs it."""
    import weasyprint

    # No base URL: the document has no external resources, and none may be fetched.
    return weasyprint.HTML(string=html).write_pdf()


def period_of_days(
    first_day: date | None, last_day: date | None, *, now: datetime
) -> tuple[datetime, datetime]:
    """Whole local days, both included: [first day 00:00, day after the last 00:00)."""
    today = now.astimezone(LOCAL).date()
    last_day = last_day or today
    first_day = first_day or last_day - timedelta(days=DEFAULT_DAYS)
    start = datetime.combine(first_day, time(), LOCAL).astimezone(UTC)
    end = datetime.combine(last_day + timedelta(days=1), time(), LOCAL).astimezone(UTC)
    return start, end


def parse_day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise ValidationFailed(
            field,
            f"expected a date like 2026-03-01, in the years {FIRST_YEAR}–{LAST_YEAR}",
            f"Datum erwartet, z. B. 2026-03-01, in den Jahren {FIRST_YEAR}–{LAST_YEAR}",
        ) from None


async def produce_at_console(
    owner_url,
    client: str,
    *,
    first_day: str | None,
    last_day: str | None,
    categories: FieldCategories,
    dpo_contact: str = "",
) -> str:
    """`service auskunft`: operations produce the document as the database owner, bound to the
    client's jobcenter (row-level security applies to the owner too), and the production is
    recorded in the audit log like any other reading of the report."""
    client_id = parse_id(client, "client")
    now = datetime.now(UTC)
    from_, to = period_of_days(parse_day(first_day, "from"), parse_day(last_day, "to"), now=now)
    engine = create_async_engine(owner_url, poolclass=NullPool)
    try:
        async with AsyncSession(engine) as session, session.begin():
            await _bind_to_tenant_of(session, client_id)
            report = await build_report(
                session,
                client_id=client_id,
                from_=from_,
                to=to,
                first=None,
                after=None,
                now=now,
                categories=categories,
            )
            html = render_html(report, dpo_contact=dpo_contact)
            await append(session, [_console_event(report, now)])
        return html
    finally:
        await engine.dispose()


async def _bind_to_tenant_of(session: AsyncSession, client_id) -> None:
    for tenant_id in await session.scalars(select(Tenant.id)):
        await session.execute(scope_binding(Scope.tenant(tenant_id)))
        if await session.scalar(select(Client.id).where(Client.id == client_id)):
            return
    raise NotFound()


def _console_event(report: AccessReport, now: datetime) -> AuditEvent:
    return AuditEvent(
        tenant_id=report.tenant_id,
        occurred_at=now,
        request_id=uuid.uuid4(),
        operation=CONSOLE_OPERATION,
        action=AuditAction.READ,
        actor_kind=SYSTEM_KIND,
        actor_id=CONSOLE_ACTOR,
        actor_organisation_id=None,
        subject_id=report.client_id,
        object_type=OBJECT_TYPE,
        object_id=report.client_id,
        fields=("document",),
        basis=CONSOLE_BASIS,
    )
