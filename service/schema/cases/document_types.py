"""Documents of the case file. The content is an object of its own: after the document's
access-until date its Access carries ObjectFlag.ACCESS_EXPIRED and the policy refuses every
field of it (domain/000, Dokumentenverwaltung: Zugriff bis), while the file list stays readable.
Each document's fields are under its own data category (an Attest is health data), and those of
the protected area carry ObjectFlag.PROTECTED_AREA: a partner reads them only under a consent
that names protected-area documents.
"""

from __future__ import annotations

import base64
from datetime import date, datetime

import strawberry

from service.cases.models import Case, CaseDocument
from service.cases.vocabulary import DocumentArea
from service.policy.categories import SPECIAL_CATEGORIES, DataCategory
from service.policy.facts import Access, ObjectFlag
from service.policy.guard import ROW_CATEGORY, GuardTag, personal_field, personal_type
from service.schema.cases import enums
from service.schema.cases.common import StaffMember, staff_member, tag, today
from service.schema.cases.dataloaders import DocumentContentByIdLoader
from service.schema.context import Info
from service.schema.dataloaders import StaffByIdLoader

DOCS = ROW_CATEGORY  # the document's own category, set when it was added (data map)


@personal_type(name="DocumentContent", description="Inhalt eines Dokuments.")
class DocumentContentNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[CaseDocument]

    @personal_field(DOCS)
    def media_type(self) -> str | None:
        return self.row.media_type

    @personal_field(DOCS, description="The content, base64-encoded.")
    async def base64(self, info: Info) -> str | None:
        content = await info.context.loader(DocumentContentByIdLoader).load(self.row.id)
        return None if content is None else base64.b64encode(content).decode()


@personal_type(name="Document", description="Dokument der Fallakte (Dokumentenverwaltung).")
class DocumentNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[CaseDocument]
    case: strawberry.Private[Case]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(DOCS)
    def title(self) -> str | None:
        return self.row.title

    @personal_field(DOCS, description="Integration oder geschützter Bereich Fallmanagement.")
    def area(self) -> enums.DocumentArea | None:
        return enums.DocumentArea(self.row.area)

    @personal_field(DOCS, description="Ersteller/in.")
    async def author(self, info: Info) -> StaffMember | None:
        return staff_member(await info.context.loader(StaffByIdLoader).load(self.row.author_id))

    @personal_field(DOCS, description="Erstellt am.")
    def created_at(self) -> datetime | None:
        return self.row.created_at

    @personal_field(DOCS, description="Zugriff bis: afterwards nobody reads the content.")
    def access_until(self) -> date | None:
        return self.row.access_until

    @personal_field(DOCS, description="Sichtbarkeit Kunde.")
    def visible_to_client(self) -> bool | None:
        return self.row.visible_to_client

    @personal_field(DOCS)
    def size_bytes(self) -> int | None:
        return self.row.size_bytes

    @personal_field(DOCS, description="What the document is, as a data category key.")
    def data_category(self) -> str | None:
        return self.row.data_category

    @personal_field(
        DOCS, description="Health or addiction data (Art. 9 GDPR): shared only explicitly."
    )
    def special_category(self) -> bool | None:
        return DataCategory(self.row.data_category) in SPECIAL_CATEGORIES

    @strawberry.field(description="Refused (FORBIDDEN) after the access-until date.")
    def content(self, info: Info) -> DocumentContentNode:
        access = self.guard.access
        if self.row.access_until is not None and self.row.access_until < today(info):
            access = access.with_flags(ObjectFlag.ACCESS_EXPIRED)
        return DocumentContentNode(
            guard=tag(self.case, access, "document_content", self.row.id, self.guard.category),
            row=self.row,
        )


def document_node(case: Case, access: Access, row: CaseDocument) -> DocumentNode:
    access = access.with_flags(ObjectFlag.FILED_DOCUMENT)
    if row.visible_to_client:
        access = access.with_flags(ObjectFlag.VISIBLE_TO_CLIENT)
    if row.area == DocumentArea.PROTECTED:
        access = access.with_flags(ObjectFlag.PROTECTED_AREA)
    category = DataCategory(row.data_category)
    return DocumentNode(guard=tag(case, access, "document", row.id, category), row=row, case=case)
