"""Unsubscribe and preferences: the pages the links in every alert open.

A link carries a signed token naming the subscriber's opaque id. A GET only shows a page (link scanners
and previews open links; they must not unsubscribe anyone); the change happens on the POST of its
button. The one-click endpoint takes the POST mail clients send (RFC 8058), from their own servers, so
it is exempt from the same-origin check: its token is its authority. A forged, altered or expired token
gets a clear page in the reader's language, status 400, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.alerts.links import ONE_CLICK_PATH, PREFERENCES_PATH, TOKEN_FIELD, UNSUBSCRIBE_PATH, Holder, SubscriberLinks
from esja.alerts.model import FREQUENCIES, Preferences, SubscriberState
from esja.alerts.preferences_form import read_preferences
from esja.config import SenderIdentity
from esja.l10n import LANGUAGES
from esja.tokens import ExpiredToken, InvalidToken
from esja.web.forms import BadForm, read_form
from esja.web.openapi import LANG, described, html, query
from esja.web.pages import page, page_language

# Which words the person saw when deciding: kept with each record of the consent log.
UNSUBSCRIBE_WORDING = "desabonnement-page-2026-11"
ONE_CLICK_WORDING = "rfc8058-one-click"
PREFERENCES_WORDING = "preferences-page-2026-11"
ONE_CLICK_BODY = {"List-Unsubscribe": ["One-Click"]}
TAGS = ["Alerts"]
TOKEN = query(TOKEN_FIELD, "The signed token of the link in an alert e-mail", required=True)


class SubscriptionBook(Protocol):
    def address_of(self, subscriber_id: str) -> str | None: ...
    def state(self, address_key: str) -> SubscriberState: ...
    def unsubscribe(
        self, address_key: str, *, how: str, wording_version: str, language: str, now: datetime
    ) -> bool: ...
    def save_preferences(
        self, address_key: str, preferences: Preferences, *, how: str, wording_version: str, now: datetime
    ) -> None: ...


class LinkProblem(Exception):
    """The token is forged or altered ("invalid"), or too old ("expired")."""


@dataclass(frozen=True, slots=True)
class Visitor:
    """Whom a valid link names; the links its page hands out expire with it (`link_expires_at`)."""

    subscriber_id: str
    address_key: str
    state: SubscriberState
    link_expires_at: datetime


class SubscriptionPages:
    def __init__(
        self,
        subscriptions: SubscriptionBook,
        links: SubscriberLinks,
        sender: SenderIdentity,
        clock: Callable[[], datetime],
    ) -> None:
        self._subscriptions = subscriptions
        self._links = links
        self._sender = sender
        self._clock = clock

    def unsubscribe_page(self, token: str, lang: str) -> Response[str]:
        try:
            visitor = self._visitor(token, self._links.unsubscribing)
        except LinkProblem as problem:
            return self.link_problem(str(problem), lang)
        return page(
            "pages/unsubscribe.html",
            lang,
            sender=self._sender,
            token=token,
            token_field=TOKEN_FIELD,
            enterprises=_enterprises(visitor.state),
            unsubscribed_at=visitor.state.unsubscribed_at,
            preferences_url=self._links.preferences_url(self._preferences_token(visitor), lang),
        )

    def unsubscribe(self, token: str, lang: str, *, how: str, wording: str) -> Response[str]:
        try:
            visitor = self._visitor(token, self._links.unsubscribing)
        except LinkProblem as problem:
            return self.link_problem(str(problem), lang)
        now = self._clock()
        self._subscriptions.unsubscribe(visitor.address_key, how=how, wording_version=wording, language=lang, now=now)
        return page("pages/unsubscribe_done.html", lang, sender=self._sender, contact=self._sender.contact_email)

    def preferences_page(self, token: str, lang: str) -> Response[str]:
        try:
            visitor = self._visitor(token, self._links.managing)
        except LinkProblem as problem:
            return self.link_problem(str(problem), lang)
        return self._preferences(visitor, token, lang)

    def save_preferences(self, fields: Mapping[str, Sequence[str]], lang: str) -> Response[str]:
        token = _single(fields, TOKEN_FIELD)
        try:
            visitor = self._visitor(token, self._links.managing)
        except LinkProblem as problem:
            return self.link_problem(str(problem), lang)
        listing = visitor.state.listing
        assert listing is not None  # _visitor checked
        result = read_preferences(fields, listing)
        if result.preferences is None:
            return self._preferences(visitor, token, lang, status=400, errors=result.errors)
        self._subscriptions.save_preferences(
            visitor.address_key,
            result.preferences,
            how="page de préférences",
            wording_version=PREFERENCES_WORDING,
            now=self._clock(),
        )
        saved = replace(visitor, state=self._subscriptions.state(visitor.address_key))
        return self._preferences(saved, token, result.preferences.language, saved=True)  # in the language chosen

    def link_problem(self, kind: str, lang: str) -> Response[str]:
        """kind: "invalid", "expired", or "request" (not a one-click request)."""
        return page(
            "pages/unsubscribe_link_invalid.html",
            lang,
            sender=self._sender,
            status=400,
            kind=kind,
            contact=self._sender.contact_email,
        )

    def _visitor(self, token: str, verify: Callable[[str], Holder]) -> Visitor:
        try:
            holder = verify(token)
        except ExpiredToken:
            raise LinkProblem("expired") from None
        except InvalidToken:
            raise LinkProblem("invalid") from None
        address_key = self._subscriptions.address_of(holder.subscriber_id)
        if address_key is None:  # signed by us, yet for nobody we know
            raise LinkProblem("invalid")
        state = self._subscriptions.state(address_key)
        if state.listing is None:
            raise LinkProblem("invalid")
        return Visitor(holder.subscriber_id, address_key, state, holder.link_expires_at)

    def _preferences_token(self, visitor: Visitor) -> str:
        return self._links.preferences_token(visitor.subscriber_id, not_after=visitor.link_expires_at)

    def _unsubscribe_token(self, visitor: Visitor) -> str:
        return self._links.unsubscribe_token(visitor.subscriber_id, not_after=visitor.link_expires_at)

    def _preferences(
        self,
        visitor: Visitor,
        token: str,
        lang: str,
        *,
        status: int = 200,
        saved: bool = False,
        errors: tuple[str, ...] = (),
    ) -> Response[str]:
        state = visitor.state
        assert state.listing is not None
        return page(
            "pages/preferences.html",
            lang,
            sender=self._sender,
            status=status,
            token=token,
            token_field=TOKEN_FIELD,
            enterprises=_enterprises(state),
            current=state.effective(state.listing.defaults),
            profiles=state.listing.profiles,
            frequencies=FREQUENCIES,
            languages=LANGUAGES,
            stopped=state.unsubscribed_at is not None or state.suppressed is not None,
            unsubscribe_url=self._links.unsubscribe_url(self._unsubscribe_token(visitor), lang),
            saved=saved,
            errors=errors,
            contact=self._sender.contact_email,
        )


def subscription_router(
    *,
    subscriptions: SubscriptionBook,
    links: SubscriberLinks,
    sender: SenderIdentity,
    clock: Callable[[], datetime],
) -> Router:
    pages = SubscriptionPages(subscriptions, links, sender, clock)
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated

    def resolver() -> APIGatewayHttpResolver:
        app = router.api_resolver
        if not isinstance(app, APIGatewayHttpResolver):
            raise TypeError("the subscription pages are served by an APIGatewayHttpResolver")
        return app

    def lang() -> str:
        return page_language(resolver())

    def query_token() -> str:
        return (resolver().current_event.query_string_parameters or {}).get(TOKEN_FIELD, "")

    def form() -> dict[str, list[str]]:
        try:
            return read_form(resolver().current_event)
        except BadForm:
            return {}

    invalid = html("The link is not valid, or expired: nothing changed")

    @router.get(
        UNSUBSCRIBE_PATH,
        summary="The page the unsubscribe link of an alert opens: a button unsubscribes (a GET changes nothing)",
        tags=TAGS,
        responses={200: html("The button to unsubscribe"), 400: invalid},
        openapi_extensions=described(parameters=[TOKEN, LANG]),
    )
    def unsubscribe_confirmation() -> Response[str]:
        return pages.unsubscribe_page(query_token(), lang())

    @router.post(
        UNSUBSCRIBE_PATH,
        summary="Unsubscribe the address from every alert",
        tags=TAGS,
        responses={200: html("Unsubscribed"), 400: invalid},
        openapi_extensions=described(parameters=[LANG], form=_token_form_schema()),
    )
    def unsubscribe_by_form() -> Response[str]:
        token = _single(form(), TOKEN_FIELD)
        return pages.unsubscribe(token, lang(), how="page de désabonnement", wording=UNSUBSCRIBE_WORDING)

    @router.get(
        ONE_CLICK_PATH,
        summary="The List-Unsubscribe address opened in a browser: the same page as the unsubscribe link",
        tags=TAGS,
        responses={200: html("The button to unsubscribe"), 400: invalid},
        openapi_extensions=described(parameters=[TOKEN, LANG]),
    )
    def one_click_page() -> Response[str]:
        return pages.unsubscribe_page(query_token(), lang())

    @router.post(
        ONE_CLICK_PATH,
        summary="RFC 8058 one-click unsubscribe, POSTed by mail clients (List-Unsubscribe-Post)",
        description="Body `List-Unsubscribe=One-Click`; authorised by the signed token alone (cross-site).",
        tags=TAGS,
        responses={200: html("Unsubscribed"), 400: html("Not a one-click request, or a bad token: nothing changed")},
        openapi_extensions=described(parameters=[TOKEN], form=_one_click_schema()),
    )
    def one_click() -> Response[str]:
        if form() != ONE_CLICK_BODY:
            return pages.link_problem("request", lang())
        return pages.unsubscribe(query_token(), lang(), how="un clic (RFC 8058)", wording=ONE_CLICK_WORDING)

    @router.get(
        PREFERENCES_PATH,
        summary="The preferences page: frequency, language, reminders, pause, profiles",
        tags=TAGS,
        responses={200: html("The preferences form"), 400: invalid},
        openapi_extensions=described(parameters=[TOKEN, LANG]),
    )
    def preferences() -> Response[str]:
        return pages.preferences_page(query_token(), lang())

    @router.post(
        PREFERENCES_PATH,
        summary="Save the preferences",
        tags=TAGS,
        responses={
            200: html("Saved; the page answers in the language chosen"),
            400: html("Not saved: nothing changed"),
        },
        openapi_extensions=described(parameters=[LANG], form=_preferences_form_schema()),
    )
    def save_preferences() -> Response[str]:
        return pages.save_preferences(form(), lang())

    return router


def _enterprises(state: SubscriberState) -> list[str]:
    return list(state.listing.enterprise_names()) if state.listing else []


def _single(fields: Mapping[str, Sequence[str]], name: str) -> str:
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
