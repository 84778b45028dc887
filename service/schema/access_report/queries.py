from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from service.access_report.copy import data_copy
from service.access_report.report import access_report
from service.ids import parse_id
from service.paging import page_size
from service.schema.access_report.copy_types import DataCopyNode, data_copy_node
from service.schema.access_report.types import AccessReportNode, access_report_node
from service.schema.context import Info
from service.web.trusted_documents import occasion_labels


@strawberry.type
class AccessReportQuery:
    @strawberry.field(
        description="Auskunft for one client (the data-protection officer, or the client): who "
        "read which of their data in [from, to), grouped by reader and occasion, newest first; "
        "their consents and referrals. Reading it is recorded."
    )
    async def access_report(
        self,
        info: Info,
        client_id: strawberry.ID,
        from_: Annotated[datetime.datetime, strawberry.argument(name="from")],
        to: datetime.datetime,
        first: int | None = None,
        after: str | None = None,
    ) -> AccessReportNode:
        context = info.context
        client = parse_id(client_id, "client")
        report, tag = await access_report(
            context.session,
            actor=context.actor,
            authorizer=context.authorizer,
            client_id=client,
            from_=from_,
            to=to,
            first=page_size(first),
            after=after,
            now=context.now,
            categories=context.field_categories,
            occasion_labels=occasion_labels(
                context.request.app.state.runtime.settings.trusted_documents_file
            ),
        )
        return access_report_node(report, tag, after=after)

    @strawberry.field(
        description="Copy of the data (Art. 15(3) DSGVO) of one client (the client themselves, "
        "or the data-protection officer): every item of their data the client may read in "
        "their own view, by kind of record, with German labels. Every item is recorded as read."
    )
    async def data_copy(self, info: Info, client_id: strawberry.ID) -> DataCopyNode:
        context = info.context
        copy = await data_copy(
            context.caller(), client_id=parse_id(client_id, "client"), guard=context.guard
        )
        return data_copy_node(copy)
