"""Unsubscribe and preferences: the pages the links in every alert open (use case: esja.alerts.choices).

A GET only shows a page (link scanners and previews open links; they must not unsubscribe anyone); the
change happens on the POST of its button. The one-click endpoint takes the POST mail clients send
(RFC 8058), from their own servers, so it is exempt from the same-origin check: its token is its
authority. A forged, altered or expired token gets a clear page in the reader's language, status 400,
and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from esja.alerts.choices import LinkProblem, SubscriberChoices, Unsubscribing, Visitor
from esja.alerts.links import ONE_CLICK_PATH, PREFERENCES_PATH, TOKEN_FIELD, UNSUBSCRIBE_PATH
from esja.config import SenderIdentity
from esja.l10n import LANGUAGES
from esja.model import FREQUENCIES
from esja.web.forms import BadForm, single
from esja.web.openapi import LANG, Page, add_pages, html, query
from esja.web.pages import page, page_language
from esja.web.requests import RequestReader

ONE_CLICK_BODY = {"List-Unsubscribe": ["One-Click"]}
TAGS = ["Alerts"]
TOKEN = query(TOKEN_FIELD, "The signed token of the link in an alert e-mail", required=True)
INVALID = html("The link is not valid, or expired: nothing changed")


@dataclass(frozen=True, slots=True)
class SubscriptionPages:
    """Each page: read the request, ask the use case (esja.alerts.choices), render. A link the use case
    refuses (LinkProblem) is answered by `link_problems`, the routes' middleware."""

    _choices: SubscriberChoices
    _sender: SenderIdentity
    _request: RequestReader

    def unsubscribe_page(self) -> Response[str]:
        lang, token = self._request.language(), self._request.query(TOKEN_FIELD)
        visitor = self._choices.unsubscribing(token)
        return page(
            "pages/unsubscribe.html",
            lang,
            sender=self._sender,
            token=token,
            token_field=TOKEN_FIELD,
            enterprises=list(visitor.enterprises),
            unsubscribed_at=visitor.state.unsubscribed_at,
            preferences_url=self._choices.preferences_url(visitor, lang),
        )

    def unsubscribe(self, token: str, way: Unsubscribing) -> Response[str]:
        lang = self._request.language()
        self._choices.unsubscribe(token, way=way, language=lang)
        return page("pages/unsubscribe_done.html", lang, sender=self._sender, contact=self._sender.contact_email)

    def unsubscribe_by_form(self) -> Response[str]:
        return self.unsubscribe(single(self._form(), TOKEN_FIELD), Unsubscribing.PAGE)

    def one_click(self) -> Response[str]:
        if self._form() != ONE_CLICK_BODY:
            return self.link_problem("request", self._request.language())
        return self.unsubscribe(self._request.query(TOKEN_FIELD), Unsubscribing.ONE_CLICK)

    def preferences_page(self) -> Response[str]:
        lang, token = self._request.language(), self._request.query(TOKEN_FIELD)
        return self._preferences(self._choices.managing(token), token, lang)

    def save_preferences(self) -> Response[str]:
        lang, fields = self._request.language(), self._form()
        token = single(fields, TOKEN_FIELD)
        result = self._choices.save_preferences(token, fields)
        if result.saved is None:
            return self._preferences(result.visitor, token, lang, status=400, errors=result.errors)
        return self._preferences(result.visitor, token, result.saved.language, saved=True)  # in the language chosen

    def link_problems(self, app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[str]:
        """A route middleware: a link the use case refuses gets its page (and the security headers)."""
        try:
            return next_middleware(app)
        except LinkProblem as problem:
            return self.link_problem(problem.kind, page_language(app))

    def link_problem(self, kind: str, lang: str) -> Response[str]:
        """kind: "invalid", "expired", or "request" (not a one-click request)."""
        contact = self._sender.contact_email
        return page(
            "pages/unsubscribe_link_invalid.html", lang, sender=self._sender, status=400, kind=kind, contact=contact
        )

    def _form(self) -> dict[str, list[str]]:
        try:
            return self._request.form()
        except BadForm:
            return {}

    def _preferences(
        self, visitor: Visitor, token: str, lang: str, *, status: int = 200, saved: bool = False, errors: Any = ()
    ) -> Response[str]:
        return page(
            "pages/preferences.html",
            lang,
            sender=self._sender,
            status=status,
            token=token,
            token_field=TOKEN_FIELD,
            enterprises=list(visitor.enterprises),
            current=visitor.preferences,
            profiles=visitor.listing.profiles,
            frequencies=FREQUENCIES,
            languages=LANGUAGES,
            stopped=visitor.stopped,
            unsubscribe_url=self._choices.unsubscribe_url(visitor, lang),
            saved=saved,
            errors=errors,
            contact=self._sender.contact_email,
        )


def subscription_router(choices: SubscriberChoices, sender: SenderIdentity) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = SubscriptionPages(choices, sender, RequestReader(router))
    routes = [*_unsubscribing(pages), *_preferences(pages)]
    add_pages(router, TAGS, [replace(route, middlewares=[pages.link_problems]) for route in routes])
    return router


def _unsubscribing(pages: SubscriptionPages) -> list[Page]:
    button, done = {200: html("The button to unsubscribe"), 400: INVALID}, {200: html("Unsubscribed"), 400: INVALID}
    return [
        Page(
            "GET",
            UNSUBSCRIBE_PATH,
            pages.unsubscribe_page,
            "The page the unsubscribe link of an alert opens: a button unsubscribes (a GET changes nothing)",
            button,
            (TOKEN, LANG),
        ),
        Page(
            "POST",
            UNSUBSCRIBE_PATH,
            pages.unsubscribe_by_form,
            "Unsubscribe the address from every alert",
            done,
            form=_token_form_schema(),
        ),
        Page(
            "GET",
            ONE_CLICK_PATH,
            pages.unsubscribe_page,
            "The List-Unsubscribe address opened in a browser: the same page as the unsubscribe link",
            button,
            (TOKEN, LANG),
        ),
        Page(
            "POST",
            ONE_CLICK_PATH,
            pages.one_click,
            "RFC 8058 one-click unsubscribe, POSTed by mail clients (List-Unsubscribe-Post)",
            {200: html("Unsubscribed"), 400: html("Not a one-click request, or a bad token: nothing changed")},
            (TOKEN,),
            form=_one_click_schema(),
            description="Body `List-Unsubscribe=One-Click`; authorised by the signed token alone (cross-site).",
        ),
    ]


def _preferences(pages: SubscriptionPages) -> list[Page]:
    shown = {200: html("The preferences form"), 400: INVALID}
    saved = {200: html("Saved; the page answers in the language chosen"), 400: html("Not saved: nothing changed")}
    summary = "The preferences page: frequency, language, reminders, pause, profiles"
    return [
        Page("GET", PREFERENCES_PATH, pages.preferences_page, summary, shown, (TOKEN, LANG)),
        Page(
            "POST",
            PREFERENCES_PATH,
            pages.save_preferences,
            "Save the preferences",
            saved,
            form=_preferences_form_schema(),
        ),
    ]


def _token_form_schema() -> dict[str, Any]:
    return {"type": "object", "properties": {TOKEN_FIELD: {"type": "string"}}, "required": [TOKEN_FIELD]}


def _one_click_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"List-Unsubscribe": {"const": "One-Click"}},
        "required": ["List-Unsubscribe"],
    }


def _preferences_form_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            TOKEN_FIELD: {"type": "string"},
            "frequency": {"enum": list(FREQUENCIES)},
            "language": {"enum": list(LANGUAGES)},
            "reminders": {"const": "on", "description": "present when ticked"},
            "paused": {"const": "on", "description": "present when ticked"},
            "profiles": {"type": "array", "items": {"type": "string"}, "description": "enterprise/profile left on"},
        },
        "required": [TOKEN_FIELD, "frequency", "language"],
    }
