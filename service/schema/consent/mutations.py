from __future__ import annotations

import strawberry

from service.consent import service
from service.ids import parse_id, parse_optional_id
from service.policy.guard import public_type
from service.schema.consent.inputs import RecordConsentInput
from service.schema.consent.types import ConsentNode, RevocationChannel, consent_node
from service.schema.context import Info
from service.schema.payloads import UserError, run_change


@public_type("a wrapper; the consent is classified on its own")
class ConsentPayload:
    consent: ConsentNode | None
    errors: list[UserError]


@strawberry.type
class ConsentMutation:
    @strawberry.mutation(description="Record a consent the client gave (staff or the client).")
    async def record_consent(self, info: Info, input: RecordConsentInput) -> ConsentPayload:
        view, errors = await run_change(
            info,
            lambda caller: service.record_consent(
                caller,
                client_id=parse_id(input.client_id, "client"),
                purpose=input.purpose,
                grantee_organisation_id=parse_optional_id(
                    input.grantee_organisation_id, "organisation"
                ),
                referral_id=parse_optional_id(input.referral_id, "referral"),
                deputy_id=parse_optional_id(input.deputy_id, "staff member"),
                direction=input.direction,
                categories=input.categories,
                explicit_special_categories=input.explicit_special_categories,
                valid_from=input.valid_from,
                valid_until=input.valid_until,
                evidence_reference=input.evidence_reference,
                informed=input.informed.to_domain(),
            ),
        )
        return _payload(view, errors)

    @strawberry.mutation(description="Revoke a consent; effective from the very next request.")
    async def revoke_consent(
        self,
        info: Info,
        consent_id: strawberry.ID,
        channel: RevocationChannel,
        note: str | None = None,
    ) -> ConsentPayload:
        view, errors = await run_change(
            info,
            lambda caller: service.revoke_consent(
                caller,
                consent_id=parse_id(consent_id, "consent"),
                channel=channel,
                note=note,
            ),
        )
        return _payload(view, errors)


def _payload(view, errors) -> ConsentPayload:
    return ConsentPayload(consent=consent_node(view) if view else None, errors=errors)
