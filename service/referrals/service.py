"""Referrals to network partners (Einschaltung Dritter): refer, respond, move on, report back.

Plain async functions with keyword-only arguments, callable without GraphQL. They flush; the
request commits. Who may call them on which referral is asked of the policy; the state machine
and the limits live here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from service.caller import Caller
from service.cases.access import staff_access
from service.cases.models import Case, CaseStatus
from service.cases.rules import in_aftercare
from service.db.base import row_columns
from service.db.driver_rows import fetch_rows
from service.errors import (
    Conflict,
    InvalidTransition,
    ValidationFailed,
    found,
    required,
    too_long,
)
from service.identity.actor import Actor
from service.identity.roles import ActorKind
from service.paging import fill_page
from service.partners.categories import ServiceCategory
from service.partners.service import network_membership
from service.policy.actions import Action
from service.policy.facts import Access
from service.referrals.access import referral_access, referral_cases, with_current_status
from service.referrals.models import (
    OPEN_STATUSES,
    Attendance,
    ProgressReport,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
)
from service.tenants.binding import in_bound_jobcenter, scope_of

PURPOSE_LIMIT = 1000
REASON_LIMIT = 1000
REPORT_TEXT_LIMIT = 4000
CASE_CLOSED_REASON = "Fallabgang"

# sent → accepted/declined (the partner's answer) → in progress → completed / aborted / no-show.
TRANSITIONS: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.SENT: frozenset(
        {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.ABORTED}
    ),
    ReferralStatus.ACCEPTED: frozenset(
        {ReferralStatus.IN_PROGRESS, ReferralStatus.ABORTED, ReferralStatus.NO_SHOW}
    ),
    ReferralStatus.IN_PROGRESS: frozenset(
        {ReferralStatus.COMPLETED, ReferralStatus.ABORTED, ReferralStatus.NO_SHOW}
    ),
}


@dataclass(frozen=True, slots=True)
class ReferralView:
    """A referral with what the actor is to its data."""

    row: Referral
    access: Access
    case: Any = None
    """Its case as the listing read it to decide the access (a row, service/db/base.row_columns),
    so that showing the case needs no second read; None where it was not read."""


# --- reading -----------------------------------------------------------------------------------


async def get_referral(
    caller: Caller,
    *,
    referral_id: uuid.UUID,
    for_change: bool = False,
) -> ReferralView:
    """One referral, or NOT_FOUND — the same answer whether it is another partner's, another
    jobcenter's, or does not exist. For a change, the row stays locked until the request ends,
    so two changes at once happen one after the other."""
    query = select(Referral).where(Referral.id == referral_id)
    if for_change:
        # found(): a referral the caller cannot see has no jobcenter to lock it in, and Citus
        # refuses a row lock that names none (a 500 for a partner's guess at an id).
        tenant_id = found(await _jobcenter_to_lock_in(caller, referral_id))
        query = query.where(Referral.tenant_id == tenant_id).with_for_update()
    referral = found(await caller.session.scalar(query))
    access = (await referral_access(caller.session, caller.actor, [referral], caller.now))[
        referral.id
    ]
    caller.authorizer.authorize_seen(
        caller.actor, Action.REFERRAL_READ, access, seen=Action.REFERRAL_READ
    )
    return ReferralView(referral, access)


async def _jobcenter_to_lock_in(caller: Caller, referral_id: uuid.UUID) -> uuid.UUID | None:
    """The jobcenter a referral's locking query names: on Citus a row is locked only by a query
    routed to one shard, and row-level security's tenant does not route (docs/scale-out.md). A
    staff scope is one jobcenter; a partner's spans several, so the referral's is read first."""
    bound = scope_of(caller.session.sync_session).tenant_id
    if bound is not None:
        return bound
    return await caller.session.scalar(select(Referral.tenant_id).where(Referral.id == referral_id))


async def list_referrals(
    caller: Caller,
    *,
    status: ReferralStatus | None = None,
    overdue: bool | None = None,
    after: tuple[datetime, uuid.UUID] | None = None,
    limit: int,
) -> list[ReferralView]:
    """Newest first, at most `limit`. Partners: every referral made to them, by any jobcenter.
    Staff: referrals of the cases they act on that the policy lets them read. Clients: their
    own."""
    # Their columns alone leave the referrals' table out of the session's loader criteria
    # (service/tenants/binding.py): a staff or client request names its jobcenter here.
    query = in_bound_jobcenter(
        caller.session.sync_session, select(*row_columns(Referral)), Referral
    ).order_by(Referral.created_at.desc(), Referral.id.desc())
    if caller.actor.kind is ActorKind.PARTNER:
        # The same rows row-level security allows, said in the query: then the newest come
        # from the (partner, created_at) index instead of sorting all of the partner's
        # referrals (30,000 in the benchmark: 16.8 ms → 0.03 ms).
        query = query.where(Referral.partner_organisation_id == caller.actor.organisation_id)
    if caller.actor.kind is ActorKind.STAFF:
        query = query.join(
            Case, (Case.tenant_id == Referral.tenant_id) & (Case.id == Referral.case_id)
        ).where(
            (Case.responsible_case_manager_id == caller.actor.user_id)
            | (Case.deputy_case_manager_id == caller.actor.user_id)
        )
    if caller.actor.kind is ActorKind.CLIENT:
        # Their own; the policy still decides per row (data_subject, service/cases/access.py).
        query = query.where(Referral.client_id == caller.actor.user_id)
    if status is not None:
        query = query.where(Referral.status == status)
    if overdue is not None:
        query = query.where(
            _overdue_clause(caller.today) if overdue else ~_overdue_clause(caller.today)
        )

    async def batch(position, size):
        newer = (
            query
            if position is None
            else query.where(tuple_(Referral.created_at, Referral.id) < tuple_(*position))
        )
        rows = await fetch_rows(caller.session, newer.limit(size))
        cases = await referral_cases(caller.session, rows)
        access = await referral_access(caller.session, caller.actor, rows, caller.now, cases=cases)
        return rows, [
            ReferralView(row, access[row.id], cases.get(row.case_id))
            for row in rows
            if caller.authorizer.is_allowed(caller.actor, Action.REFERRAL_READ, access[row.id])
        ]

    # The policy decides per referral: read on until the page is full (service/paging.py).
    return await fill_page(batch, limit, after)


def _overdue_clause(today: date):
    """No report yet although the first one was due, and the referral is still open."""
    return (
        (Referral.first_report_due < today)
        & Referral.status.in_([str(status) for status in OPEN_STATUSES])
        & ~exists().where(
            (ProgressReport.tenant_id == Referral.tenant_id)
            & (ProgressReport.referral_id == Referral.id)
        )
    )


def is_overdue(referral: Referral, reports: list[ProgressReport], today: date) -> bool:
    return (
        referral.first_report_due < today
        and ReferralStatus(referral.status) in OPEN_STATUSES
        and not reports
    )


# --- changing ----------------------------------------------------------------------------------


async def create_referral(
    caller: Caller,
    *,
    case_id: uuid.UUID,
    partner_organisation_id: uuid.UUID,
    service_category: ServiceCategory,
    purpose: str,
    first_report_due: date,
) -> ReferralView:
    case = found(await caller.session.scalar(select(Case).where(Case.id == case_id)))
    access = (await staff_access(caller.session, caller.actor, [case], now=caller.now))[case.id]
    # As every step on a case: NOT_FOUND unless the case exists for the actor (service/cases/
    # service.py, case_for); FORBIDDEN to one who reads it but may not refer (a team lead).
    caller.authorizer.authorize_seen(
        caller.actor, Action.REFERRAL_CREATE, access, seen=Action.CASE_READ
    )
    # After-care may use the network too (domain/001: "z.B. durch Krisenintervention,
    # Netzwerknutzung"); its end ends the referral's purpose (referrals/access.py).
    if case.status != CaseStatus.ADMITTED and not in_aftercare(case, caller.today):
        raise InvalidTransition(
            "only clients in case management or in its after-care can be referred",
            "nur Fälle im Fallmanagement oder in der Nachbetreuung können vermittelt werden",
        )
    _check_purpose(purpose)
    if first_report_due <= caller.today:
        raise ValidationFailed(
            "firstReportDue",
            "the first report must be due after today",
            "der erste Bericht muss nach dem heutigen Tag fällig sein",
        )
    await _check_network(caller.session, partner_organisation_id, service_category)
    referral = Referral(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        client_id=case.client_id,
        partner_organisation_id=partner_organisation_id,
        service_category=str(service_category),
        purpose=purpose.strip(),
        first_report_due=first_report_due,
        status=str(ReferralStatus.SENT),
        created_by_id=caller.actor.user_id,
        created_at=caller.now,
    )
    caller.session.add(referral)
    caller.session.add(
        _status_change(referral, ReferralStatus.SENT, caller.actor, None, caller.now)
    )
    await caller.session.flush()
    return await get_referral(caller, referral_id=referral.id)


def _check_purpose(purpose: str) -> None:
    if not purpose.strip():
        raise required("purpose")
    if len(purpose) > PURPOSE_LIMIT:
        raise too_long("purpose", PURPOSE_LIMIT)


async def _check_network(
    session: AsyncSession, organisation_id: uuid.UUID, category: ServiceCategory
) -> None:
    membership = await network_membership(session, organisation_id)
    if str(category) not in membership.service_categories:
        raise ValidationFailed(
            "serviceCategory",
            "this network partner does not offer that service",
            "dieser Netzwerkpartner bietet diese Leistung nicht an",
        )


async def respond_to_referral(
    caller: Caller,
    *,
    referral_id: uuid.UUID,
    accept: bool,
    reason: str | None,
) -> ReferralView:
    view = await _referral_for(caller, referral_id, Action.REFERRAL_RESPOND)
    if ReferralStatus(view.row.status) is not ReferralStatus.SENT:
        raise InvalidTransition(
            "this referral has already been answered", "diese Vermittlung wurde bereits beantwortet"
        )
    if not accept and not (reason or "").strip():
        raise required("reason")
    target = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    return await _move(caller, view, target, reason)


async def update_referral_status(
    caller: Caller,
    *,
    referral_id: uuid.UUID,
    status: ReferralStatus,
    reason: str | None,
) -> ReferralView:
    # The jobcenter may only withdraw (abort) a referral; moving it on is the partner's.
    action = (
        Action.REFERRAL_WITHDRAW
        if caller.actor.kind is ActorKind.STAFF and status is ReferralStatus.ABORTED
        else Action.REFERRAL_UPDATE_STATUS
    )
    view = await _referral_for(caller, referral_id, action)
    current = ReferralStatus(view.row.status)
    if current is ReferralStatus.SENT and status in (
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
    ):
        raise InvalidTransition(
            "answer a new referral with respondToReferral",
            "eine neue Vermittlung wird mit respondToReferral beantwortet",
        )
    return await _move(caller, view, status, reason)


async def report_progress(
    caller: Caller,
    *,
    referral_id: uuid.UUID,
    reported_on: date,
    attendance: Attendance,
    text: str,
    next_appointment: datetime | None,
    status: ReferralStatus | None,
) -> ReferralView:
    view = await _referral_for(caller, referral_id, Action.REFERRAL_REPORT)
    current = ReferralStatus(view.row.status)
    if current not in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS):
        raise InvalidTransition(
            "reports are possible only on accepted referrals in progress",
            "Rückmeldungen sind nur zu angenommenen, laufenden Vermittlungen möglich",
        )
    _check_report(reported_on, text, next_appointment, caller)
    if status is not None and status is not current:
        view = await _move(caller, view, status, None)
    caller.session.add(
        ProgressReport(
            tenant_id=view.row.tenant_id,
            referral_id=view.row.id,
            partner_organisation_id=view.row.partner_organisation_id,
            reported_on=reported_on,
            attendance=str(attendance),
            status=view.row.status,
            text=text.strip(),
            next_appointment=next_appointment,
            author_organisation_id=caller.actor.organisation_id,
            author_id=caller.actor.user_id,
            created_at=caller.now,
        )
    )
    await caller.session.flush()
    return view


def _check_report(
    reported_on: date, text: str, next_appointment: datetime | None, caller: Caller
) -> None:
    if reported_on > caller.today:
        raise ValidationFailed(
            "reportedOn",
            "a report cannot be dated in the future",
            "Berichtsdatum liegt in der Zukunft",
        )
    if not text.strip():
        raise required("text")
    if len(text) > REPORT_TEXT_LIMIT:
        raise too_long("text", REPORT_TEXT_LIMIT)
    if next_appointment is not None and next_appointment <= caller.now:
        raise ValidationFailed(
            "nextAppointment",
            "the next appointment must be in the future",
            "der nächste Termin muss in der Zukunft liegen",
        )


async def _referral_for(caller: Caller, referral_id: uuid.UUID, action: Action) -> ReferralView:
    view = await get_referral(caller, referral_id=referral_id, for_change=True)
    # The referral exists for them (get_referral): one who reads it but may not take this step
    # (the case manager reporting progress) is told FORBIDDEN.
    caller.authorizer.authorize(caller.actor, action, view.access)
    if caller.expected_version is not None and caller.expected_version != view.row.version:
        raise Conflict()
    return view


async def _move(
    caller: Caller, view: ReferralView, target: ReferralStatus, reason: str | None
) -> ReferralView:
    current = ReferralStatus(view.row.status)
    if target not in TRANSITIONS.get(current, frozenset()):
        raise InvalidTransition(
            f"a referral cannot go from {current} to {target}",
            f"eine Vermittlung kann nicht von {current} nach {target} wechseln",
        )
    if reason is not None and len(reason) > REASON_LIMIT:
        raise too_long("reason", REASON_LIMIT)
    view.row.status = str(target)
    view.row.version += 1
    caller.session.add(_status_change(view.row, target, caller.actor, reason, caller.now))
    await caller.session.flush()
    return ReferralView(view.row, with_current_status(view.access, view.row))


async def abort_open_referrals(caller: Caller, *, case_id: uuid.UUID) -> list[Referral]:
    """Closing a case (Fallabgang) ends the purpose of its open referrals: each is aborted,
    recorded like every status change, and the partner stops reading the client's data
    (§ 78 SGB X). The reason names the closure, not its grounds: the closing reason is case
    content the partner has no consent for. The case's closure rule (case:work) covers it: the
    one who may close the case may withdraw its referrals."""
    rows = await caller.session.scalars(
        select(Referral)
        .where(
            Referral.case_id == case_id,
            Referral.status.in_([str(status) for status in OPEN_STATUSES]),
        )
        .with_for_update()
    )
    aborted = list(rows)
    for referral in aborted:
        referral.status = str(ReferralStatus.ABORTED)
        referral.version += 1
        caller.session.add(
            _status_change(
                referral, ReferralStatus.ABORTED, caller.actor, CASE_CLOSED_REASON, caller.now
            )
        )
    return aborted


def _status_change(
    referral: Referral, status: ReferralStatus, actor: Actor, reason: str | None, now: datetime
) -> ReferralStatusChange:
    return ReferralStatusChange(
        tenant_id=referral.tenant_id,
        referral_id=referral.id,
        partner_organisation_id=referral.partner_organisation_id,
        status=str(status),
        reason=(reason or "").strip() or None,
        changed_by_kind=str(actor.kind),
        changed_by_id=actor.user_id,
        changed_at=now,
    )
