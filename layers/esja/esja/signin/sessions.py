"""Sessions once open: resumed from the cookie on each request, the role chosen, the Actor of a space
(its role re-checked against the stores), the anti-forgery token, sign-out and « end the others »."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime

from esja.audit.log import Audit, Item
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role, RoleGrant, Roles
from esja.signin.links import digest_of_token
from esja.signin.model import TOUCH_EVERY, Chosen, Session
from esja.signin.service import SessionStore


class ChooseRole(Exception):
    """The person holds the role asked for, but their session acts in another (or none yet): choose."""


class Sessions:
    def __init__(self, *, sessions: SessionStore, roles: Roles, audit: Audit, clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._roles = roles
        self._audit = audit
        self._clock = clock

    def resume(self, session_id: str) -> Session | None:
        """The open session a cookie names, None when there is none (unknown, ended, idle or too old).
        Its last request is recorded (at most once a minute): the idle timeout runs from there."""
        key = digest_of_token(session_id)
        session = self._sessions.session(key) if key else None
        now = self._clock()
        if session is None or not session.is_open(now):
            return None
        if now - session.last_seen_at >= TOUCH_EVERY:
            self._sessions.touch(session, now)
        return session

    def actor(self, session: Session, role: Role, *, network: str) -> Actor:
        """The session's Actor in `role`, its role re-checked now. ChooseRole when the person holds `role`
        but the session acts in another; NotAllowed when they do not hold it (or no longer)."""
        chosen = session.chosen
        if chosen is None or chosen.role is not role:
            if role in session.roles():
                raise ChooseRole(role)
            raise NotAllowed(f"this session holds no {role} role")
        grant = self._roles.holds(session.address_key, role, chosen.item_id)
        if grant is None:
            raise NotAllowed(f"the {role} role is no longer held")
        return Actor(
            grant, session.address_key, session.language, session.key, session.csrf_token, network, len(session.grants)
        )

    def choose(self, session: Session, role: str, item_id: str) -> RoleGrant | None:
        """Act in one of the session's roles from now on; None when it is not one of them, or no longer held."""
        offered = next((g for g in session.grants if g.role == role and g.item_id == item_id), None)
        grant = offered and self._roles.holds(session.address_key, offered.role, offered.item_id)
        if grant is None:
            return None
        self._sessions.choose(session.key, Chosen(grant.role, grant.item_id))
        return grant

    @staticmethod
    def genuine(session: Session, sent_token: str) -> bool:
        """The form came from a page of this session (its anti-forgery token), not from another site."""
        return hmac.compare_digest(session.csrf_token.encode(), sent_token.encode("utf-8", "replace"))

    def open_sessions(self, session: Session) -> list[Session]:
        """The person's open sessions, this one first, then the most recent."""
        now = self._clock()
        others = [s for s in self._sessions.sessions_of(session.address_key) if s.is_open(now) and s.key != session.key]
        return [session, *sorted(others, key=lambda s: s.last_seen_at, reverse=True)]

    def end(self, session: Session, *, network: str) -> None:
        if self._sessions.end(session.key, self._clock()):
            self._audit.record_person(session.address_key, network, "session.end", Item("session", session.key[:16]))

    def end_others(self, session: Session, *, network: str) -> int:
        """End every other open session of the person; how many were ended."""
        ended = [s for s in self.open_sessions(session)[1:] if self._sessions.end(s.key, self._clock())]
        if ended:
            details = {"count": str(len(ended))}
            self._audit.record_person(
                session.address_key, network, "session.end-others", Item("session"), details=details
            )
        return len(ended)
