"""An organizer ends anyone's sessions (a lost laptop, a person who left): every open session of an address."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from esja.audit.log import Audit, Item
from esja.emails import checked_address
from esja.people.actor import Actor
from esja.people.keys import AddressKeys
from esja.people.roles import Role
from esja.signin.service import SessionStore


class PersonSessions:
    def __init__(
        self, *, sessions: SessionStore, address_keys: AddressKeys, audit: Audit, clock: Callable[[], datetime]
    ) -> None:
        self._sessions = sessions
        self._keys = address_keys
        self._audit = audit
        self._clock = clock

    def end_all(self, actor: Actor, email: str) -> int:
        """End every open session of the address; how many were. Raises InvalidAddress for a non-address."""
        actor.require(Role.ORGANIZER)
        key = self._keys(checked_address(email.strip()))
        now = self._clock()
        ended = [s for s in self._sessions.sessions_of(key) if s.is_open(now) and self._sessions.end(s.key, now)]
        self._audit.record(actor, "sessions.end-all", Item("person", key[:16]), details={"count": str(len(ended))})
        return len(ended)
