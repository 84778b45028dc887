"""The copy of the data (Art. 15(3) GDPR): every item of a client's data that the client may
read, with German labels, for the client and the data-protection officer.

Built from the data map (service/policy/data_map.py), not from a list of its own: every table
with a client's data, every row of this client, every classified column — and each column
offered to the field guard under its category, on the row's Access. The guard asks
policies.polar (the `data_subject` relation's `subject_reads`), records what it admits in the
request's log as any read is recorded, and refuses the rest; refused fields are left out. So
the copy holds exactly the client's own view, and a column added to a table later is in the
copy (or refused) without a change here. The data-protection officer reads under the flag
`data_copy`, which opens to them only what the client would read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import LargeBinary, Select, Table, select
from sqlalchemy.engine import RowMapping

from service.access_report.copy_labels import column_label, value_label
from service.access_report.labels import OBJECT_TYPES, category_label
from service.access_report.report import OBJECT_TYPE
from service.audit.object_types import object_type_of_table
from service.caller import Caller
from service.cases.vocabulary import DocumentArea
from service.clients.access import client_for
from service.errors import Forbidden, Restricted
from service.partners.models import PartnerOrganisation
from service.policy.actions import Action
from service.policy.data_map import ROW, classification_of, client_tables
from service.policy.facts import Access, ObjectFlag
from service.policy.guard import GuardTag, RequestGuard
from service.tables import all_tables

# Columns naming the partner organisation a row is about: the copy says the partner's name
# (issue 20: "Consents name the partner only by a UUID").
PARTNER_COLUMNS = ("partner_organisation_id", "grantee_organisation_id")
PARTNER_FIELD = "partner"


@dataclass(frozen=True, slots=True)
class CopyField:
    name: str  # the recorded name (camel-cased column), for machines
    label: str  # German
    category: str
    category_label: str
    value: Any  # as stored: str, int, bool, date, datetime, list, dict or None
    value_label: str | None = None  # a coded value in plain German


@dataclass(frozen=True, slots=True)
class CopyItem:
    object_type: str
    object_id: uuid.UUID
    fields: tuple[CopyField, ...]


@dataclass(frozen=True, slots=True)
class CopySection:
    object_type: str
    label: str  # German: "Stammdaten", "Fall", …
    items: tuple[CopyItem, ...]


@dataclass(frozen=True, slots=True)
class DataCopy:
    tenant_id: uuid.UUID
    client_id: uuid.UUID
    issued_at: datetime
    sections: tuple[CopySection, ...]
    access: Access  # what the reader is to the client: the copy itself is read on it

    def as_json(self) -> dict[str, Any]:
        return {
            "clientId": str(self.client_id),
            "issuedAt": self.issued_at.isoformat(),
            "sections": [
                {
                    "objectType": section.object_type,
                    "label": section.label,
                    "items": [
                        {
                            "id": str(item.object_id),
                            "fields": [
                                {
                                    "name": f.name,
                                    "label": f.label,
                                    "category": f.category,
                                    "categoryLabel": f.category_label,
                                    "value": plain(f.value),
                                    "valueLabel": f.value_label,
                                }
                                for f in item.fields
                            ],
                        }
                        for item in section.items
                    ],
                }
                for section in self.sections
            ],
        }


def copy_tag(copy: DataCopy) -> GuardTag:
    """The copy as a whole, as the guard sees it: part of the Auskunft (object type
    `access_report`), read on what the reader is to the client."""
    return GuardTag(
        tenant_id=copy.tenant_id,
        subject_id=copy.client_id,
        object_type=OBJECT_TYPE,
        object_id=copy.client_id,
        access=copy.access,
    )


async def data_copy(caller: Caller, *, client_id: uuid.UUID, guard: RequestGuard) -> DataCopy:
    """The copy, each field admitted and recorded by `guard`. NOT_FOUND for a client the actor
    may not see, FORBIDDEN for one they see but may not have the copy of."""
    client, standing = await client_for(caller, client_id=client_id, action=Action.DATA_COPY_READ)
    access = standing.with_flags(ObjectFlag.DATA_COPY)
    today = caller.today
    partners = await _partner_names(caller)
    by_type: dict[str, list[CopyItem]] = {}
    for table in client_tables(all_tables()):
        object_type = str(object_type_of_table(table.name))
        for row in (await caller.session.execute(_rows_of(table, client.id))).mappings():
            tag = GuardTag(
                tenant_id=client.tenant_id,
                subject_id=client.id,
                object_type=object_type,
                object_id=_id_of(table, row),
                access=_row_access(table, row, access, today),
            )
            fields = _admitted_fields(guard, tag, table, row, partners)
            if fields:
                by_type.setdefault(object_type, []).append(
                    CopyItem(object_type, tag.object_id, fields)
                )
    sections = tuple(
        CopySection(kind, OBJECT_TYPES[kind].label, tuple(by_type[kind]))
        for kind in OBJECT_TYPES
        if kind in by_type
    )
    return DataCopy(client.tenant_id, client.id, caller.now, sections, standing)


def _rows_of(table: Table, client_id: uuid.UUID) -> Select:
    """This client's rows: the client record itself, rows naming the client, and rows whose
    parent does (the same foreign keys service/audit/writes.py finds a row's client by)."""
    if "client_id" in table.c:
        return select(table).where(table.c.client_id == client_id)
    parents = [
        (key.parent, key.column.table)
        for key in table.foreign_keys
        if key.column.name == "id" and "client_id" in key.column.table.c
    ]
    if not parents:  # the clients table
        return select(table).where(table.c.id == client_id)
    column, parent = parents[0]
    return select(table).where(
        column.in_(select(parent.c.id).where(parent.c.client_id == client_id))
    )


def _id_of(table: Table, row: RowMapping) -> uuid.UUID:
    if "id" in table.c:
        return row["id"]
    (key,) = [c for c in table.primary_key.columns if c.name != "tenant_id"]
    return row[key.name]


def _row_access(table: Table, row: RowMapping, access: Access, today: date) -> Access:
    """The facts a document adds (as service/schema/cases/document_types.py gives them): the
    rest of a client's rows stand on the client's Access alone."""
    if table.name != "case_documents":
        return access
    flags = [ObjectFlag.FILED_DOCUMENT]
    if row["visible_to_client"]:
        flags.append(ObjectFlag.VISIBLE_TO_CLIENT)
    if row["area"] == DocumentArea.PROTECTED:
        flags.append(ObjectFlag.PROTECTED_AREA)
    if row["access_until"] is not None and row["access_until"] < today:
        flags.append(ObjectFlag.ACCESS_EXPIRED)
    return access.with_flags(*flags)


def _admitted_fields(
    guard: RequestGuard,
    tag: GuardTag,
    table: Table,
    row: RowMapping,
    partners: dict[uuid.UUID, str],
) -> tuple[CopyField, ...]:
    fields: list[CopyField] = []
    deputy = row.get("purpose") == "deputy" and table.name == "consents"
    for column in table.columns:
        classification = classification_of(column)
        if classification is None or not classification.personal:
            continue
        if isinstance(column.type, LargeBinary):
            continue  # a document's content: downloaded as the document, not inlined here
        category = str(
            row["data_category"] if classification.category == ROW else classification.category
        )
        name = _camel(column.name)
        if _admit(guard, tag, category, name):
            fields.append(_field(tag.object_type, name, category, row[column.name], deputy=deputy))
    partner = next((row[c] for c in PARTNER_COLUMNS if c in table.c and row[c]), None)
    if fields and partner in partners:
        category = str(OBJECT_TYPES[tag.object_type].category)
        if _admit(guard, tag, category, PARTNER_FIELD):
            fields.append(
                _field(tag.object_type, PARTNER_FIELD, category, partners[partner], deputy=deputy)
            )
    return tuple(fields)


def _admit(guard: RequestGuard, tag: GuardTag, category: str, name: str) -> bool:
    try:
        guard.record(tag, category, name)
    except (Forbidden, Restricted):
        return False
    return True


def _field(object_type: str, name: str, category: str, value: Any, *, deputy: bool) -> CopyField:
    return CopyField(
        name,
        column_label(name, category),
        category,
        category_label(category),
        value,
        value_label(object_type, name, value, deputy=deputy),
    )


async def _partner_names(caller: Caller) -> dict[uuid.UUID, str]:
    """Partner organisations are global and no one's personal data (service/partners/models.py)."""
    rows = await caller.session.execute(select(PartnerOrganisation.id, PartnerOrganisation.name))
    return {organisation_id: name for organisation_id, name in rows}


def plain(value: Any) -> Any:
    """A stored value as JSON: dates in ISO 8601, ids and decimals as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
