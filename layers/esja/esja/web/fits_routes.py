"""Who fits my tenders (/signataire/qui-convient): the institution's open tenders and invitations, the listed
enterprises that fit each with why, and the button that has ESJA send one of them the notice's link; and the
pages the notices' unsubscribe link opens (/avis/desabonnement: a GET shows its button, the POST — the page's or
the one-click POST of RFC 8058, exempt from the same-origin check: its token is its authority — stops them).

The use cases (esja.signatory_space.fits, .notice_links) decide who may send what to whom.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.alerts.links import TOKEN_FIELD
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.signatory_space.fits import Sent, WhoFits
from esja.signatory_space.notice_links import ONE_CLICK_PATH, UNSUBSCRIBE_PATH, NoticeUnsubscribe
from esja.web.forms import BadForm, single
from esja.web.openapi import LANG, Page, add_pages, html, query, redirect
from esja.web.pages import page
from esja.web.requests import RequestReader
from esja.web.session import SpaceAccess, Spaces, see_other
from esja.web.space_pages import Viewer, space_page

FITS_PATH = "/signataire/qui-convient"
SEND_PATH = "/signataire/qui-convient/avis"
# What the page answers when the notice did not go (the 303 of a sent one shows the page again).
SENT_STATUS = {
    Sent.ALREADY: 409,
    Sent.UNREACHABLE: 409,
    Sent.STOPPED: 409,
    Sent.RATE_LIMITED: 429,
    Sent.FAILED: 503,
}
ONE_CLICK_BODY = {"List-Unsubscribe": ["One-Click"]}


@dataclass(frozen=True, slots=True)
class FitPages:
    _fits: WhoFits
    _unsubscribe: NoticeUnsubscribe
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def overview(self) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        sent = self._request.query("envoye") == "1"
        return self._page(actor, outcome=Sent.SENT.value if sent else "")

    def send(self) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        fields = self._request.form()
        sent = self._fits.send(actor, single(fields, "appel"), single(fields, "entreprise"))
        if sent is Sent.SENT:
            return see_other(f"{FITS_PATH}?lang={self._request.language()}&envoye=1")
        return self._page(actor, status=SENT_STATUS[sent], outcome=sent.value)

    def unsubscribe_page(self) -> Response[str]:
        token = self._request.query(TOKEN_FIELD)
        if not self._unsubscribe.valid(token):
            return self._invalid()
        return self._public("pages/notice_unsubscribe.html", token=token, token_field=TOKEN_FIELD)

    def unsubscribe(self) -> Response[str]:
        if not self._unsubscribe.unsubscribe(single(self._form_or_none(), TOKEN_FIELD), how="page"):
            return self._invalid()
        return self._done()

    def one_click(self) -> Response[str]:
        if self._form_or_none() != ONE_CLICK_BODY:
            return self._invalid("request")
        if not self._unsubscribe.unsubscribe(self._request.query(TOKEN_FIELD), how="one-click"):
            return self._invalid()
        return self._done()

    def _done(self) -> Response[str]:
        return self._public("pages/notice_unsubscribed.html", contact=self._spaces.sender.contact_email)

    def _invalid(self, kind: str = "invalid") -> Response[str]:
        contact = self._spaces.sender.contact_email
        return self._public("pages/unsubscribe_link_invalid.html", status=400, kind=kind, contact=contact)

    def _public(self, template: str, *, status: int = 200, **context: Any) -> Response[str]:
        return page(template, self._request.language(), sender=self._spaces.sender, status=status, **context)

    def _form_or_none(self) -> dict[str, list[str]]:
        try:
            return self._request.form()
        except BadForm:
            return {}

    def _page(self, actor: Actor, *, status: int = 200, **context: Any) -> Response[str]:
        return space_page(
            "pages/space/fits.html",
            self._request.language(),
            Viewer.of(actor),
            sender=self._spaces.sender,
            here=FITS_PATH,
            status=status,
            tenders=self._fits.overview(actor),
            paths={"send": SEND_PATH},
            **context,
        )


def fits_router(fits: WhoFits, unsubscribe: NoticeUnsubscribe, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = FitPages(fits, unsubscribe, spaces, RequestReader(router), spaces.access(router))
    token = query(TOKEN_FIELD, "The signed token of the link in a notice", required=True)
    invalid = html("The link is not valid, or expired: nothing changed")
    not_sent = {
        409: html("Not sent: already sent, no address shown, or the address stopped them"),
        429: html("Not sent: too many today"),
        503: html("Not sent: the e-mail service refused; try again"),
    }
    add_pages(
        router,
        ["Signatories' space"],
        [
            Page(
                "GET",
                FITS_PATH,
                pages.overview,
                "The institution's open tenders and invitations, and the listed enterprises that fit each, with why",
                {200: html("The page"), 303: redirect("Not signed in as a signatory: to the sign-in page")},
                (query("envoye", "A notice was just sent"), LANG),
            ),
            Page(
                "POST",
                SEND_PATH,
                pages.send,
                "ESJA sends a fitting listed enterprise the notice's link (at most once per enterprise and tender)",
                {303: redirect("Sent"), 403: html("A forged form"), 404: html("No such fit"), **not_sent},
                form={"type": "object", "properties": {"appel": {"type": "string"}, "entreprise": {"type": "string"}}},
            ),
        ],
    )
    add_pages(
        router,
        ["Notices"],
        [
            Page(
                "GET",
                UNSUBSCRIBE_PATH,
                pages.unsubscribe_page,
                "The page a notice's unsubscribe link opens: a button (a GET changes nothing)",
                {200: html("The button"), 400: invalid},
                (token, LANG),
            ),
            Page(
                "POST",
                UNSUBSCRIBE_PATH,
                pages.unsubscribe,
                "No more notices to this address",
                {200: html("Stopped"), 400: invalid},
                form={"type": "object", "properties": {TOKEN_FIELD: {"type": "string"}}},
            ),
            Page(
                "POST",
                ONE_CLICK_PATH,
                pages.one_click,
                "One-click unsubscribe (RFC 8058), POSTed by mail providers",
                {200: html("Stopped"), 400: invalid},
                (token,),
                form={"type": "object", "properties": {"List-Unsubscribe": {"type": "string"}}},
            ),
        ],
    )
    return router
