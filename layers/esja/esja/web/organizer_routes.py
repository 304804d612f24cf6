"""The organizers' console (/organisation/): its home, the audit journal, ending a person's sessions.

Each page: `require(Role.ORGANIZER)` → the use case with the Actor → the page in the spaces' layout. The
sections other engineers add (pledges, enterprises, feeds, digests, report) come as pages here and as
links in esja.web.space_pages.SECTIONS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.audit.log import RETENTION
from esja.console.home import Console
from esja.console.journal import Journal
from esja.console.sessions import PersonSessions
from esja.emails import InvalidAddress
from esja.geo.regions import region_name
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role
from esja.signin.links import CSRF_FIELD, SPACE_HOMES
from esja.sources.catalogue import DEFAULT_FEEDS
from esja.web.forms import single
from esja.web.openapi import LANG, Page, add_pages, html, query, redirect
from esja.web.requests import RequestReader
from esja.web.session import SpaceAccess, Spaces
from esja.web.space_pages import Viewer, space_page

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

HOME = SPACE_HOMES[Role.ORGANIZER]
JOURNAL_PATH = f"{HOME}journal"
SESSIONS_PATH = f"{HOME}sessions"
TAGS = ["Organizers' console"]


@dataclass(frozen=True, slots=True)
class ConsolePages:
    _console: Console
    _journal: Journal
    _person_sessions: PersonSessions
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def home(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        home = self._console.home(actor)
        regions = ", ".join(region_name(code, self._request.language()) for code in actor.grant.regions)
        context: dict[str, Any] = {"home": home, "all_regions": actor.covers_all, "regions": regions}
        return self._page("pages/space/organizer_home.html", actor, HOME, built_in_feeds=DEFAULT_FEEDS, **context)

    def journal(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        first, last = self._journal.default_range()
        asked_first, asked_last = self._request.query("du"), self._request.query("au")
        action = self._request.query("action")[:60]
        context: dict[str, Any] = {"action": action, "page": None, "error": ""}
        try:
            first, last = _day(asked_first) or first, _day(asked_last) or last
            context["page"] = self._journal.read(actor, first, last, action)
        except (ValueError, NotAllowed):
            context["error"] = "space.journal.bad_range"
        status = 400 if context["error"] else 200
        years = RETENTION.days // 365
        shown = {"first": asked_first or first.isoformat(), "last": asked_last or last.isoformat()}
        return self._page(
            "pages/space/journal.html", actor, JOURNAL_PATH, status=status, retention_years=years, **shown, **context
        )

    def person_sessions(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        return self._page(
            "pages/space/organizer_sessions.html", actor, SESSIONS_PATH, email="", ended=None, error=False
        )

    def end_person_sessions(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        email = single(self._request.form(), "email")
        try:
            ended = self._person_sessions.end_all(actor, email)
        except InvalidAddress:
            return self._page(
                "pages/space/organizer_sessions.html",
                actor,
                SESSIONS_PATH,
                status=422,
                email=email[:254],
                ended=None,
                error=True,
            )
        return self._page(
            "pages/space/organizer_sessions.html", actor, SESSIONS_PATH, email="", ended=ended, error=False
        )

    def _page(self, template: str, actor: Actor, here: str, *, status: int = 200, **context: Any) -> Response[str]:
        lang = self._request.language()
        return space_page(
            template, lang, Viewer.of(actor), sender=self._spaces.sender, here=here, status=status, **context
        )


def _day(value: str) -> date | None:
    """A date as the form sends it (YYYY-MM-DD); None when none was given; ValueError when not a date."""
    return date.fromisoformat(value) if value else None


def organizer_router(console: Console, journal: Journal, person_sessions: PersonSessions, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = ConsolePages(console, journal, person_sessions, spaces, RequestReader(router), spaces.access(router))
    add_pages(router, TAGS, _pages(pages))
    return router


def _pages(pages: ConsolePages) -> list[Page]:
    guarded: dict[int, OpenAPIResponse] = {
        303: redirect("Not signed in as an organizer: to the sign-in page (or the role chooser)"),
        403: html("Not an organizer, or a form without this session's anti-forgery token: nothing done"),
    }
    day = {"type": "string", "format": "date"}
    filters = (
        query("du", "First day", schema=day),
        query("au", "Last day", schema=day),
        query("action", "This action"),
    )
    form = {"type": "object", "properties": {"email": {"type": "string"}, CSRF_FIELD: {"type": "string"}}}
    return [
        Page("GET", HOME, pages.home, "The console's home", {200: html("Pledges to verify, the feeds"), **guarded}),
        Page(
            "GET",
            JOURNAL_PATH,
            pages.journal,
            "The audit journal, by dates and action (region-scoped)",
            {200: html("The records"), 400: html("Bad dates"), **guarded},
            (*filters, LANG),
        ),
        Page(
            "GET", SESSIONS_PATH, pages.person_sessions, "End a person's sessions", {200: html("The form"), **guarded}
        ),
        Page(
            "POST",
            SESSIONS_PATH,
            pages.end_person_sessions,
            "End every open session of an address (audited)",
            {200: html("How many were ended"), 422: html("Not an address"), **guarded},
            form=form,
        ),
    ]
