"""Was it relevant? The page the « Pertinent » / « Pas pertinent » links of an alert open (public: its token is
its authority), the enterprise's feedback in its space (/entreprise/pertinence), and the same for the organizers
of its regions (/organisation/pertinence).

The link's GET shows the tender and both buttons; only their POST records the vote (esja.feedback.service).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.alerts.links import TOKEN_FIELD
from esja.console.feedback import ConsoleFeedback
from esja.enterprise_space.feedback import EnterpriseFeedback
from esja.feedback.links import ANSWERS, FEEDBACK_PATH, RELEVANT
from esja.feedback.service import BallotPage, Feedback, LinkGone
from esja.geo.regions import region_name
from esja.matching import csv_cells
from esja.matching.profile_cells import profile_cells
from esja.model import Profile
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.signin.links import SPACE_HOMES
from esja.unspsc import code_title
from esja.web.forms import single
from esja.web.openapi import LANG, Page, add_pages, html, query, redirect
from esja.web.pages import error_page, page
from esja.web.profile_routes import BOXES, FIELDS, OWN, PROFILE, VERSION
from esja.web.requests import RequestReader
from esja.web.session import SpaceAccess, Spaces
from esja.web.space_pages import Viewer, space_page

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

ENTERPRISE_PATH = f"{SPACE_HOMES[Role.ENTERPRISE]}pertinence"
CONSOLE_PATH = f"{SPACE_HOMES[Role.ORGANIZER]}pertinence"
CONSOLE_ENTERPRISE_PATH = f"{CONSOLE_PATH}/entreprise"
ANSWER_FIELD = "reponse"
ENTERPRISE_FIELD = "entreprise"


@dataclass(frozen=True, slots=True)
class FeedbackPages:
    _feedback: Feedback
    _space: EnterpriseFeedback
    _console: ConsoleFeedback
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def ballot(self) -> Response[str]:
        token = self._request.query(TOKEN_FIELD)
        try:
            return self._ballot(self._feedback.ballot(token), token, recorded=False)
        except LinkGone:
            return self._link_gone()

    def vote(self) -> Response[str]:
        fields = self._request.form()
        token, answer = single(fields, TOKEN_FIELD), single(fields, ANSWER_FIELD)
        if answer not in ANSWERS:
            return self._link_gone()
        try:
            return self._ballot(self._feedback.vote(token, answer == RELEVANT), token, recorded=True)
        except LinkGone:
            return self._link_gone()

    def enterprise(self) -> Response[str]:
        actor = self._access.require(Role.ENTERPRISE)
        own = self._space.show(actor)
        return self._space_page(
            "pages/space/feedback.html",
            actor,
            ENTERPRISE_PATH,
            profiles=own.profiles,
            versions=own.versions,
            accept_fields=suggested_fields,
            accept_action=OWN.paths["form"],
            profile_field=PROFILE,
            version_field=VERSION,
        )

    def console(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        lines = self._console.overview(actor)
        return self._space_page("pages/space/organizer_feedback.html", actor, CONSOLE_PATH, lines=lines)

    def console_enterprise(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        line = self._console.enterprise(actor, self._request.query(ENTERPRISE_FIELD))
        return self._space_page(
            "pages/space/organizer_feedback_enterprise.html", actor, CONSOLE_PATH, line=line, profiles=line.profiles
        )

    def _ballot(self, shown: BallotPage, token: str, *, recorded: bool) -> Response[str]:
        lang = self._request.language()
        first = RELEVANT if shown.suggested else ANSWERS[1]
        order = (first, *(a for a in ANSWERS if a != first))
        return page(
            "pages/feedback_ballot.html",
            lang,
            sender=self._spaces.sender,
            shown=shown,
            token=token,
            token_field=TOKEN_FIELD,
            answer_field=ANSWER_FIELD,
            answers=order,
            relevant=RELEVANT,
            recorded=recorded,
            action=FEEDBACK_PATH,
        )

    def _link_gone(self) -> Response[str]:
        return error_page(self._request.language(), 400, "feedback.link.invalid", sender=self._spaces.sender)

    def _space_page(self, template: str, actor: Actor, here: str, **context: Any) -> Response[str]:
        lang = self._request.language()

        def code_words(code: str) -> str:
            return code_title(code, lang)[0]

        def regions(codes: tuple[str, ...]) -> str:
            return ", ".join(region_name(code, lang) for code in codes)

        return space_page(
            template,
            lang,
            Viewer.of(actor),
            sender=self._spaces.sender,
            here=here,
            code_words=code_words,
            regions=regions,
            console_enterprise=CONSOLE_ENTERPRISE_PATH,
            enterprise_field=ENTERPRISE_FIELD,
            **context,
        )


def suggested_fields(profile: Profile) -> list[tuple[str, str]]:
    """The profiles' form's fields for `profile` (a suggestion's change applied), as that form posts them: a
    group of boxes one field a choice, any other field one value (a text area's items kept « ; »-separated)."""
    cells = profile_cells(profile)
    return [
        (column, item)
        for column in FIELDS
        for item in (csv_cells.items(cells[column]) if column in BOXES else [cells[column]])
    ]


def feedback_router(feedback: Feedback, space: EnterpriseFeedback, console: ConsoleFeedback, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = FeedbackPages(feedback, space, console, spaces, RequestReader(router), spaces.access(router))
    add_pages(router, ["Was it relevant?"], _pages(pages))
    return router


def _pages(pages: FeedbackPages) -> list[Page]:
    invalid = html("The link is not valid, expired, or names nothing that still exists: nothing recorded")
    guarded: dict[int, OpenAPIResponse] = {
        303: redirect("Not signed in in this role: to the sign-in page (or the role chooser)"),
        403: html("Another role's session"),
    }
    token = query(TOKEN_FIELD, "The signed token of the link in an alert", required=True)
    answer = {"type": "string", "enum": list(ANSWERS)}
    form = {
        "type": "object",
        "required": [TOKEN_FIELD, ANSWER_FIELD],
        "properties": {TOKEN_FIELD: {"type": "string"}, ANSWER_FIELD: answer},
    }
    return [
        Page(
            "GET",
            FEEDBACK_PATH,
            pages.ballot,
            "The page an alert's « Pertinent » / « Pas pertinent » link opens: both buttons (a GET records nothing)",
            {200: html("The tender and the buttons"), 400: invalid},
            (token, LANG),
        ),
        Page(
            "POST",
            FEEDBACK_PATH,
            pages.vote,
            "Record the answer: one per person and tender, a new one replacing it",
            {200: html("Recorded"), 400: invalid},
            form=form,
        ),
        Page(
            "GET",
            ENTERPRISE_PATH,
            pages.enterprise,
            "The enterprise's feedback, profile by profile, and what it suggests",
            {200: html("Each profile's answers and suggestions"), **guarded},
        ),
        Page(
            "GET",
            CONSOLE_PATH,
            pages.console,
            "The feedback of the enterprises of the organizer's regions",
            {200: html("Enterprises whose people answered"), **guarded},
        ),
        Page(
            "GET",
            CONSOLE_ENTERPRISE_PATH,
            pages.console_enterprise,
            "One enterprise's feedback (of the organizer's regions)",
            {200: html("Each profile's answers and suggestions"), 404: html("No such enterprise here"), **guarded},
            (query(ENTERPRISE_FIELD, "The enterprise's id", required=True), LANG),
        ),
    ]
