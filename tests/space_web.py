"""The spaces on moto, through the web function's real handler: the demo's people (local.world), a person who
signs in through the real pages (the link read from the e-mail moto's SES accepted), and sessions opened
straight in the store — « another person's session » — for the tests of every route.

    web = SpaceWeb(aws)
    julie = web.sign_in(ENTERPRISE.email)                 # the whole flow: form, e-mail, link, button
    cesim = web.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim")   # fast: straight in the Sessions table
    assert julie.get("/organisation/")["statusCode"] == 403
    assert cesim.post("/organisation/sessions", {"email": "…"}, token=julie.form_token)["statusCode"] == 403
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from esja.people.roles import Role, Roles
from esja.pledges.model import Pledge
from esja.signin.links import CSRF_FIELD, digest, new_secret
from esja.signin.model import Chosen, Session, SignInLink
from esja.store.audit_log import AuditLogStore
from esja.store.colleagues import ColleagueStore
from esja.store.enterprises import EnterpriseStore
from esja.store.organizers import OrganizerStore
from esja.store.pledges import PledgeStore
from esja.store.sessions import SessionStore
from local.outbox import sent_emails
from local.runtime import LocalAws
from local.world import COACH, ENTERPRISE, KEYS, ORGANIZER, SIGNATORY, people_of_the_spaces
from tests.pledge_builders import BASE_URL, Fields, WebClient, main_of

Answer = dict[str, Any]
COOKIE = "esja_session"  # on http://127.0.0.1 (make serve): the relaxed name, without __Host-
LINK = re.compile(r"https?://[^/\s]+(/connexion/lien\?\S+)")


@dataclass
class Visitor:
    """A browser holding (or not) a session cookie."""

    web: SpaceWeb
    session_id: str = ""
    form_token: str = ""

    def get(self, target: str, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
        return self.web.get(target, {**self._cookie(), **(headers or {})})

    def post(self, target: str, fields: Fields | None = None, *, token: str | None = None) -> dict[str, Any]:
        """A form of the space posted with this session's anti-forgery token (or `token`; "" sends none)."""
        sent = token if token is not None else self.form_token
        form = {**(fields or {}), **({CSRF_FIELD: sent} if sent else {})}
        return self.web.post(target, form, self._cookie())

    def upload(
        self,
        target: str,
        files: Mapping[str, tuple[str, bytes]],
        fields: Fields | None = None,
        *,
        token: str | None = None,
    ) -> dict[str, Any]:
        """A form with files (name → (filename, content)) posted as a browser does: multipart/form-data."""
        sent = token if token is not None else self.form_token
        form = {**(fields or {}), **({CSRF_FIELD: sent} if sent else {})}
        body, content_type = multipart_body(form, files)
        headers = {"content-type": content_type, "origin": BASE_URL, **self._cookie()}
        return self.web.send("POST", target, body, headers)

    def _cookie(self) -> dict[str, str]:
        return {"cookie": f"{COOKIE}={self.session_id}"} if self.session_id else {}


class SpaceWeb(WebClient):
    def __init__(self, aws: LocalAws, *, people: bool = True) -> None:
        super().__init__(aws)
        self.env["SIGN_IN_FLOOR_SECONDS"] = "0"  # the padding is the use case's, tested on fakes
        if people:
            people_of_the_spaces(aws)
        dynamodb, names = aws.client("dynamodb"), aws.resources.names
        self.sessions = SessionStore(names["SessionsTable"], dynamodb)
        self.audit = AuditLogStore(names["AuditTable"], dynamodb)
        self.pledge_store = PledgeStore(names["PledgesTable"], dynamodb)
        self.enterprises = EnterpriseStore(names["EnterprisesTable"], dynamodb, address_keys=KEYS)
        self.roles = Roles(
            organizers=OrganizerStore(names["OrganizersTable"], dynamodb),
            enterprises=self.enterprises,
            pledges=self.pledge_store,
            colleagues=ColleagueStore(names["SignatoriesTable"], dynamodb),
            address_keys=KEYS,
            clock=lambda: datetime.now(UTC),
        )

    def ask(
        self, email: str, *, lang: str = "fr", next_path: str = "", source_ip: str = "192.0.2.10"
    ) -> dict[str, Any]:
        return self.post(
            f"/connexion?lang={lang}", {"email": email, "language": lang, "suite": next_path}, source_ip=source_ip
        )

    def latest_link(self, email: str) -> str:
        """The path and query of the last sign-in link e-mailed to `email`."""
        sent = [e for e in sent_emails() if e.to and e.to[0] == email and "/connexion/lien" in e.part("text/plain")]
        assert sent, f"no sign-in e-mail to {email}"
        found = LINK.search(sent[-1].part("text/plain"))
        assert found
        return found[1]

    def open_link(self, link: str) -> dict[str, Any]:
        """Open the e-mailed link and press its button: the answer sets the session's cookie."""
        shown = self.get(link)
        token = re.search(r'name="jeton" value="([^"]+)"', shown["body"])
        assert shown["statusCode"] == 200 and token, shown["statusCode"]
        return self.post("/connexion/lien?lang=fr", {"jeton": token[1]})

    def sign_in(self, email: str, *, next_path: str = "") -> Visitor:
        """The whole flow, as a person: the form, the e-mail, its link, the button."""
        assert self.ask(email, next_path=next_path)["statusCode"] == 303
        opened = self.open_link(self.latest_link(email))
        assert opened["statusCode"] == 303, opened["statusCode"]
        return self.visitor(opened)

    def visitor(self, answer: dict[str, Any]) -> Visitor:
        """The browser after an answer that set the session's cookie."""
        [cookie] = [c for c in answer.get("cookies", []) if c.startswith(f"{COOKIE}=")]
        session_id = cookie.split(";")[0].split("=", 1)[1]
        key = digest(session_id)
        session = self.sessions.session(key)
        assert session is not None
        return Visitor(self, session_id, session.csrf_token)

    def session_for(
        self, email: str, role: Role | None = None, item_id: str = "", *, age: timedelta = timedelta()
    ) -> Visitor:
        """A session opened straight in the Sessions table, `age` ago, acting as `role` for `item_id`."""
        key = KEYS(email)
        now = datetime.now(UTC) - age
        session_id, secret_digest = new_secret()
        grants = self.roles.of(key)
        chosen = Chosen(role, item_id) if role else None
        session = Session(secret_digest, key, grants, secrets.token_urlsafe(32), now, now, "fr", "192.0.2.0/24", chosen)
        link = SignInLink(secrets.token_hex(32), key, "fr", "", now, now + timedelta(minutes=15))
        self.sessions.put_link(link)
        assert self.sessions.open_session(link, session)
        return Visitor(self, session_id, session.csrf_token)

    def console_people(self) -> dict[str, Visitor]:
        """The world's two regions' organizers (esbsl, cesim), an enterprise's manager and the verified signatory,
        each in a session of their own: who may and who may not act in a region of the console."""
        [pledge_id] = self.pledge_store.of_person(KEYS(SIGNATORY.email))
        return {
            "esbsl": self.session_for(COACH.email, Role.ORGANIZER, "esbsl"),
            "cesim": self.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim"),
            "enterprise": self.session_for(ENTERPRISE.email, Role.ENTERPRISE, "ateliers-mon-choix"),
            "signatory": self.session_for(SIGNATORY.email, Role.SIGNATORY, pledge_id),
        }

    def sign_pledge(self, email: str, institution: str = "Ville de Rimouski") -> Pledge:
        """A pledge signed through the public form and confirmed from the e-mailed link, as a person does."""
        before = len(sent_emails())
        assert self.submit(email=email, institution_name=institution, source_ip="198.51.100.77")["statusCode"] == 303
        [confirmation] = [e for e in sent_emails()[before:] if e.to[0] == email]
        link = re.search(r"https?://[^/\s]+(/engagement/confirmation\?\S+)", confirmation.part("text/plain"))
        assert link
        token = re.search(r'name="jeton" value="([^"]+)"', self.get(link[1])["body"])
        assert token and self.post("/engagement/confirmation?lang=fr", {"jeton": token[1]})["statusCode"] == 200
        [pledge] = [p for p in self.pledge_store.everything(datetime.now(UTC)) if p.details.email == email]
        return pledge

    def audit_actions(self) -> list[str]:
        now = datetime.now(UTC)
        return [r.action for r in reversed(self.audit.between(now - timedelta(days=1), now + timedelta(minutes=1)))]


def multipart_body(fields: Fields, files: Mapping[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """The body and content type a browser sends for a form with files (RFC 7578)."""
    boundary = f"----esja{secrets.token_hex(8)}"
    parts = []
    for name, values in fields.items():
        for value in [values] if isinstance(values, str) else values:
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(head.encode() + value.encode() + b"\r\n")
    for name, (filename, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def main_text(answer: dict[str, Any]) -> str:
    """The page's content as a reader sees its words, from <main> on (entities decoded, non-breaking spaces —
    the typography's, narrow or not — as spaces)."""
    return spaced(main_of(answer))


def main_words(answer: dict[str, Any]) -> str:
    """The words of the page's content alone, as read aloud: no tags, entities decoded, one space between."""
    body: str = answer["body"]
    return " ".join(
        spaced(html.unescape(re.sub(r"<[^>]+>", " ", body[body.index("<main") : body.index("</main>")]))).split()
    )


def spaced(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def location(answer: dict[str, Any]) -> str:
    """Where a 303 sends the browser: its path and query."""
    parts = urlsplit(answer["headers"]["Location"])
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
