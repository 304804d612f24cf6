"""« Ajouter à mon agenda »: GET /agenda?jeton=…&lang=fr answers a tender's closing as a text/calendar
event (esja.alerts.calendar), read from the Tenders table when asked: a date moved by an addendum is
the date the reader's calendar gets.

The token names a tender and is signed (esja.alerts.links): the endpoint serves only the tenders we
alerted about, in our words, never text of someone else's choosing. GET only; it changes nothing. A
forged, altered or expired link gets a clear page in the reader's language, status 400; a tender gone
or without a closing date, 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.alerts.calendar import closing_event, file_name
from esja.alerts.links import CALENDAR_PATH, TOKEN_FIELD, SubscriberLinks
from esja.config import SenderIdentity
from esja.sources.notice_pages import notice_page
from esja.tokens import InvalidToken
from esja.web.openapi import LANG, described, html, query
from esja.web.pages import error_page, page_language

if TYPE_CHECKING:
    from esja.ingest.changes import StoredVersion
    from esja.model import Tender

CALENDAR = "text/calendar; charset=utf-8"
TOKEN = query(
    TOKEN_FIELD, "The signed token of the « Ajouter à mon agenda » link of a tender in an alert", required=True
)


class TenderReader(Protocol):
    def get(self, key: str) -> tuple[Tender, StoredVersion] | None: ...


def calendar_router(
    *,
    tenders: TenderReader,
    links: SubscriberLinks,
    public_base_url: str,
    sender: SenderIdentity,
    clock: Callable[[], datetime],
) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    uid_domain = urlsplit(public_base_url).hostname or "esja"

    def resolver() -> APIGatewayHttpResolver:
        app = router.api_resolver
        if not isinstance(app, APIGatewayHttpResolver):
            raise TypeError("the calendar events are served by an APIGatewayHttpResolver")
        return app

    @router.get(
        CALENDAR_PATH,
        summary="A tender's closing date, as an event to add to a calendar",
        tags=["Alerts"],
        responses={
            200: {
                "description": "An iCalendar object (RFC 5545) with one event",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            },
            400: html("The link is not valid, or expired"),
            404: html("The tender is gone, or has no closing date"),
        },
        openapi_extensions=described(parameters=[TOKEN, LANG]),
    )
    def tender_closing() -> Response[str]:
        lang = page_language(resolver())
        token = (resolver().current_event.query_string_parameters or {}).get(TOKEN_FIELD, "")
        try:
            key = links.calendar_tender(token)
        except InvalidToken:
            return error_page(lang, 400, "calendar.invalid", sender=sender)
        stored = tenders.get(key)
        if stored is None or stored[0].closing_at is None:
            return error_page(lang, 404, "calendar.missing", sender=sender)
        tender = stored[0]
        event = closing_event(tender, lang, url=notice_page(tender.url, lang), uid_domain=uid_domain, now=clock())
        headers = {
            "Content-Disposition": f'attachment; filename="{file_name(tender, lang)}"',
            "Content-Language": lang,
            "Cache-Control": "private, no-store",
            "X-Robots-Tag": "noindex",
        }
        return Response(200, CALENDAR, event, headers=headers)

    return router
