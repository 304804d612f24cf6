"""A sign-in link waiting to be used, and a session: its lifetimes and what it holds.

Lifetimes: a session ends after 30 minutes without a request (idle) and 8 hours after sign-in whatever
happens (absolute): behind it are personal information (signatories' and subscribers' e-mails and
phones) and the power to publish; 8 hours is a working day at a regional hub, so an organizer signs in
once a day, and a computer left open at lunch is closed by the time anyone else sits at it. Both stay
under NIST SP 800-63B's bounds for this level (re-authentication within 12 hours, and after 30 minutes
of inactivity). Reads refuse an expired session at once; the table's TTL removes it within days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from esja.people.roles import Role, RoleGrant

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_LIFETIME = timedelta(hours=8)
# A session's last request is written at most this often: one write a minute, not one per page.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SignInLink:
    digest: str = field(repr=False)  # SHA-256 of the e-mailed secret
    address_key: str = field(repr=False)
    language: str
    next_path: str  # where to go once signed in ("" = the space's home)
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Chosen:
    role: Role
    item_id: str


@dataclass(frozen=True, slots=True)
class Session:
    key: str = field(repr=False)  # SHA-256 of the id the cookie holds
    address_key: str = field(repr=False)
    grants: tuple[RoleGrant, ...]  # the roles held at sign-in: what the person may choose from
    csrf_token: str = field(repr=False)  # the anti-forgery token every POST inside a space carries
    created_at: datetime
    last_seen_at: datetime
    language: str
    network: str = ""  # where it was opened (the sessions page shows it)
    chosen: Chosen | None = None
    ended_at: datetime | None = None

    @property
    def expires_at(self) -> datetime:
        return min(self.last_seen_at + IDLE_TIMEOUT, self.created_at + ABSOLUTE_LIFETIME)

    def is_open(self, now: datetime) -> bool:
        return self.ended_at is None and now < self.expires_at

    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants)
