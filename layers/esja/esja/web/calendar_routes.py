"""« Ajouter à mon agenda »: GET /agenda?jeton=…&lang=fr answers a tender's closing as a text/calendar
event (esja.alerts.calendar.ClosingEvents), read from the Tenders table when asked: a date moved by an
addendum is the date the reader's calendar gets.

The token names a tender and is signed (esja.alerts.links): the endpoint serves only the tenders we
alerted about, in our words, never text of someone else's choosing. GET only; it changes nothing. A
forged, altered or expired link gets a clear page in the reader's language, status 400; a tender gone
or without a closing date, 404.
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.alerts.calendar import ClosingEvents, NoClosing
from esja.alerts.links import CALENDAR_PATH, TOKEN_FIELD
from esja.config import SenderIdentity
from esja.tokens import InvalidToken
from esja.web.openapi import LANG, described, html, query
from esja.web.pages import error_page
from esja.web.requests import RequestReader

CALENDAR = "text/calendar; charset=utf-8"
TOKEN = query(
    TOKEN_FIELD, "The signed token of the « Ajouter à mon agenda » link of a tender in an alert", required=True
)


def calendar_router(events: ClosingEvents, sender: SenderIdentity) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    request = RequestReader(router)

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
        lang = request.language()
        try:
            file = events.for_link(request.query(TOKEN_FIELD), lang)
        except InvalidToken:
            return error_page(lang, 400, "calendar.invalid", sender=sender)
        except NoClosing:
            return error_page(lang, 404, "calendar.missing", sender=sender)
        headers = {
            "Content-Disposition": f'attachment; filename="{file.name}"',
            "Content-Language": lang,
            "Cache-Control": "private, no-store",
            "X-Robots-Tag": "noindex",
        }
        return Response(200, CALENDAR, file.body, headers=headers)

    return router
