"""The copy of the data (Art. 15(3) GDPR) as GraphQL types. Every value in it passed the field
guard when the copy was made (service/access_report/copy.py): each item is recorded as read,
object by object, under its own category. The copy as a whole is the client's data too, read
under the category `access_report` like the Auskunft, so reading it is recorded once more."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.scalars import JSON

from service.access_report.copy import (
    CopyField,
    CopyItem,
    CopySection,
    DataCopy,
    copy_tag,
    plain,
)
from service.policy.categories import DataCategory
from service.policy.guard import GuardTag, personal_field, personal_type

COPY = DataCategory.ACCESS_REPORT


@personal_type(name="DataCopyField", description="One stored value, with German labels.")
class DataCopyFieldNode:
    guard: strawberry.Private[GuardTag]
    name: str | None = personal_field(COPY, description="The value's name, for machines.")
    label: str | None = personal_field(COPY, description="What the value is, in German.")
    category: str | None = personal_field(COPY, description="Key of its data category.")
    category_label: str | None = personal_field(COPY, description="The category, in German.")
    value: JSON | None = personal_field(COPY, description="As stored; dates as ISO 8601.")
    value_label: str | None = personal_field(
        COPY, description="A coded value in plain German; null where the value speaks itself."
    )


@personal_type(name="DataCopyItem", description="One record: a case, a goal, a consent, …")
class DataCopyItemNode:
    guard: strawberry.Private[GuardTag]
    id: strawberry.ID | None = personal_field(COPY)
    fields: list[DataCopyFieldNode] | None = personal_field(COPY)


@personal_type(name="DataCopySection", description="The records of one kind.")
class DataCopySectionNode:
    guard: strawberry.Private[GuardTag]
    object_type: str | None = personal_field(COPY, description="The audit's object type.")
    label: str | None = personal_field(COPY, description="The kind of record, in German.")
    items: list[DataCopyItemNode] | None = personal_field(COPY)


@personal_type(
    name="DataCopy",
    description="Copy of the data (Art. 15(3) DSGVO): every item of the client's data the "
    "client may read themselves, by kind of record, with German labels.",
)
class DataCopyNode:
    guard: strawberry.Private[GuardTag]
    client_id: strawberry.ID | None = personal_field(COPY)
    issued_at: datetime.datetime | None = personal_field(COPY)
    sections: list[DataCopySectionNode] | None = personal_field(COPY)


def data_copy_node(copy: DataCopy) -> DataCopyNode:
    tag = copy_tag(copy)
    return DataCopyNode(
        guard=tag,
        client_id=strawberry.ID(str(copy.client_id)),
        issued_at=copy.issued_at,
        sections=[_section(tag, section) for section in copy.sections],
    )


def _section(tag: GuardTag, section: CopySection) -> DataCopySectionNode:
    return DataCopySectionNode(
        guard=tag,
        object_type=section.object_type,
        label=section.label,
        items=[_item(tag, item) for item in section.items],
    )


def _item(tag: GuardTag, item: CopyItem) -> DataCopyItemNode:
    return DataCopyItemNode(
        guard=tag,
        id=strawberry.ID(str(item.object_id)),
        fields=[_field(tag, field) for field in item.fields],
    )


def _field(tag: GuardTag, field: CopyField) -> DataCopyFieldNode:
    return DataCopyFieldNode(
        guard=tag,
        name=field.name,
        label=field.label,
        category=field.category,
        category_label=field.category_label,
        value=plain(field.value),
        value_label=field.value_label,
    )
