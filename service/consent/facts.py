"""Consents as facts for the policy: loaded in one query for many clients, with `active`
computed for the request's moment (revocation takes effect on the very next request)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.consent.models import Consent, ConsentRevocation
from service.db.driver_rows import ReadStatement, among
from service.policy.facts import ConsentDirection, ConsentFact, ConsentPurpose


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """A consent with what selects it for a place in the API (which referral it belongs to)."""

    fact: ConsentFact
    client_id: uuid.UUID
    referral_id: uuid.UUID | None


async def consent_records(
    session: AsyncSession,
    *,
    client_ids: Iterable[uuid.UUID] | None = None,
    referral_ids: Iterable[uuid.UUID] | None = None,
    purpose: ConsentPurpose | None = None,
    now: datetime,
) -> list[ConsentRecord]:
    given = {
        name: value
        for name, value in (
            ("client_ids", None if client_ids is None else list(client_ids)),
            ("referral_ids", None if referral_ids is None else list(referral_ids)),
            ("purpose", None if purpose is None else str(purpose)),
        )
        if value is not None
    }
    rows = await _consents_where(frozenset(given)).rows(session, **given)
    return [
        ConsentRecord(fact_of(row, row.revoked_at, now), row.client_id, row.referral_id)
        for row in rows
    ]


_BY = {
    "client_ids": among(Consent.client_id, "client_ids"),
    "referral_ids": among(Consent.referral_id, "referral_ids"),
    "purpose": Consent.purpose == bindparam("purpose"),
}


@cache
def _consents_where(given: frozenset[str]) -> ReadStatement:
    """The consents with their revocation, selected by the parameters given: one statement
    each way a caller selects them."""
    query = select(*_FACT_COLUMNS, ConsentRevocation.revoked_at).outerjoin(
        ConsentRevocation,
        (ConsentRevocation.tenant_id == Consent.tenant_id)
        & (ConsentRevocation.consent_id == Consent.id),
    )
    return ReadStatement(query.where(*(_BY[name] for name in sorted(given))))


# What a fact is made of, as columns: entities cost 2–3× as much to load (service/db/base.py,
# row_columns), and a case list asks for 50 clients' consents on every request.
_FACT_COLUMNS = (
    Consent.tenant_id,
    Consent.id,
    Consent.client_id,
    Consent.referral_id,
    Consent.purpose,
    Consent.direction,
    Consent.grantee_organisation_id,
    Consent.categories,
    Consent.explicit_special_categories,
    Consent.valid_from,
    Consent.valid_until,
    Consent.deputy_id,
)


def fact_of(consent: Any, revoked_at: datetime | None, now: datetime) -> ConsentFact:
    """`consent`: a Consent, or a row with its columns."""
    return ConsentFact(
        purpose=ConsentPurpose(consent.purpose),
        direction=ConsentDirection(consent.direction),
        grantee_id=consent.grantee_organisation_id or consent.tenant_id,
        categories=frozenset(consent.categories),
        explicit_special=consent.explicit_special_categories,
        active=ConsentFact.is_active_at(
            now,
            valid_from=consent.valid_from,
            valid_until=consent.valid_until,
            revoked_at=revoked_at,
        ),
        id=consent.id,
        deputy_id=consent.deputy_id,
    )


async def consent_facts_for_clients(
    session: AsyncSession, *, client_ids: Iterable[uuid.UUID], now: datetime
) -> dict[uuid.UUID, tuple[ConsentFact, ...]]:
    """The consents that bear on staff access to a client's case: deputy consents.

    Consents for a referral are attached where the referral is shown (service/referrals), so
    that one referral's consent never opens another referral's data.
    """
    by_client: dict[uuid.UUID, list[ConsentFact]] = defaultdict(list)
    # Only deputy consents: a client's referral consents are many and never matter here
    # (bench/RESULTS.md: loading them all cost ~10 % of a case list's CPU).
    records = await consent_records(
        session, client_ids=client_ids, purpose=ConsentPurpose.DEPUTY, now=now
    )
    for record in records:
        by_client[record.client_id].append(record.fact)
    return {client_id: tuple(facts) for client_id, facts in by_client.items()}
