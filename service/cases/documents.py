"""Documents of the case file, stored in PostgreSQL with a size limit."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import date

from service.caller import Caller
from service.cases.models import CaseDocument
from service.cases.rules import require_admitted, required_text
from service.cases.service import OnCase, case_for, touched
from service.cases.vocabulary import (
    DOCUMENT_SIZE_LIMIT,
    DOCUMENT_TITLE_LIMIT,
    DocumentArea,
    document_data_category,
)
from service.errors import UserError, ValidationFailed
from service.policy.actions import Action
from service.policy.categories import DataCategory

MEDIA_TYPE_LIMIT = 100


def too_large(limit: int) -> UserError:
    megabytes = limit // (1024 * 1024)
    return UserError(
        "content",
        "TOO_LARGE",
        f"the document is larger than {megabytes} MB",
        f"das Dokument ist größer als {megabytes} MB",
    )


async def add_document(
    caller: Caller,
    *,
    case_id: uuid.UUID,
    title: str,
    area: DocumentArea,
    media_type: str,
    content_base64: str,
    access_until: date | None = None,
    visible_to_client: bool = False,
    data_category: str | None = None,
) -> OnCase[CaseDocument]:
    """`data_category` says what the document is (an Attest is health data, a debt statement
    financial data); without one it is a document of its area."""
    case, access = await case_for(caller, case_id, Action.CASE_WORK)
    require_admitted(case)
    category = _document_category(area, data_category)
    # Check the encoded length first: decoding an oversized upload would cost memory for nothing.
    if len(content_base64) > (DOCUMENT_SIZE_LIMIT * 4) // 3 + 4:
        raise too_large(DOCUMENT_SIZE_LIMIT)
    try:
        content = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("content", "not valid base64", "kein gültiges Base64") from None
    if len(content) > DOCUMENT_SIZE_LIMIT:
        raise too_large(DOCUMENT_SIZE_LIMIT)
    if access_until is not None and access_until < caller.today:
        raise ValidationFailed(
            "accessUntil", "must not lie in the past", "darf nicht in der Vergangenheit liegen"
        )
    document = CaseDocument(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        title=required_text(title, field="title", limit=DOCUMENT_TITLE_LIMIT),
        area=area,
        data_category=category,
        author_id=caller.actor.user_id,
        access_until=access_until,
        visible_to_client=visible_to_client,
        media_type=required_text(media_type, field="mediaType", limit=MEDIA_TYPE_LIMIT),
        size_bytes=len(content),
        content=content,
    )
    caller.session.add(document)
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, document)


def _document_category(area: DocumentArea, declared: str | None) -> DataCategory:
    known = declared is None or declared in DataCategory.__members__.values()
    category = (
        document_data_category(area, None if declared is None else DataCategory(declared))
        if known
        else None
    )
    if category is None:
        raise ValidationFailed(
            "dataCategory",
            "not a data category for a document of this area",
            "keine Datenkategorie für ein Dokument dieses Bereichs",
        )
    return category
