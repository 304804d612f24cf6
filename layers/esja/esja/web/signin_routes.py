"""Sign-in, role choice, sign-out and one's sessions (use cases: esja.signin).

/connexion answers « check your e-mail » whatever the address; the e-mailed link opens a page whose
button opens the session (a GET never does). Every POST once signed in carries the session's
anti-forgery token (esja.web.session).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja import l10n
from esja.signin.links import (
    CSRF_FIELD,
    END_OTHERS_PATH,
    LINK_LIFETIME,
    LINK_PATH,
    NEXT_FIELD,
    ROLE_FIELD,
    ROLE_PATH,
    SENT_PATH,
    SESSIONS_PATH,
    SIGN_IN_PATH,
    SIGN_OUT_PATH,
    SPACE_HOMES,
    TOKEN_FIELD,
    own_path,
    with_next,
)
from esja.signin.model import ABSOLUTE_LIFETIME, IDLE_TIMEOUT
from esja.signin.service import Asked, SignIn
from esja.web.forms import single
from esja.web.openapi import LANG, Page, add_pages, html, query, redirect
from esja.web.pages import error_page, page
from esja.web.requests import RequestReader
from esja.web.session import Refused, SpaceAccess, Spaces, see_other
from esja.web.space_pages import Viewer, space_page

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

TAGS = ["Sign-in"]
PATHS = {"sign_in": SIGN_IN_PATH, "link": LINK_PATH, "role": ROLE_PATH, "end_others": END_OTHERS_PATH}
MINUTES = int(LINK_LIFETIME.total_seconds() // 60)
NEXT = query(NEXT_FIELD, "A path of this site to come back to once signed in (others are ignored)")
TOKEN = query(TOKEN_FIELD, "The token of the e-mailed sign-in link", required=True)
SIGNED_OUT = "fermee"  # /connexion?etat=fermee: « you are signed out »


@dataclass(frozen=True, slots=True)
class SignInPages:
    _signin: SignIn
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def form(self) -> Response[str]:
        notice = "signin.notice.ended" if self._request.query("etat") == SIGNED_OUT else ""
        return self._form(self._request.language(), next_path=self._request.query(NEXT_FIELD), notice=notice)

    def ask(self) -> Response[str]:
        fields = self._request.form()
        lang = l10n.language(single(fields, "language") or self._request.language())
        email, next_path = single(fields, "email"), single(fields, NEXT_FIELD)
        asked = self._signin.ask(email, language=lang, network=self._access.network(), next_path=next_path)
        if asked is Asked.INVALID:
            return self._form(lang, email=email[:254], next_path=next_path, error=True, status=422)
        if asked is Asked.RATE_LIMITED:
            return error_page(lang, 429, "signin.error.rate_limited", sender=self._spaces.sender)
        return see_other(f"{SENT_PATH}?lang={lang}")  # Post/Redirect/Get: a reload sends no second link

    def sent(self) -> Response[str]:
        return self._page("pages/signin/sent.html", self._request.language())

    def link(self) -> Response[str]:
        lang, token = self._request.language(), self._request.query(TOKEN_FIELD)
        if self._signin.link(token) is None:
            return self._page("pages/signin/link_invalid.html", lang, status=400)
        return self._page("pages/signin/link.html", lang, token=token, token_field=TOKEN_FIELD)

    def open(self) -> Response[str]:
        token = single(self._request.form(), TOKEN_FIELD)
        opened = self._signin.open(token, network=self._access.network())
        if opened is None:
            return self._page("pages/signin/link_invalid.html", self._request.language(), status=400)
        chosen = opened.session.chosen
        location = (own_path(opened.next_path) or SPACE_HOMES[chosen.role]) if chosen else None
        cookie = self._spaces.cookie.opened(opened.session_id)
        return see_other(location or with_next(ROLE_PATH, opened.next_path), cookie)

    def roles(self) -> Response[str]:
        session = self._access.require_session()
        next_path = own_path(self._request.query(NEXT_FIELD))
        return self._space("pages/signin/role.html", Viewer.of_session(session), grants=session.grants, next=next_path)

    def choose(self) -> Response[str]:
        session = self._access.require_session()
        fields = self._request.form()
        role, _, item_id = single(fields, ROLE_FIELD).partition(":")
        grant = self._spaces.sessions.choose(session, role, item_id)
        if grant is None:
            raise Refused(403, "space.error.not_allowed")
        return see_other(own_path(single(fields, NEXT_FIELD)) or SPACE_HOMES[grant.role])

    def sign_out(self) -> Response[str]:
        session = self._access.require_session()
        self._spaces.sessions.end(session, network=self._access.network())
        lang = self._request.language()
        return see_other(f"{SIGN_IN_PATH}?etat={SIGNED_OUT}&lang={lang}", self._spaces.cookie.cleared())

    def sessions(self) -> Response[str]:
        session = self._access.require_session()
        ended = self._request.query("fermees")
        return self._space(
            "pages/space/sessions.html",
            Viewer.of_session(session),
            sessions=self._spaces.sessions.open_sessions(session),
            ended=int(ended) if ended.isdigit() and len(ended) < 4 else None,
            idle_minutes=int(IDLE_TIMEOUT.total_seconds() // 60),
            absolute_hours=int(ABSOLUTE_LIFETIME.total_seconds() // 3600),
        )

    def end_others(self) -> Response[str]:
        session = self._access.require_session()
        ended = self._spaces.sessions.end_others(session, network=self._access.network())
        return see_other(f"{SESSIONS_PATH}?fermees={ended}")

    def _form(
        self,
        lang: str,
        *,
        email: str = "",
        next_path: str = "",
        error: bool = False,
        notice: str = "",
        status: int = 200,
    ) -> Response[str]:
        wanted = own_path(next_path)
        context = {"email": email, "next": wanted, "next_field": NEXT_FIELD, "error": error, "notice": notice}
        return self._page("pages/signin/form.html", lang, status=status, **context)

    def _page(self, template: str, lang: str, *, status: int = 200, **context: Any) -> Response[str]:
        context |= {"paths": PATHS, "minutes": MINUTES}
        return page(template, lang, sender=self._spaces.sender, status=status, **context)

    def _space(self, template: str, viewer: Viewer, **context: Any) -> Response[str]:
        lang = self._request.language()
        context |= {"paths": PATHS, "role_field": ROLE_FIELD, "next_field": NEXT_FIELD}
        return space_page(
            template, lang, viewer, sender=self._spaces.sender, here=self._request.app.current_event.path, **context
        )


def signin_router(signin: SignIn, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = SignInPages(signin, spaces, RequestReader(router), spaces.access(router))
    add_pages(router, TAGS, [*_signing_in(pages), *_signed_in(pages)])
    return router


def _signing_in(pages: SignInPages) -> list[Page]:
    invalid = html("The link is not valid: spent, replaced by a newer one, or older than 15 minutes")
    asked = {"email": {"type": "string", "format": "email", "maxLength": 254}, "language": {"enum": ["fr", "en"]}}
    return [
        Page(
            "GET",
            SIGN_IN_PATH,
            pages.form,
            "The sign-in page: an address, a language",
            {200: html("The form")},
            (NEXT, LANG),
        ),
        Page(
            "POST",
            SIGN_IN_PATH,
            pages.ask,
            "Ask for a sign-in link: sent if the address holds a role; the same answer either way",
            {
                303: redirect(f"« Check your e-mail » ({SENT_PATH}), known address or not"),
                422: html("Not an e-mail address: the form again, with the error"),
                429: html("Too many requests from this network"),
            },
            form=_schema({**asked, NEXT_FIELD: {"type": "string"}}, ["email"]),
        ),
        Page(
            "GET",
            SENT_PATH,
            pages.sent,
            "Check your e-mail",
            {200: html("The link is on its way, if the address is known")},
        ),
        Page(
            "GET",
            LINK_PATH,
            pages.link,
            "The page the e-mailed link opens: a button opens the session (a GET opens nothing)",
            {200: html("The button"), 400: invalid},
            (TOKEN, LANG),
        ),
        Page(
            "POST",
            LINK_PATH,
            pages.open,
            "Open the session (the link is spent) and set its cookie",
            {303: redirect("To the page asked for, the space's home, or the role chooser"), 400: invalid},
            form=_schema({TOKEN_FIELD: {"type": "string"}}, [TOKEN_FIELD]),
        ),
    ]


def _signed_in(pages: SignInPages) -> list[Page]:
    signed: dict[int, OpenAPIResponse] = {
        303: redirect("Where to go next; not signed in: to the sign-in page"),
        403: html("Without this session's anti-forgery token: nothing done"),
    }
    token = {CSRF_FIELD: {"type": "string", "description": "The session's anti-forgery token"}}
    choice = {ROLE_FIELD: {"type": "string", "description": "role:item id"}, NEXT_FIELD: {"type": "string"}}
    return [
        Page(
            "GET",
            ROLE_PATH,
            pages.roles,
            "Choose the space to work in",
            {200: html("The roles"), **signed},
            (NEXT, LANG),
        ),
        Page("POST", ROLE_PATH, pages.choose, "Act in a role", signed, form=_schema({**token, **choice}, [ROLE_FIELD])),
        Page("POST", SIGN_OUT_PATH, pages.sign_out, "Sign out: the session ends", signed, form=_schema(token, [])),
        Page("GET", SESSIONS_PATH, pages.sessions, "The person's open sessions", {200: html("The sessions"), **signed}),
        Page(
            "POST",
            END_OTHERS_PATH,
            pages.end_others,
            "End the person's other sessions",
            signed,
            form=_schema(token, []),
        ),
    ]


def _schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}
