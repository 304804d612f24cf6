"""The colleagues who may use a signatory's space: added by the pledge's signer, each confirmed by e-mail.

A colleague's address gets a link, as the pledge's signer once did: single use, valid CONFIRMATION_LIFETIME,
only its secret's SHA-256 stored (esja.pledges.links). Once its button is pressed, the colleague is a
signatory of the same institution for the space — the role lookup (esja.people.roles) reads the confirmed
colleagues beside the pledges — until removed, or until the pledge is withdrawn or no longer verified.
Removing a colleague erases the address at once and ends the colleague's open sessions.

Only the pledge's own signer adds and removes colleagues (a colleague cannot add another); each change is
written to the audit log without the address (its keyed hash only, as every record names a person).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol
from urllib.parse import urlencode

from esja.audit.log import Audit, Item
from esja.config import SenderIdentity
from esja.emails import Email, InvalidAddress, Sender, checked_address
from esja.errors import Rejected
from esja.people.actor import Actor, NotAllowed
from esja.people.keys import AddressKeys
from esja.pledges.form import MAX_LENGTH, clean
from esja.pledges.links import CONFIRMATION_LIFETIME, TOKEN_FIELD, digest, new_confirmation_token
from esja.pledges.model import Pledge
from esja.rendering import render, wording
from esja.signatory_space.acting import PledgeLookup, acting_pledge, signed_pledge
from esja.signin.service import SessionStore

MAX_COLLEAGUES = 10  # per pledge: the people of a purchasing office, not a mailing list
INVITES_PER_DAY = 10  # per pledge: each one e-mails an address typed into the form
# An invitation not confirmed in time is forgotten with its address: the table's TTL, as unconfirmed pledges.
PENDING_RETENTION = CONFIRMATION_LIFETIME + timedelta(days=30)


class ColleagueState(StrEnum):
    PENDING = "pending"  # the link is out, not followed yet
    CONFIRMED = "confirmed"


@dataclass(frozen=True, slots=True)
class Colleague:
    pledge_id: str
    address_key: str = field(repr=False)
    email: str = field(repr=False)
    language: str
    invited_at: datetime
    state: ColleagueState = ColleagueState.PENDING
    confirmed_at: datetime | None = None
    # Pending only: the SHA-256 of the link's secret (never the secret), and its deadline.
    token_digest: str | None = field(default=None, repr=False)
    token_expires_at: datetime | None = None

    @property
    def confirmed(self) -> bool:
        return self.state is ColleagueState.CONFIRMED


class ColleagueBook(Protocol):
    def colleagues_of(self, pledge_id: str) -> list[Colleague]:
        """The pledge's colleagues, pending and confirmed (strongly consistent)."""
        ...

    def invite(self, colleague: Colleague, purge_at: datetime) -> bool:
        """Stored pending (a new link replaces an earlier pending one); False when already confirmed."""
        ...

    def pending(self, pledge_id: str, token_digest: str) -> Colleague | None: ...

    def confirm(self, colleague: Colleague, at: datetime) -> Colleague | None:
        """Pending → confirmed, only with its digest and before its deadline (the link spent); else None."""
        ...

    def remove(self, pledge_id: str, address_key: str, at: datetime) -> Colleague | None:
        """The colleague as it was, its address erased; None when there was none."""
        ...


class RateLimits(Protocol):
    def hit(self, key: str, limit: int, window: timedelta, now: datetime) -> bool: ...


class Added(StrEnum):
    SENT = "sent"
    INVALID = "invalid"  # not an address
    YOURSELF = "yourself"
    ALREADY = "already"  # a confirmed colleague already
    TOO_MANY = "too-many"
    RATE_LIMITED = "rate-limited"


CONFIRM_PATH = "/signataire/collegue"
# The link's token: `<pledge id>.<secret>`, as a pledge's confirmation link (esja.pledges.links).
_LINK_TOKEN = re.compile(r"(?P<pledge>[0-9A-Za-z-]{1,64})\.(?P<secret>[A-Za-z0-9_-]{43})")


@dataclass(frozen=True, slots=True)
class ColleagueLinks:
    """The colleague's confirmation page (a GET shows its button; the POST confirms)."""

    base_url: str

    def confirm(self, token: str, lang: str) -> str:
        return f"{self.base_url.rstrip('/')}{CONFIRM_PATH}?{urlencode({TOKEN_FIELD: token, 'lang': lang})}"


class Colleagues:
    def __init__(
        self,
        *,
        pledges: PledgeLookup,
        colleagues: ColleagueBook,
        sessions: SessionStore,
        rate_limits: RateLimits,
        mailer: Sender,
        sender: SenderIdentity,
        links: ColleagueLinks,
        address_keys: AddressKeys,
        audit: Audit,
        clock: Callable[[], datetime],
    ) -> None:
        self._pledges = pledges
        self._colleagues = colleagues
        self._sessions = sessions
        self._limits = rate_limits
        self._mailer = mailer
        self._sender = sender
        self._links = links
        self._keys = address_keys
        self._audit = audit
        self._clock = clock

    def of(self, actor: Actor) -> list[Colleague]:
        """The pledge's colleagues (its signer and its colleagues see them)."""
        pledge = acting_pledge(actor, self._pledges, self._clock())
        return sorted(self._colleagues.colleagues_of(pledge.id), key=lambda c: (c.invited_at, c.email))

    def add(self, actor: Actor, fields: Mapping[str, Sequence[str]], *, lang: str) -> tuple[Added, str]:
        """(what happened, the address as typed, to show again). Only the pledge's signer adds colleagues."""
        pledge = self.own_pledge(actor)
        sent = fields.get("email", ())
        typed = clean(sent[0])[: MAX_LENGTH["email"] + 1] if len(sent) == 1 else ""
        try:
            email = checked_address(typed) if len(typed) <= MAX_LENGTH["email"] else ""
        except InvalidAddress:
            email = ""
        if not email:
            return Added.INVALID, typed
        key = self._keys(email)
        if key == actor.address_key:
            return Added.YOURSELF, typed
        known = {c.address_key: c for c in self._colleagues.colleagues_of(pledge.id)}
        if known.get(key) and known[key].confirmed:
            return Added.ALREADY, typed
        if key not in known and len(known) >= MAX_COLLEAGUES:
            return Added.TOO_MANY, typed
        now = self._clock()
        if not self._limits.hit(f"colleague-invites#{pledge.id}", INVITES_PER_DAY, timedelta(days=1), now):
            return Added.RATE_LIMITED, typed
        token, digest = new_confirmation_token(pledge.id)
        expires = now + CONFIRMATION_LIFETIME
        colleague = Colleague(pledge.id, key, email, lang, now, token_digest=digest, token_expires_at=expires)
        if not self._colleagues.invite(colleague, now + PENDING_RETENTION):
            return Added.ALREADY, typed
        self._record(actor, "colleague.add", pledge, key)
        self._send(pledge, colleague, token)
        return Added.SENT, ""

    def remove(self, actor: Actor, colleague_key: str) -> Colleague:
        """Removed, its address erased, its sessions ended; raises NotAllowed (hidden) for anyone else's."""
        pledge = self.own_pledge(actor)
        now = self._clock()
        known = next((c for c in self._colleagues.colleagues_of(pledge.id) if c.address_key == colleague_key), None)
        removed = known and self._colleagues.remove(pledge.id, colleague_key, now)
        if not removed:
            raise NotAllowed("no such colleague of this pledge", hidden=True)
        ended = end_sessions(self._sessions, (colleague_key,), now)
        self._record(actor, "colleague.remove", pledge, colleague_key, sessions=str(ended))
        return removed

    def invited(self, token: str) -> tuple[Colleague, Pledge] | None:
        """The invitation a link is for, while the link is good and the pledge still opens the space."""
        found = _LINK_TOKEN.fullmatch(token)
        if found is None:
            return None
        pledge_id = found["pledge"]
        colleague = self._colleagues.pending(pledge_id, digest(found["secret"]))
        now = self._clock()
        pledge = self._pledges.get(pledge_id) if colleague else None
        if (
            colleague is None
            or pledge is None
            or not pledge.is_verified_signatory
            or pledge.is_purged(now)
            or colleague.token_expires_at is None
            or colleague.token_expires_at <= now
        ):
            return None
        return colleague, pledge

    def confirm(self, token: str, *, network: str) -> tuple[Colleague, Pledge] | None:
        """Confirmed once (the link spent): the colleague may sign in to the space now."""
        invited = self.invited(token)
        if invited is None:
            return None
        colleague, pledge = invited
        confirmed = self._colleagues.confirm(colleague, self._clock())
        if confirmed is None:
            return None
        self._audit.record_person(
            confirmed.address_key, network, "colleague.confirm", Item("pledge", pledge.id), details={}
        )
        return confirmed, pledge

    def own_pledge(self, actor: Actor) -> Pledge:
        return signed_pledge(actor, self._pledges, self._keys, self._clock())

    def _record(self, actor: Actor, action: str, pledge: Pledge, colleague_key: str, **details: str) -> None:
        # The colleague named by the start of its keyed hash, never by address (the log keeps no e-mail).
        self._audit.record(
            actor,
            action,
            Item("pledge", pledge.id),
            regions=(pledge.details.region,),
            details={"colleague": colleague_key[:16], **details},
        )

    def _send(self, pledge: Pledge, colleague: Colleague, token: str) -> None:
        lang = colleague.language
        context = {
            "institution": pledge.details.institution_name,
            "url": self._links.confirm(token, lang),
            "expires_at": colleague.token_expires_at,
            "sender": self._sender,
        }
        email = Email(
            to=colleague.email,
            # Nothing typed into a form goes in the subject: the form cannot be used to send spam.
            subject=wording("colleague.email.subject", lang, programme=wording("site.name", lang)),
            text=render("email/colleague_invitation.txt", lang, **context),
            html=render("email/colleague_invitation.html", lang, **context),
            language=lang,
        )
        # SES refusing the address (suppressed, malformed for SES) changes nothing: the invitation expires.
        with contextlib.suppress(Rejected):
            self._mailer.send(email)


class PledgePeople:
    """The people of a pledge's space — its signer and its confirmed colleagues — as the pledge stops opening it,
    whoever took it out of « verified and in force » (its signer, an organizer, the e-mailed withdrawal link, a
    newer pledge): every open session of theirs ends at once, not at its next request."""

    def __init__(self, *, colleagues: ColleagueBook, sessions: SessionStore) -> None:
        self._colleagues = colleagues
        self._sessions = sessions

    def close(self, was: Pledge, now: datetime) -> int:
        """`was` (the pledge before the change) withdrawn or rejected: its colleagues removed, their addresses
        erased (a rejected pledge's too: nothing else would erase them); how many sessions ended (none when `was`
        did not open the space)."""
        colleagues = self._colleagues.colleagues_of(was.id)
        for colleague in colleagues:
            self._colleagues.remove(was.id, colleague.address_key, now)
        if not was.is_verified_signatory:
            return 0
        people = [was.address_key, *(c.address_key for c in colleagues if c.confirmed)]
        return end_sessions(self._sessions, [key for key in people if key], now)


def end_sessions(sessions: SessionStore, address_keys: Sequence[str], now: datetime) -> int:
    """End every open session of these people; how many were."""
    return sum(
        1
        for key in address_keys
        for session in sessions.sessions_of(key)
        if session.is_open(now) and sessions.end(session.key, now)
    )
