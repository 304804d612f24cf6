"""« Recevoir les alertes »: the public form where an enterprise asks to join (/alertes/inscription), and the
organizers' list of requests in the console (/organisation/adhesions) where they approve or decline them.

The public form has the pledge form's defences (the app's same-origin check, its honeypot and time-trap, rate
limits per network and per address, its validators). The console's pages: `require(Role.ORGANIZER)` → the use
case with the Actor (esja.joining.requests decides whose requests) → a page; each action a POST with the session's
anti-forgery token, answered 303 back to the list with what was done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.console.enterprises import Refused
from esja.console.errors import Conflict, InvalidForm
from esja.geo.regions import all_regions, region_name
from esja.joining.form import LANGUAGES, LEGAL_FORMS, MAX_LENGTH, TEXT_FIELDS
from esja.joining.links import FORM_PATH, RECEIVED_PATH, REQUESTS_PATH
from esja.joining.requests import JoinDesk
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.pledges.bot_defences import HONEYPOT_FIELD, TIME_TRAP_FIELD
from esja.pledges.form import CHECKED, MalformedForm
from esja.pledges.service import Outcome
from esja.signin.links import CSRF_FIELD
from esja.web.forms import BadForm, single
from esja.web.openapi import Page, add_pages, html, redirect
from esja.web.pages import page
from esja.web.pledge_routes import STATUS
from esja.web.requests import RequestReader
from esja.web.session import SpaceAccess, Spaces, see_other
from esja.web.space_pages import Viewer, space_page

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

APPROVE_PATH = f"{REQUESTS_PATH}/approuver"
DECLINE_PATH = f"{REQUESTS_PATH}/refuser"
REQUEST, REASON = "demande", "raison"
DONE = ("approved", "approved-untold", "declined", "declined-untold")  # worded as join.console.done.<it>
TAGS = ["Join the programme"]


@dataclass(frozen=True, slots=True)
class JoinPages:
    _desk: JoinDesk
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def form(self) -> Response[str]:
        return self._form_page(token=self._desk.new_form_token())

    def ask(self) -> Response[str]:
        source = self._request.app.current_event.request_context.http.source_ip
        try:
            asked = self._desk.ask(self._request.form(), source=source)
        except MalformedForm as malformed:
            raise BadForm(str(malformed)) from malformed
        if asked.outcome is Outcome.SENT:
            return see_other(f"{RECEIVED_PATH}?lang={self._request.language()}")
        notice = "" if asked.outcome is Outcome.INVALID else f"join.notice.{asked.outcome}"
        errors = asked.form.errors if asked.form else ()
        values = asked.form.values if asked.form else {}
        return self._form_page(
            token=asked.form_token, status=STATUS[asked.outcome], errors=errors, values=values, notice=notice
        )

    def received(self) -> Response[str]:
        return page("pages/join_received.html", self._request.language(), sender=self._spaces.sender)

    def requests(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        done = self._request.query("fait")
        return self._console(actor, done=done if done in DONE else "")

    def approve(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        request_id = single(self._request.form(), REQUEST)
        try:
            decided = self._desk.approve(actor, request_id)
        except Conflict as conflict:
            return self._console(actor, status=409, conflict=conflict.code)
        if isinstance(decided, Refused):
            return self._console(actor, status=422, refused=decided, failed=request_id)
        return self._done("approved" if decided.told else "approved-untold")

    def decline(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        fields = self._request.form()
        request_id, reason = single(fields, REQUEST), single(fields, REASON)
        try:
            decided = self._desk.decline(actor, request_id, reason)
        except Conflict as conflict:
            return self._console(actor, status=409, conflict=conflict.code)
        except InvalidForm as invalid:
            return self._console(actor, status=422, invalid=invalid, failed=request_id, reason=reason[:600])
        return self._done("declined" if decided.told else "declined-untold")

    def _done(self, done: str) -> Response[str]:
        return see_other(f"{REQUESTS_PATH}?{urlencode({'fait': done, 'lang': self._request.language()})}")

    def _console(self, actor: Actor, *, status: int = 200, **shown: Any) -> Response[str]:
        lang = self._request.language()
        context = {"done": "", "conflict": "", "refused": None, "invalid": None, "failed": "", "reason": ""}
        return space_page(
            "pages/space/join_requests.html",
            lang,
            Viewer.of(actor),
            sender=self._spaces.sender,
            here=REQUESTS_PATH,
            status=status,
            waiting=self._desk.pending(actor),
            region_name=region_name,
            paths={"approve": APPROVE_PATH, "decline": DECLINE_PATH},
            names={"request": REQUEST, "reason": REASON},
            **(context | shown),
        )

    def _form_page(
        self,
        *,
        token: str,
        status: int = 200,
        errors: tuple[Any, ...] = (),
        values: Any = None,
        notice: str = "",
    ) -> Response[str]:
        lang = self._request.language()
        return page(
            "pages/join_form.html",
            lang,
            sender=self._spaces.sender,
            status=status,
            action=FORM_PATH,
            values=values or {},
            errors=errors,
            field_errors={e.field: e for e in errors},
            notice=notice,
            form_token=token,
            legal_forms=LEGAL_FORMS,
            languages=LANGUAGES,
            regions=[(r.code, region_name(r.code, lang)) for r in all_regions()],
            max_length=MAX_LENGTH,
            checked=CHECKED,
            honeypot=HONEYPOT_FIELD,
            time_trap=TIME_TRAP_FIELD,
        )


def join_router(desk: JoinDesk, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    request = RequestReader(router)
    pages = JoinPages(desk, spaces, request, spaces.access(router, request))
    add_pages(router, TAGS, [*_public(pages), *_console(pages)])
    return router


def _public(pages: JoinPages) -> list[Page]:
    text = {"type": "string"}
    fields = {
        **{name: {"type": "string", "minLength": low, "maxLength": high} for name, (low, high) in TEXT_FIELDS.items()},
        "neq": {"type": "string", "description": "Québec enterprise number: 10 digits", "maxLength": MAX_LENGTH["neq"]},
        "legal_form": {"type": "string", "enum": list(LEGAL_FORMS)},
        "region": {"type": "string", "enum": [r.code for r in all_regions()]},
        "email": {"type": "string", "format": "email", "maxLength": MAX_LENGTH["email"]},
        "language": {"type": "string", "enum": list(LANGUAGES)},
        "consent": {"type": "string", "enum": [CHECKED], "description": "Consent to receive the alerts (required)"},
        TIME_TRAP_FIELD: text,
        HONEYPOT_FIELD: {"type": "string", "maxLength": 0},
    }
    return [
        Page(
            "GET",
            FORM_PATH,
            pages.form,
            "Ask to receive the alerts (an enterprise not registered)",
            {200: html("The form")},
        ),
        Page(
            "POST",
            FORM_PATH,
            pages.ask,
            "Ask to join: kept pending, the region's organizers told by e-mail",
            {
                303: redirect(f"Received (or silently ignored): see {RECEIVED_PATH}"),
                400: html("The form could not be read, or was too old: shown again"),
                422: html("The form with an error beside each field, or sent too fast"),
                429: html("Too many requests from this network: try again later"),
            },
            form={
                "type": "object",
                "required": [*TEXT_FIELDS, "neq", "legal_form", "region", "email", "language", "consent"],
                "properties": fields,
            },
            description="Nothing is stored on error; the same answer whether or not the address asked before.",
        ),
        Page("GET", RECEIVED_PATH, pages.received, "The request was received", {200: html("What happens next")}),
    ]


def _console(pages: JoinPages) -> list[Page]:
    guarded: dict[int, OpenAPIResponse] = {
        303: redirect("Done: back to the list (or, not signed in as an organizer, to the sign-in page)"),
        403: html("Not an organizer, or a form without this session's anti-forgery token: nothing done"),
        404: html("No such request in the organizer's regions (another region's included)"),
        409: html("Already decided: nothing done"),
    }
    text = {"type": "string"}
    fields = {REQUEST: text, CSRF_FIELD: text}
    form = {"type": "object", "properties": fields}
    return [
        Page(
            "GET",
            REQUESTS_PATH,
            pages.requests,
            "The requests to join waiting in the organizer's regions",
            {200: html("The list"), **guarded},
        ),
        Page(
            "POST",
            APPROVE_PATH,
            pages.approve,
            "Approve: the enterprise is added, its contact manages its space (audited, the contact told)",
            {422: html("The spreadsheet's rules refuse the enterprise: nothing done"), **guarded},
            form=form,
        ),
        Page(
            "POST",
            DECLINE_PATH,
            pages.decline,
            "Decline, with a reason e-mailed to the contact (audited)",
            {422: html("The reason is missing or unfit: nothing done"), **guarded},
            form={"type": "object", "properties": {**fields, REASON: text}},
        ),
    ]
