"""Facts the policy decides on. Python finds them in the database; `policies.polar` decides.

`Access` is what an actor is to one client's data at one place in the API: their relations (the
responsible case manager, the partner a referral went to, the client themselves, …), the consents
that could cover it, and flags of the object (a document past its access-until date). It is
hashable and carries no ids that matter to the decision, so one policy answer serves every row in
the same situation (FIELD-NOTES.md: ask Oso once per situation, not per field per row).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Relation(StrEnum):
    RESPONSIBLE_CASE_MANAGER = "responsible_case_manager"
    DEPUTY_CASE_MANAGER = "deputy_case_manager"  # counts only under an active deputy consent
    SAME_JOBCENTER = "same_jobcenter"  # staff of the jobcenter the data belongs to
    PROPOSER = "proposer"  # the placement officer who proposed the intake
    HANDOVER_RECIPIENT = "handover_recipient"  # the placement officer a closed case went back to
    REFERRAL_RECIPIENT = "referral_recipient"  # the partner organisation a referral went to
    REPORT_AUTHOR = "report_author"  # the partner organisation that wrote a progress report
    DATA_SUBJECT = "data_subject"  # the client themselves


class ConsentPurpose(StrEnum):
    REFERRAL = "referral"
    DEPUTY = "deputy"


class ConsentDirection(StrEnum):
    TO_PARTNER = "to_partner"  # jobcenter → partner
    TO_JOBCENTER = "to_jobcenter"  # partner → jobcenter (progress reports)


class ObjectFlag(StrEnum):
    ACCESS_EXPIRED = "access_expired"  # a document past its access-until date
    VISIBLE_TO_CLIENT = "visible_to_client"
    RESTRICTED = "restricted"  # the client's processing is restricted (Sperrung)
    PROTECTED_AREA = "protected_area"  # a document of the protected case-management area
    # One document of the case file, not the case whose list of documents it is: the two are
    # otherwise the same situation, and a client reads the list but only the documents marked
    # visible to them.
    FILED_DOCUMENT = "filed_document"
    # The referral this access comes through is still open (not DECLINED, COMPLETED, ABORTED
    # or NO_SHOW): a partner's consent serves the referral's purpose only while it lasts.
    REFERRAL_OPEN = "referral_open"
    # A written row withdraws a consent (Art. 7(3) GDPR: always possible, reduces processing).
    CONSENT_WITHDRAWAL = "consent_withdrawal"
    # The client as the jobcenter's directory shows them: in a search, or in the administration
    # of master data. Nowhere else does this flag stand, so what it opens stays there.
    CLIENT_DIRECTORY = "client_directory"
    # Read into the copy of the data (Art. 15(3) GDPR): the data-protection officer reads there
    # what the client reads in their own view, and nowhere else.
    DATA_COPY = "data_copy"


@dataclass(frozen=True, slots=True)
class ConsentFact:
    """A consent as the policy sees it. `active` is computed for the request's moment: valid
    from ≤ now < valid until, and not revoked. The id is for the audit, not the decision.
    A deputy consent names the member of staff who may stand in (`deputy_id`): it grounds that
    person's reads and nobody else's (DESIGN.md, Purpose, people and time)."""

    purpose: ConsentPurpose
    direction: ConsentDirection
    grantee_id: uuid.UUID  # the partner organisation, or the jobcenter for deputy consents
    categories: frozenset[str]
    explicit_special: bool
    active: bool
    id: uuid.UUID = field(compare=False, hash=False)
    deputy_id: uuid.UUID | None = None  # the staff user a deputy consent names; else None

    @staticmethod
    def is_active_at(
        now: datetime,
        *,
        valid_from: datetime,
        valid_until: datetime | None,
        revoked_at: datetime | None,
    ) -> bool:
        if revoked_at is not None and revoked_at <= now:
            return False
        return valid_from <= now and (valid_until is None or now < valid_until)


@dataclass(frozen=True, slots=True)
class Access:
    relations: frozenset[Relation]
    consents: tuple[ConsentFact, ...] = ()
    flags: frozenset[ObjectFlag] = frozenset()

    def with_flags(self, *flags: ObjectFlag) -> Access:
        return Access(self.relations, self.consents, self.flags | frozenset(flags))


NO_ACCESS = Access(relations=frozenset())
