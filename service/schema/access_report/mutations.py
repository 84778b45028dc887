"""Issuing a download link for the printable Auskunft (service/access_report/link.py)."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from service.access_report.link import IssuedLink, issue_link, link_key
from service.ids import parse_id
from service.policy.categories import DataCategory
from service.policy.guard import GuardTag, personal_field, personal_type, public_type
from service.schema.context import Info
from service.schema.payloads import UserError, run_change


@personal_type(
    name="AuskunftLink",
    description="A short-lived link to the client's printable Auskunft (PDF), usable without a "
    "bearer header for that one document; reading its URL is recorded as handing it out.",
)
class AuskunftLinkNode:
    guard: strawberry.Private[GuardTag]
    url: str | None = personal_field(
        DataCategory.ACCESS_REPORT,
        description="Path and query (`/auskunft/{clientId}?token=…&format=pdf`), to be put "
        "behind the service's public address; `format=html` works too.",
    )
    expires_at: datetime.datetime | None = personal_field(DataCategory.ACCESS_REPORT)


@public_type("a wrapper; the link is classified on its own")
class AuskunftLinkPayload:
    link: AuskunftLinkNode | None
    errors: list[UserError]


@strawberry.type
class AccessReportMutation:
    @strawberry.mutation(
        description="Issue a download link for a client's printable Auskunft (the client, or "
        "the data-protection officer): signed, single-purpose, valid for AUSKUNFT_LINK_SECONDS "
        "(10 minutes by default). Issuing it and every download are recorded."
    )
    async def issue_auskunft_link(
        self,
        info: Info,
        client_id: strawberry.ID,
        from_: Annotated[datetime.date | None, strawberry.argument(name="from")] = None,
        to: datetime.date | None = None,
    ) -> AuskunftLinkPayload:
        settings = info.context.request.app.state.runtime.settings
        key = link_key(settings)
        issued, errors = await run_change(
            info,
            lambda caller: issue_link(
                caller,
                client_id=parse_id(client_id, "client"),
                first_day=from_,
                last_day=to,
                key=key,
                lifetime_seconds=settings.auskunft_link_seconds,
            ),
        )
        return AuskunftLinkPayload(link=_node(issued), errors=errors)


def _node(issued: IssuedLink | None) -> AuskunftLinkNode | None:
    if issued is None:
        return None
    return AuskunftLinkNode(guard=issued.tag, url=issued.url, expires_at=issued.expires_at)
