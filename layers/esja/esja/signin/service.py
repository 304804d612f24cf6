"""Sign-in: ask for a link, open the link's page, press its button to open a session.

The answer to « send me a link » is the same page, with the same status, in about the same time whether
or not the address is known (and whether or not the address asked too often): nothing tells an outsider
who is registered. Both paths are padded to a floor (`Pace`) long enough to cover sending the e-mail.
A known address — one that holds a role (esja.people.roles) — receives a link valid 15 minutes and for
one use; asking again replaces it. Opening the link only shows a page (mail scanners open links); its
button's POST spends the link and opens the session, in one conditional write.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from esja.audit.log import Audit, Item
from esja.config import SenderIdentity
from esja.emails import InvalidAddress, Sender, checked_address
from esja.errors import REFUSED
from esja.people.keys import AddressKeys
from esja.people.roles import Roles
from esja.pledges.service import RateLimits
from esja.signin.email import compose_sign_in
from esja.signin.links import LINK_LIFETIME, SignInUrls, digest_of_token, new_secret, own_path
from esja.signin.model import Chosen, Session, SignInLink

logger = logging.getLogger(__name__)

# A person who lost the e-mail asks again; a few times an hour is plenty, and caps what anyone can send to
# an inbox through us. A network (an office, a provider's block) may hold many people: more there.
PER_ADDRESS_LIMIT, PER_ADDRESS_WINDOW = 5, timedelta(hours=1)
PER_NETWORK_LIMIT, PER_NETWORK_WINDOW = 30, timedelta(hours=1)


class SessionStore(Protocol):
    def put_link(self, link: SignInLink) -> None:
        """Keep the link; the person's previous link no longer opens."""
        ...

    def link(self, digest: str) -> SignInLink | None:
        """The link, while it is the person's latest and not spent (expired ones too: the caller decides)."""
        ...

    def open_session(self, link: SignInLink, session: Session) -> bool:
        """Spend the link and open the session, atomically; False if the link was spent or replaced."""
        ...

    def session(self, key: str) -> Session | None: ...
    def touch(self, session: Session, now: datetime) -> None:
        """Record the session's latest request (its idle timeout runs from there)."""
        ...

    def choose(self, key: str, chosen: Chosen) -> None: ...
    def sessions_of(self, address_key: str) -> list[Session]: ...
    def end(self, key: str, now: datetime) -> bool:
        """End the session (True), or False when it already was."""
        ...


class Asked(StrEnum):
    SENT = "sent"  # also for an unknown address, and one that asked too often: nothing tells them apart
    INVALID = "invalid"  # not an address: the form again, with the error
    RATE_LIMITED = "rate-limited"  # too many from this network: about the network, not the address


@dataclass(frozen=True, slots=True)
class Pace:
    """Pads what it wraps to `floor` seconds: measured on `monotonic`, waited with `sleep` (tests inject both)."""

    floor: float  # Settings.sign_in_floor_seconds
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    @contextmanager
    def padded(self) -> Iterator[None]:
        started = self.monotonic()
        try:
            yield
        finally:
            left = self.floor - (self.monotonic() - started)
            if left > 0:
                self.sleep(left)


@dataclass(frozen=True, slots=True)
class Opened:
    session_id: str = field(repr=False)  # for the cookie; the store keeps only its digest
    session: Session
    next_path: str  # where the person was going when asked to sign in ("" = the space's home)


class SignIn:
    def __init__(
        self,
        *,
        roles: Roles,
        sessions: SessionStore,
        rate_limits: RateLimits,
        mailer: Sender,
        sender: SenderIdentity,
        urls: SignInUrls,
        address_keys: AddressKeys,
        audit: Audit,
        clock: Callable[[], datetime],
        pace: Pace,
    ) -> None:
        self._roles = roles
        self._sessions = sessions
        self._limits = rate_limits
        self._mailer = mailer
        self._sender = sender
        self._urls = urls
        self._keys = address_keys
        self._audit = audit
        self._clock = clock
        self._pace = pace

    def ask(self, email: str, *, language: str, network: str, next_path: str = "") -> Asked:
        """Send a link if the address holds a role; the same answer, in the same time, either way."""
        try:
            address = checked_address(email.strip())
        except InvalidAddress:
            return Asked.INVALID
        with self._pace.padded():
            now = self._clock()
            by_network = f"signin-network#{self._keys.opaque(network)}"  # no address in the table in clear
            if not self._limits.hit(by_network, PER_NETWORK_LIMIT, PER_NETWORK_WINDOW, now):
                return Asked.RATE_LIMITED
            key = self._keys(address)
            if self._limits.hit(f"signin-address#{key}", PER_ADDRESS_LIMIT, PER_ADDRESS_WINDOW, now) and (
                self._roles.of(key)
            ):
                self._send_link(address, key, language, own_path(next_path), now)
        return Asked.SENT

    def link(self, token: str) -> SignInLink | None:
        """The link a token opens, while it is good: the latest asked for, unspent, not expired."""
        found = digest_of_token(token)
        link = self._sessions.link(found) if found else None
        return link if link is not None and self._clock() < link.expires_at else None

    def open(self, token: str, *, network: str) -> Opened | None:
        """Spend the link and open a session holding the person's roles (chosen at once when one)."""
        link = self.link(token)
        if link is None:
            return None
        grants = self._roles.of(link.address_key)
        if not grants:  # the role went between the e-mail and the click
            return None
        now = self._clock()
        session_id, key = new_secret()
        only = grants[0] if len(grants) == 1 else None
        session = Session(
            key=key,
            address_key=link.address_key,
            grants=grants,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            language=link.language,
            network=network,
            chosen=Chosen(only.role, only.item_id) if only else None,
        )
        if not self._sessions.open_session(link, session):
            return None
        self._audit.record_person(link.address_key, network, "session.open", Item("session", key[:16]))
        return Opened(session_id, session, link.next_path)

    def _send_link(self, address: str, key: str, language: str, next_path: str, now: datetime) -> None:
        secret, digest = new_secret()
        link = SignInLink(digest, key, language, next_path, now, now + LINK_LIFETIME)
        self._sessions.put_link(link)
        email = compose_sign_in(address, self._urls.link(secret, language), link, self._sender)
        try:
            self._mailer.send(email)
        except REFUSED:
            # SES refused or paused: the page answers as for anyone (an error here would tell the address
            # is known); the person asks again.
            logger.warning("sign-in e-mail refused by SES")
