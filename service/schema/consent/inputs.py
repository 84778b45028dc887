from __future__ import annotations

import datetime

import strawberry

from service.consent.service import InformedConsent
from service.schema.consent.types import ConsentDirection, ConsentPurpose


@strawberry.input(description="What the client was told before consenting; all must be true.")
class InformedInput:
    content: bool
    effects: bool
    scope: bool
    voluntariness: bool
    benefit: bool

    def to_domain(self) -> InformedConsent:
        return InformedConsent(
            content=self.content,
            effects=self.effects,
            scope=self.scope,
            voluntariness=self.voluntariness,
            benefit=self.benefit,
        )


@strawberry.input
class RecordConsentInput:
    client_id: strawberry.ID
    purpose: ConsentPurpose
    direction: ConsentDirection = ConsentDirection.TO_PARTNER
    grantee_organisation_id: strawberry.ID | None = None
    referral_id: strawberry.ID | None = None
    deputy_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="DEPUTY only, and required there: the case manager the client agrees to "
        "have stand in (an active case manager of the jobcenter).",
    )
    categories: list[str] = strawberry.field(
        default_factory=list, description="Keys from dataCategories."
    )
    explicit_special_categories: bool = False
    valid_from: datetime.datetime | None = strawberry.field(
        default=None,
        description="Not before the recording day (Europe/Berlin); earlier today or omitted "
        "means from the moment of recording.",
    )
    valid_until: datetime.datetime | None = strawberry.field(
        default=None,
        description="After validFrom. Required for DEPUTY: the end of the absence, at most "
        "one year after the start.",
    )
    evidence_reference: str | None = None
    informed: InformedInput
