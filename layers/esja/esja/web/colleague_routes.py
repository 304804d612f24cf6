"""Colleagues in the enterprise's space (/entreprise/collegues): who receives the alerts and who manages the space,
a colleague asked for, anyone changed or removed; and the page a colleague's confirmation link opens (public: its
token is its authority; only its button's POST subscribes). esja.enterprise_space.colleagues decides everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.enterprise_space.colleagues import (
    CONFIRM_PATH,
    CONSENT_WORDING,
    FREQUENCIES,
    LANGUAGES,
    Changed,
    ColleagueForm,
    Colleagues,
    Invited,
    LastManager,
    TooMany,
    read_colleague_form,
)
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.pledges.links import TOKEN_FIELD
from esja.signin.links import CSRF_FIELD, SPACE_HOMES
from esja.web.forms import single
from esja.web.openapi import LANG, Page, add_pages, html, query, redirect
from esja.web.pages import error_page, page
from esja.web.requests import RequestReader
from esja.web.session import Refused, SpaceAccess, Spaces, see_other
from esja.web.space_pages import Viewer, space_page

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

LIST_PATH = f"{SPACE_HOMES[Role.ENTERPRISE]}collegues"
INVITE_PATH = f"{LIST_PATH}/ajouter"
CHANGE_PATH = f"{LIST_PATH}/modifier"
REMOVE_PATH = f"{LIST_PATH}/retirer"
PERSON, VERSION, DONE = "personne", "version", "fait"
DONE_VALUES = ("invite", "modifie", "retire")
FORM_FIELDS = ("name", "email", "language", "frequency", "manages")


@dataclass(frozen=True, slots=True)
class ColleaguePages:
    _colleagues: Colleagues
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def list(self) -> Response[str]:
        actor = self._access.require(Role.ENTERPRISE)
        done = self._request.query(DONE)
        return self._list(actor, read_colleague_form({}), done=done if done in DONE_VALUES else "")

    def invite(self) -> Response[str]:
        actor = self._access.require(Role.ENTERPRISE)
        fields = self._request.form()
        form = read_colleague_form({name: single(fields, name) for name in FORM_FIELDS})
        try:
            asked = self._colleagues.invite(actor, form)
        except TooMany:
            raise Refused(429, "team.too_many") from None
        if isinstance(asked, Invited):
            return self._done("invite")
        return self._list(actor, asked, status=422)

    def change(self) -> Response[str]:
        actor = self._access.require(Role.ENTERPRISE)
        fields = self._request.form()
        try:
            self._colleagues.change(
                actor,
                single(fields, PERSON),
                single(fields, VERSION),
                language=single(fields, "language"),
                frequency=single(fields, "frequency"),
                manages=single(fields, "manages") == "1",
            )
        except (Changed, LastManager) as refused:
            return self._refused(actor, refused)
        return self._done("modifie")

    def remove(self) -> Response[str]:
        actor = self._access.require(Role.ENTERPRISE)
        fields = self._request.form()
        try:
            self._colleagues.remove(actor, single(fields, PERSON), single(fields, VERSION))
        except (Changed, LastManager) as refused:
            return self._refused(actor, refused)
        return self._done("retire")

    def confirmation(self) -> Response[str]:
        token = self._request.query(TOKEN_FIELD)
        shown = self._colleagues.confirmation(token)
        return self._confirmation(token, shown, confirmed=False)

    def confirm(self) -> Response[str]:
        token = single(self._request.form(), TOKEN_FIELD)
        shown = self._colleagues.confirm(token, self._access.network())
        return self._confirmation(token, shown, confirmed=True)

    def _confirmation(self, token: str, shown: Any, *, confirmed: bool) -> Response[str]:
        lang = self._request.language()
        if shown is None:
            return error_page(lang, 400, "team.link.invalid", sender=self._spaces.sender)
        return page(
            "pages/enterprise_colleague_confirm.html",
            lang,
            sender=self._spaces.sender,
            shown=shown,
            confirmed=confirmed,
            token=token,
            token_field=TOKEN_FIELD,
            action=CONFIRM_PATH,
            wording_version=CONSENT_WORDING,
        )

    def _refused(self, actor: Actor, refused: Exception) -> Response[str]:
        problem = "changed" if isinstance(refused, Changed) else "last_manager"
        return self._list(actor, read_colleague_form({}), problem=problem, status=409)

    def _done(self, what: str) -> Response[str]:
        return see_other(f"{LIST_PATH}?{urlencode({DONE: what, 'lang': self._request.language()})}")

    def _list(
        self, actor: Actor, form: ColleagueForm, *, status: int = 200, done: str = "", problem: str = ""
    ) -> Response[str]:
        team = self._colleagues.team(actor)
        people = [(s, self._colleagues.key(s), s.email in team.managers) for s in team.enterprise.subscribers]
        return space_page(
            "pages/space/colleagues.html",
            self._request.language(),
            Viewer.of(actor),
            sender=self._spaces.sender,
            here=LIST_PATH,
            status=status,
            team=team,
            people=people,
            form=form,
            field_errors={e.field: e for e in form.errors},
            languages=LANGUAGES,
            frequencies=FREQUENCIES,
            paths={"invite": INVITE_PATH, "change": CHANGE_PATH, "remove": REMOVE_PATH},
            person_field=PERSON,
            version_field=VERSION,
            done=done,
            problem=problem,
        )


def colleague_router(colleagues: Colleagues, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = ColleaguePages(colleagues, spaces, RequestReader(router), spaces.access(router))
    add_pages(router, ["Enterprises' space: colleagues"], _pages(pages))
    return router


def _pages(pages: ColleaguePages) -> list[Page]:
    guarded: dict[int, OpenAPIResponse] = {
        303: redirect("Done: to the list (or, not signed in in this role: to the sign-in page)"),
        403: html("Another role's session, or no anti-forgery token"),
    }
    text = {"type": "string"}
    person = {"type": "object", "properties": {PERSON: text, VERSION: text, CSRF_FIELD: text}}
    changed = {
        "type": "object",
        "properties": {
            **person["properties"],  # type: ignore[dict-item]
            "language": {"enum": list(LANGUAGES)},
            "frequency": {"enum": list(FREQUENCIES)},
            "manages": {"enum": ["1"]},
        },
    }
    invited = {"type": "object", "properties": {**{n: text for n in FORM_FIELDS}, CSRF_FIELD: text}}
    token = {"type": "object", "required": [TOKEN_FIELD], "properties": {TOKEN_FIELD: text}}
    refused = html("Someone changed the enterprise meanwhile, or nobody would manage the space: nothing changed")
    invalid = html("The link is not valid, expired, or its enterprise is no more: nothing done")
    return [
        Page(
            "GET",
            LIST_PATH,
            pages.list,
            "Who receives the alerts and manages the space",
            {200: html("The people"), **guarded},
        ),
        Page(
            "POST",
            INVITE_PATH,
            pages.invite,
            "Ask for a colleague: they are e-mailed a confirmation link",
            {422: html("The form's errors beside its fields"), 429: html("Today's limit reached"), **guarded},
            form=invited,
        ),
        Page(
            "POST",
            CHANGE_PATH,
            pages.change,
            "Change a person's language, frequency, role",
            {409: refused, **guarded},
            form=changed,
        ),
        Page("POST", REMOVE_PATH, pages.remove, "Remove a person", {409: refused, **guarded}, form=person),
        Page(
            "GET",
            CONFIRM_PATH,
            pages.confirmation,
            "The page a colleague's confirmation link opens: a button confirms (a GET changes nothing)",
            {200: html("The enterprise, the consent, the button"), 400: invalid},
            (query(TOKEN_FIELD, "The token of the link e-mailed to the colleague", required=True), LANG),
        ),
        Page(
            "POST",
            CONFIRM_PATH,
            pages.confirm,
            "Confirm: subscribed, once",
            {200: html("Subscribed"), 400: invalid},
            form=token,
        ),
    ]
