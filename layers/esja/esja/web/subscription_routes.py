"""Unsubscribe and preferences: the pages the links in every alert open (use case: esja.alerts.choices).

A GET only shows a page (link scanners and previews open links; they must not unsubscribe anyone); the
change happens on the POST of its button. The one-click endpoint takes the POST mail clients send
(RFC 8058), from their own servers, so it is exempt from the same-origin check: its token is its
authority. A forged, altered or expired token gets a clear page in the reader's language, status 400,
and changes nothing.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.alerts.choices import LinkProblem, SubscriberChoices, Unsubscribing, Visitor
from esja.alerts.links import ONE_CLICK_PATH, PREFERENCES_PATH, TOKEN_FIELD, UNSUBSCRIBE_PATH
from esja.config import SenderIdentity
from esja.l10n import LANGUAGES
from esja.model import FREQUENCIES
from esja.web.forms import BadForm
from esja.web.openapi import LANG, described, html, query
from esja.web.pages import page
from esja.web.requests import RequestReader

ONE_CLICK_BODY = {"List-Unsubscribe": ["One-Click"]}
TAGS = ["Alerts"]
TOKEN = query(TOKEN_FIELD, "The signed token of the link in an alert e-mail", required=True)
INVALID = html("The link is not valid, or expired: nothing changed")


class SubscriptionPages:
    """Each page: read the request, ask the use case, render."""

    def __init__(self, choices: SubscriberChoices, sender: SenderIdentity, request: RequestReader) -> None:
        self._choices = choices
        self._sender = sender
        self._request = request

    def unsubscribe_page(self) -> Response[str]:
        lang, token = self._request.language(), self._request.query(TOKEN_FIELD)
        try:
            visitor = self._choices.unsubscribing(token)
        except LinkProblem as problem:
            return self.link_problem(problem.kind, lang)
        return page(
            "pages/unsubscribe.html",
            lang,
            token=token,
            token_field=TOKEN_FIELD,
            enterprises=list(visitor.enterprises),
            unsubscribed_at=visitor.state.unsubscribed_at,
            preferences_url=self._choices.preferences_url(visitor, lang),
        )

    def unsubscribe(self, token: str, way: Unsubscribing) -> Response[str]:
        lang = self._request.language()
        try:
            self._choices.unsubscribe(token, way=way, language=lang)
        except LinkProblem as problem:
            return self.link_problem(problem.kind, lang)
        return page("pages/unsubscribe_done.html", lang, contact=self._sender.contact_email)

    def unsubscribe_by_form(self) -> Response[str]:
        return self.unsubscribe(_single(self._form(), TOKEN_FIELD), Unsubscribing.PAGE)

    def one_click(self) -> Response[str]:
        if self._form() != ONE_CLICK_BODY:
            return self.link_problem("request", self._request.language())
        return self.unsubscribe(self._request.query(TOKEN_FIELD), Unsubscribing.ONE_CLICK)

    def preferences_page(self) -> Response[str]:
        lang, token = self._request.language(), self._request.query(TOKEN_FIELD)
        try:
            visitor = self._choices.managing(token)
        except LinkProblem as problem:
            return self.link_problem(problem.kind, lang)
        return self._preferences(visitor, token, lang)

    def save_preferences(self) -> Response[str]:
        lang, fields = self._request.language(), self._form()
        token = _single(fields, TOKEN_FIELD)
        try:
            result = self._choices.save_preferences(token, fields)
        except LinkProblem as problem:
            return self.link_problem(problem.kind, lang)
        if result.saved is None:
            return self._preferences(result.visitor, token, lang, status=400, errors=result.errors)
        return self._preferences(result.visitor, token, result.saved.language, saved=True)  # in the language chosen

    def link_problem(self, kind: str, lang: str) -> Response[str]:
        """kind: "invalid", "expired", or "request" (not a one-click request)."""
        return page(
            "pages/unsubscribe_link_invalid.html", lang, status=400, kind=kind, contact=self._sender.contact_email
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
    _unsubscribe_routes(router, pages)
    _preferences_routes(router, pages)
    return router


def _unsubscribe_routes(router: Router, pages: SubscriptionPages) -> None:
    button = html("The button to unsubscribe")
    router.get(
        UNSUBSCRIBE_PATH,
        summary="The page the unsubscribe link of an alert opens: a button unsubscribes (a GET changes nothing)",
        tags=TAGS,
        responses={200: button, 400: INVALID},
        openapi_extensions=described(parameters=[TOKEN, LANG]),
    )(pages.unsubscribe_page)
    router.post(
        UNSUBSCRIBE_PATH,
        summary="Unsubscribe the address from every alert",
        tags=TAGS,
        responses={200: html("Unsubscribed"), 400: INVALID},
        openapi_extensions=described(parameters=[LANG], form=_token_form_schema()),
    )(pages.unsubscribe_by_form)
    router.get(
        ONE_CLICK_PATH,
        summary="The List-Unsubscribe address opened in a browser: the same page as the unsubscribe link",
        tags=TAGS,
        responses={200: button, 400: INVALID},
        openapi_extensions=described(parameters=[TOKEN, LANG]),
    )(pages.unsubscribe_page)
    router.post(
        ONE_CLICK_PATH,
        summary="RFC 8058 one-click unsubscribe, POSTed by mail clients (List-Unsubscribe-Post)",
        description="Body `List-Unsubscribe=One-Click`; authorised by the signed token alone (cross-site).",
        tags=TAGS,
        responses={200: html("Unsubscribed"), 400: html("Not a one-click request, or a bad token: nothing changed")},
        openapi_extensions=described(parameters=[TOKEN], form=_one_click_schema()),
    )(pages.one_click)


def _preferences_routes(router: Router, pages: SubscriptionPages) -> None:
    router.get(
        PREFERENCES_PATH,
        summary="The preferences page: frequency, language, reminders, pause, profiles",
        tags=TAGS,
        responses={200: html("The preferences form"), 400: INVALID},
        openapi_extensions=described(parameters=[TOKEN, LANG]),
    )(pages.preferences_page)
    router.post(
        PREFERENCES_PATH,
        summary="Save the preferences",
        tags=TAGS,
        responses={
            200: html("Saved; the page answers in the language chosen"),
            400: html("Not saved: nothing changed"),
        },
        openapi_extensions=described(parameters=[LANG], form=_preferences_form_schema()),
    )(pages.save_preferences)


def _single(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name, ())
    return values[0] if len(values) == 1 else ""


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
