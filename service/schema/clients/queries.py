from __future__ import annotations

import strawberry

from service.clients.plain_language import PLAIN_LABELS
from service.policy.guard import public_type


@public_type("a catalogue of labels; no client data", name="PlainLabel")
class PlainLabelNode:
    enum: str = strawberry.field(description="The GraphQL enum, e.g. CaseStatus.")
    value: str = strawberry.field(description="Its value, e.g. ADMITTED.")
    label_de: str
    label_en: str


@strawberry.type
class ClientViewQuery:
    @strawberry.field(
        description="Plain-language labels of the values a client reads in their own view (case "
        "status, care variant, plan, referrals, consents), for a client portal; the enum "
        "descriptions are written for staff."
    )
    def plain_labels(self, enum: str | None = None) -> list[PlainLabelNode]:
        return [
            PlainLabelNode(
                enum=label.enum, value=label.value, label_de=label.label_de, label_en=label.label_en
            )
            for label in PLAIN_LABELS
            if enum is None or label.enum == enum
        ]
