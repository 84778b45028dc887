"""Recording, listing and revoking consents. A consent is never edited: a correction is a
revocation and a new consent; the revocation takes effect on the very next request, because the
guard reads consents fresh for each one (service/consent/facts.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.caller import Caller
from service.clients.access import client_for
from service.clients.models import Client
from service.consent.facts import fact_of
from service.consent.models import Consent, ConsentRevocation
from service.errors import InvalidTransition, ValidationFailed, found, required, too_long
from service.identity.actor import Actor
from service.identity.roles import ActorKind
from service.moments import JOBCENTER_TIMEZONE
from service.partners.models import NetworkMembership
from service.policy.actions import Action
from service.policy.authorizer import CASE_CATEGORIES
from service.policy.categories import CONSENTABLE_CATEGORIES, SPECIAL_CATEGORIES, DataCategory
from service.policy.facts import Access, ConsentDirection, ConsentPurpose
from service.referrals.models import Referral
from service.staff.service import active_case_manager

EVIDENCE_LIMIT = 200
NOTE_LIMIT = 1000
# A deputy consent covers one absence of the responsible case manager (leave, illness, a
# course): the client agrees to a colleague standing in for it (domain/001), not to a standing
# second case manager. A year covers the longest absence still bridged by a deputy; beyond it
# the team lead reassigns the case (`assignCaseManager`), and the client is asked again rather
# than held to an agreement made for an absence long past.
DEPUTY_PERIOD_LIMIT = timedelta(days=365)

RECORD_ACTIONS = {
    ConsentPurpose.REFERRAL: Action.CONSENT_RECORD,
    ConsentPurpose.DEPUTY: Action.CONSENT_RECORD_DEPUTY,
}
REVOKE_ACTIONS = {
    ConsentPurpose.REFERRAL: Action.CONSENT_REVOKE,
    ConsentPurpose.DEPUTY: Action.CONSENT_REVOKE_DEPUTY,
}


class RevocationChannel(StrEnum):
    IN_PERSON = "in_person"
    LETTER = "letter"
    EMAIL = "email"
    PHONE = "phone"
    PORTAL = "portal"


@dataclass(frozen=True, slots=True)
class InformedConsent:
    """The client was informed of content, effects, scope, voluntariness and benefit
    (domain/004: informierte, freiwillige Einwilligung)."""

    content: bool
    effects: bool
    scope: bool
    voluntariness: bool
    benefit: bool

    def missing(self) -> list[str]:
        return [name for name in self.__slots__ if not getattr(self, name)]


@dataclass(frozen=True, slots=True)
class ConsentView:
    row: Consent
    revocation: ConsentRevocation | None
    active: bool
    access: Access


async def list_consents(
    caller: Caller,
    *,
    client_id: uuid.UUID,
) -> list[ConsentView]:
    """All consents of a client, newest first, with their revocations. The fields come through
    the guard under the category `consents`, so nobody else reads them."""
    _, access = await client_for(caller, client_id=client_id, action=Action.CONSENT_READ)
    rows = await caller.session.execute(
        select(Consent, ConsentRevocation)
        .outerjoin(
            ConsentRevocation,
            (ConsentRevocation.tenant_id == Consent.tenant_id)
            & (ConsentRevocation.consent_id == Consent.id),
        )
        .where(Consent.client_id == client_id)
        .order_by(Consent.recorded_at.desc(), Consent.id)
    )
    return [_view(consent, revocation, access, caller.now) for consent, revocation in rows]


def _view(
    consent: Consent, revocation: ConsentRevocation | None, access: Access, now: datetime
) -> ConsentView:
    fact = fact_of(consent, revocation.revoked_at if revocation else None, now)
    return ConsentView(consent, revocation, fact.active, access)


async def record_consent(
    caller: Caller,
    *,
    client_id: uuid.UUID,
    purpose: ConsentPurpose,
    grantee_organisation_id: uuid.UUID | None,
    referral_id: uuid.UUID | None,
    deputy_id: uuid.UUID | None,
    direction: ConsentDirection,
    categories: list[str],
    explicit_special_categories: bool,
    valid_from: datetime | None,
    valid_until: datetime | None,
    evidence_reference: str | None,
    informed: InformedConsent,
) -> ConsentView:
    client, access = await client_for(caller, client_id=client_id, action=RECORD_ACTIONS[purpose])
    scope = _scope(purpose, categories, explicit_special_categories)
    start = _start(_with_offset("validFrom", valid_from), caller.now)
    _check_period(purpose, start, _with_offset("validUntil", valid_until), caller.now)
    _check_informed(informed)
    evidence = _check_evidence(caller.actor, evidence_reference)
    if purpose is ConsentPurpose.REFERRAL:
        await _check_referral(caller.session, client, referral_id, grantee_organisation_id)
    else:
        grantee_organisation_id, referral_id = None, None
    await _check_deputy(caller, purpose, deputy_id)
    consent = Consent(
        tenant_id=client.tenant_id,
        id=uuid.uuid4(),
        client_id=client.id,
        purpose=str(purpose),
        grantee_organisation_id=grantee_organisation_id,
        referral_id=referral_id,
        deputy_id=deputy_id,
        direction=str(direction),
        categories=scope,
        explicit_special_categories=explicit_special_categories,
        valid_from=start,
        valid_until=valid_until,
        evidence_reference=evidence,
        informed_content=informed.content,
        informed_effects=informed.effects,
        informed_scope=informed.scope,
        informed_voluntariness=informed.voluntariness,
        informed_benefit=informed.benefit,
        recorded_by_kind=str(caller.actor.kind),
        recorded_by_id=caller.actor.user_id,
        recorded_at=caller.now,
    )
    caller.session.add(consent)
    await caller.session.flush()
    return _view(consent, None, access, caller.now)


def _scope(purpose: ConsentPurpose, categories: list[str], explicit_special: bool) -> list[str]:
    if purpose is ConsentPurpose.DEPUTY:
        # A deputy stands in for the case manager: the consent is to that, not to a scope.
        return sorted(map(str, CASE_CATEGORIES))
    if not categories:
        raise ValidationFailed(
            "categories",
            "name at least one data category",
            "mindestens eine Datenkategorie angeben",
        )
    known = {str(category) for category in CONSENTABLE_CATEGORIES}
    for category in categories:
        if category == DataCategory.ACCESS_REPORT:
            raise ValidationFailed(
                "categories",
                "the client's own access report cannot be shared",
                "die Auskunft an die Person selbst kann nicht weitergegeben werden",
            )
        if category not in known:
            raise ValidationFailed(
                "categories",
                f"unknown data category '{category}' (see dataCategories)",
                f"unbekannte Datenkategorie '{category}' (siehe dataCategories)",
            )
    if not explicit_special and SPECIAL_CATEGORIES & set(categories):
        raise ValidationFailed(
            "explicitSpecialCategories",
            "health and addiction data need the client's explicit consent",
            "Gesundheits- und Suchtdaten erfordern eine ausdrückliche Einwilligung",
        )
    return sorted(set(categories))


def _with_offset(field: str, moment: datetime | None) -> datetime | None:
    # Without an offset the moment is ambiguous by an hour or two (and cannot be compared with
    # the request's instant): refused, rather than guessed.
    if moment is not None and moment.utcoffset() is None:
        raise ValidationFailed(
            field,
            "give the time with its UTC offset (e.g. +01:00)",
            "Zeitpunkt mit Abstand zu UTC angeben (z. B. +01:00)",
        )
    return moment


def _start(valid_from: datetime | None, now: datetime) -> datetime:
    """When the consent takes effect: never before it is recorded (DESIGN.md, Purpose, people and
    time), so it never claims to have held before it existed — in the Auskunft, or as the ground
    of a read. A start earlier on the recording day (a form dated this morning) is the moment of
    recording; an earlier day is refused, as the client cannot consent to the past."""
    if valid_from is None:
        return now
    if _day(valid_from) < _day(now):
        raise ValidationFailed(
            "validFrom",
            "a consent cannot take effect before the day it is recorded",
            "eine Einwilligung kann nicht vor dem Tag ihrer Erfassung wirksam werden",
        )
    return max(valid_from, now)


def _day(moment: datetime) -> date:
    return moment.astimezone(JOBCENTER_TIMEZONE).date()


def _check_period(
    purpose: ConsentPurpose, valid_from: datetime, valid_until: datetime | None, now: datetime
) -> None:
    if valid_until is None:
        if purpose is ConsentPurpose.DEPUTY:
            raise ValidationFailed(
                "validUntil",
                "a deputy consent ends with the absence: name its end",
                "eine Einwilligung in die Vertretung endet mit der Abwesenheit: Ende angeben",
            )
        return
    if valid_until <= now:
        raise ValidationFailed(
            "validUntil", "the end date lies in the past", "das Enddatum liegt in der Vergangenheit"
        )
    if valid_until <= valid_from:
        raise ValidationFailed(
            "validUntil",
            "the end must come after the start",
            "das Ende muss nach dem Beginn liegen",
        )
    if purpose is ConsentPurpose.DEPUTY and valid_until - valid_from > DEPUTY_PERIOD_LIMIT:
        raise ValidationFailed(
            "validUntil",
            "a deputy consent covers an absence of at most one year",
            "eine Einwilligung in die Vertretung gilt für eine Abwesenheit von bis zu einem Jahr",
        )


def _check_informed(informed: InformedConsent) -> None:
    missing = informed.missing()
    if missing:
        raise ValidationFailed(
            "informed",
            "the client must have been informed of: " + ", ".join(missing),
            "die Kundin/der Kunde muss informiert worden sein über: " + ", ".join(missing),
        )


def _check_evidence(actor: Actor, evidence_reference: str | None) -> str | None:
    evidence = (evidence_reference or "").strip() or None
    if evidence is None and actor.kind is ActorKind.STAFF:
        # Staff record what the client signed: the form or document must be findable.
        raise required("evidenceReference")
    if evidence is not None and len(evidence) > EVIDENCE_LIMIT:
        raise too_long("evidenceReference", EVIDENCE_LIMIT)
    return evidence


async def _check_referral(
    session: AsyncSession,
    client: Client,
    referral_id: uuid.UUID | None,
    organisation_id: uuid.UUID | None,
) -> None:
    if organisation_id is None:
        raise required("granteeOrganisationId")
    if referral_id is None:
        raise required("referralId")
    member = await session.scalar(
        select(NetworkMembership.active).where(
            NetworkMembership.partner_organisation_id == organisation_id
        )
    )
    if not member:
        raise ValidationFailed(
            "granteeOrganisationId",
            "not a network partner of this jobcenter",
            "kein Netzwerkpartner dieses Jobcenters",
        )
    referral = await session.scalar(select(Referral).where(Referral.id == referral_id))
    if (
        referral is None
        or referral.client_id != client.id
        or referral.partner_organisation_id != organisation_id
    ):
        raise ValidationFailed(
            "referralId",
            "no referral of this client to that organisation",
            "keine Vermittlung dieser Person an diese Organisation",
        )


async def _check_deputy(
    caller: Caller, purpose: ConsentPurpose, deputy_id: uuid.UUID | None
) -> None:
    """A deputy consent names its deputy, an active case manager of the client's jobcenter; no
    other consent names one."""
    if purpose is not ConsentPurpose.DEPUTY:
        if deputy_id is not None:
            raise ValidationFailed(
                "deputyId",
                "only a deputy consent names a deputy",
                "nur eine Einwilligung in die Vertretung nennt eine Vertretung",
            )
        return
    if deputy_id is None:
        raise required("deputyId")
    await active_case_manager(caller, deputy_id, field="deputyId")


async def revoke_consent(
    caller: Caller,
    *,
    consent_id: uuid.UUID,
    channel: RevocationChannel,
    note: str | None,
) -> ConsentView:
    consent = found(await caller.session.scalar(select(Consent).where(Consent.id == consent_id)))
    # A consent exists for whoever reads the client's consents; a team lead, who sees the
    # client but not their consents, gets NOT_FOUND as for any other id they cannot read.
    _, access = await client_for(
        caller,
        client_id=consent.client_id,
        action=REVOKE_ACTIONS[ConsentPurpose(consent.purpose)],
        seen=Action.CONSENT_READ,
    )
    already = await caller.session.scalar(
        select(ConsentRevocation).where(ConsentRevocation.consent_id == consent.id)
    )
    if already is not None:
        raise InvalidTransition(
            "this consent is already revoked", "diese Einwilligung ist bereits widerrufen"
        )
    if note is not None and len(note) > NOTE_LIMIT:
        raise too_long("note", NOTE_LIMIT)
    revocation = ConsentRevocation(
        tenant_id=consent.tenant_id,
        consent_id=consent.id,
        # Row-level security shows the revocation to the grantee by this (models.py).
        grantee_organisation_id=consent.grantee_organisation_id,
        revoked_at=caller.now,
        revoked_by_kind=str(caller.actor.kind),
        revoked_by_id=caller.actor.user_id,
        channel=str(channel),
        note=(note or "").strip() or None,
    )
    caller.session.add(revocation)
    await caller.session.flush()
    return _view(consent, revocation, access, caller.now)
