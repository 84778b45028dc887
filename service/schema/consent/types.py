from __future__ import annotations

import datetime

import strawberry

from service.consent.service import ConsentView
from service.consent.service import RevocationChannel as RevocationChannelEnum
from service.policy.categories import CATEGORIES, CONSENTABLE_CATEGORIES, DataCategory
from service.policy.facts import ConsentDirection as ConsentDirectionEnum
from service.policy.facts import ConsentPurpose as ConsentPurposeEnum
from service.policy.guard import GuardTag, personal_field, personal_type, public_type
from service.schema.cases.common import StaffMember, staff_member
from service.schema.context import Info
from service.schema.dataloaders import StaffByIdLoader, loaded
from service.schema.partners.types import NetworkPartner, network_partner_of

ConsentPurpose = strawberry.enum(
    ConsentPurposeEnum,
    name="ConsentPurpose",
    description="REFERRAL: sharing with a network partner for one referral. DEPUTY: the case "
    "manager it names may stand in, for the absence it covers (Vertretung).",
)
ConsentDirection = strawberry.enum(
    ConsentDirectionEnum,
    name="ConsentDirection",
    description="TO_PARTNER: jobcenter → partner. TO_JOBCENTER: partner → jobcenter "
    "(progress reports).",
)
RevocationChannel = strawberry.enum(
    RevocationChannelEnum, name="RevocationChannel", description="How the revocation reached us."
)


@public_type("the catalogue of data categories; no client data", name="DataCategory")
class DataCategoryInfo:
    key: str = strawberry.field(description="What consents and `@personalData` name.")
    label_de: str
    label_en: str
    description_de: str
    special: bool = strawberry.field(
        description="Special category (Art. 9 GDPR): needs explicit consent."
    )
    consentable: bool = strawberry.field(
        description="Whether a consent may name it (the access report cannot be shared)."
    )


def data_categories() -> list[DataCategoryInfo]:
    return [
        DataCategoryInfo(
            key=str(category),
            label_de=info.label_de,
            label_en=info.label_en,
            description_de=info.description_de,
            special=info.special,
            consentable=category in CONSENTABLE_CATEGORIES,
        )
        for category, info in CATEGORIES.items()
    ]


@personal_type(name="Consent", description="A client's consent (Einwilligung), as given.")
class ConsentNode:
    guard: strawberry.Private[GuardTag]
    view: strawberry.Private[ConsentView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.row.id))

    @personal_field(DataCategory.CONSENTS)
    def purpose(self) -> ConsentPurpose | None:
        return ConsentPurposeEnum(self.view.row.purpose)

    @personal_field(DataCategory.CONSENTS, description="The partner organisation it is given to.")
    def grantee_organisation_id(self) -> strawberry.ID | None:
        grantee = self.view.row.grantee_organisation_id
        return strawberry.ID(str(grantee)) if grantee else None

    @personal_field(
        DataCategory.CONSENTS,
        description="The partner organisation it is given to, with its services and contact "
        "in the jobcenter's network; null for deputy consents.",
    )
    async def grantee(self, info: Info) -> NetworkPartner | None:
        row = self.view.row
        return await network_partner_of(info, row.tenant_id, row.grantee_organisation_id)

    @personal_field(DataCategory.CONSENTS)
    def referral_id(self) -> strawberry.ID | None:
        referral = self.view.row.referral_id
        return strawberry.ID(str(referral)) if referral else None

    @personal_field(
        DataCategory.CONSENTS,
        description="DEPUTY: the case manager who may stand in, and nobody else.",
    )
    def deputy(self, info: Info) -> StaffMember | None:
        deputy_id = self.view.row.deputy_id
        if deputy_id is None:
            return None
        return loaded(info.context.loader(StaffByIdLoader), deputy_id, staff_member)

    @personal_field(DataCategory.CONSENTS)
    def direction(self) -> ConsentDirection | None:
        return ConsentDirectionEnum(self.view.row.direction)

    @personal_field(DataCategory.CONSENTS, description="Keys of the data categories it covers.")
    def categories(self) -> list[str] | None:
        return list(self.view.row.categories)

    @personal_field(DataCategory.CONSENTS)
    def explicit_special_categories(self) -> bool | None:
        return self.view.row.explicit_special_categories

    @personal_field(DataCategory.CONSENTS)
    def valid_from(self) -> datetime.datetime | None:
        return self.view.row.valid_from

    @personal_field(DataCategory.CONSENTS)
    def valid_until(self) -> datetime.datetime | None:
        return self.view.row.valid_until

    @personal_field(DataCategory.CONSENTS, description="Valid now and not revoked.")
    def active(self) -> bool | None:
        return self.view.active

    @personal_field(DataCategory.CONSENTS, description="The signed form or document.")
    def evidence_reference(self) -> str | None:
        return self.view.row.evidence_reference

    @personal_field(DataCategory.CONSENTS)
    def recorded_at(self) -> datetime.datetime | None:
        return self.view.row.recorded_at

    @personal_field(DataCategory.CONSENTS, description="STAFF or CLIENT.")
    def recorded_by_kind(self) -> str | None:
        return self.view.row.recorded_by_kind.upper()

    @personal_field(DataCategory.CONSENTS)
    def revoked_at(self) -> datetime.datetime | None:
        return self.view.revocation.revoked_at if self.view.revocation else None

    @personal_field(DataCategory.CONSENTS)
    def revocation_channel(self) -> RevocationChannel | None:
        revocation = self.view.revocation
        return RevocationChannelEnum(revocation.channel) if revocation else None


def consent_node(view: ConsentView) -> ConsentNode:
    return ConsentNode(
        guard=GuardTag(
            tenant_id=view.row.tenant_id,
            subject_id=view.row.client_id,
            object_type="consent",
            object_id=view.row.id,
            access=view.access,
        ),
        view=view,
    )
