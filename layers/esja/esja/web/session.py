"""Who is signed in: the session cookie, and the one way a page of a space gets its Actor.

    actor = self._access.require(Role.ORGANIZER)          # in a route of the organizers' console

returns the Actor — the session's role re-checked against the stores on this request — or raises what the
app answers (esja.web.app): no open session → 303 to /connexion?suite=<this page>, back here once signed
in; the person holds the role but the session acts in another → 303 to the role chooser; they do not
hold it (or no longer) → 403; a POST without this session's anti-forgery token (`jeton_formulaire`) → 403,
nothing done. The same-origin check of every POST (esja.web.security) comes on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from esja.config import SenderIdentity
from esja.people.actor import Actor
from esja.people.network import network_of
from esja.people.roles import Role
from esja.signin.links import CSRF_FIELD, ROLE_PATH, SIGN_IN_PATH, with_next
from esja.signin.model import Session
from esja.signin.sessions import ChooseRole, Sessions
from esja.web.requests import RequestReader

SESSION_COOKIE = "__Host-esja_session"


class Redirect(Exception):
    """Answered 303 See Other to `location` (esja.web.app)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


class Refused(Exception):
    """Answered with the error page: `status` and the wording `message_key` (esja.web.app)."""

    def __init__(self, status: int, message_key: str) -> None:
        super().__init__(message_key)
        self.status = status
        self.message_key = message_key


@dataclass(frozen=True, slots=True)
class SessionCookie:
    """The cookie naming a session: `__Host-` (only this host, path /, Secure), HttpOnly, SameSite=Lax, and no
    Max-Age: it ends with the browser, the session itself ends on the server (esja.signin.model)."""

    name: str = SESSION_COOKIE
    secure: bool = True

    @classmethod
    def for_site(cls, public_base_url: str) -> SessionCookie:
        # The one relaxation, for `make serve` only: a browser refuses `Secure` and `__Host-` cookies from
        # http://, so on http://127.0.0.1 or http://localhost the cookie is plain `esja_session`, not Secure.
        # Any other address keeps both (PUBLIC_BASE_URL is https:// wherever ESJA is deployed).
        site = urlsplit(public_base_url)
        if site.scheme == "http" and site.hostname in ("127.0.0.1", "localhost"):
            return cls(name=SESSION_COOKIE.removeprefix("__Host-"), secure=False)
        return cls()

    def opened(self, session_id: str) -> Cookie:
        return Cookie(self.name, session_id, path="/", secure=self.secure, http_only=True, same_site=SameSite.LAX_MODE)

    def cleared(self) -> Cookie:
        return Cookie(
            self.name, "", path="/", secure=self.secure, http_only=True, same_site=SameSite.LAX_MODE, max_age=0
        )

    def read(self, cookies: list[str] | None) -> str:
        for cookie in cookies or []:
            name, _, value = cookie.partition("=")
            if name.strip() == self.name:
                return value.strip()
        return ""


class SpaceAccess:
    """One per router: reads the request that router serves."""

    def __init__(self, sessions: Sessions, cookie: SessionCookie, request: RequestReader) -> None:
        self._sessions = sessions
        self._cookie = cookie
        self._request = request

    def require(self, role: Role) -> Actor:
        session = self.require_session()
        try:
            actor = self._sessions.actor(session, role, network=self.network())
        except ChooseRole:
            raise Redirect(with_next(ROLE_PATH, self._here(), lang=self._request.language())) from None
        return actor

    def require_session(self) -> Session:
        """The open session (any role): the account's pages. A POST must carry its anti-forgery token."""
        session = self.session()
        if session is None:
            raise Redirect(with_next(SIGN_IN_PATH, self._here(), lang=self._request.language()))
        if self._request.app.current_event.request_context.http.method == "POST":
            sent = self._request.form().get(CSRF_FIELD, [])
            if len(sent) != 1 or not self._sessions.genuine(session, sent[0]):
                raise Refused(403, "space.error.forged")
        return session

    def session(self) -> Session | None:
        session_id = self._cookie.read(self._request.app.current_event.cookies)
        return self._sessions.resume(session_id) if session_id else None

    def network(self) -> str:
        return network_of(self._request.app.current_event.request_context.http.source_ip)

    def _here(self) -> str:
        """This page, to come back to after signing in. For a POST, the page its form was on (the Referer, which
        our Referrer-Policy sends to our own pages; none: the space's home): a POST's own path may have no page
        (/compte/sessions/fermer-les-autres, …/export) and would come back to a 405."""
        event = self._request.app.current_event
        if event.request_context.http.method == "POST":
            headers = {k.lower(): v for k, v in (event.headers or {}).items()}
            page = urlsplit(headers.get("referer", ""))
            path, query = page.path, parse_qsl(page.query)
        else:
            path, query = event.path, list((event.query_string_parameters or {}).items())
        kept = [(name, value) for name, value in query if name != "lang"]
        return f"{path}?{urlencode(kept)}" if kept else path


@dataclass(frozen=True, slots=True)
class Spaces:
    """What every router of the spaces shares: the sessions, their cookie, who runs the site."""

    sessions: Sessions
    cookie: SessionCookie
    sender: SenderIdentity

    def access(self, router: Router, request: RequestReader | None = None) -> SpaceAccess:
        """`request`: the router's own reader, when its pages take a file (the token comes in its form)."""
        return SpaceAccess(self.sessions, self.cookie, request or RequestReader(router))


def see_other(location: str, *cookies: Cookie) -> Response[str]:
    return Response(303, headers={"Location": location}, cookies=list(cookies))
