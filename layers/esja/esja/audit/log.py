"""The audit log: who did what to which item, when and from where — written by the use case that makes
the change, in one line:

    self._audit.record(actor, "pledge.verify", Item("pledge", pledge.id), regions=(pledge.details.region,))

A record names the actor by their role and the item they act for (an organizer id, an enterprise id, a
pledge id) and their address key — never an e-mail; where from is the request's network (a /24 or /48),
not the address; `details` say what changed, without personal information. The log is append-only (its
store only puts new records; the web function may not update or delete them) and kept RETENTION (the
table's TTL): long enough to answer for an edition of the programme (October to May) through the next,
short enough not to become a second register of people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from esja.people.actor import Actor

RETENTION = timedelta(days=730)


@dataclass(frozen=True, slots=True)
class Item:
    """What an action was about: a kind (`pledge`, `enterprise`, `session`, `pledges`…) and its id."""

    type: str
    id: str = ""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    at: datetime
    action: str  # a dotted verb: pledge.verify, pledges.export, enterprise.remove, session.open…
    item: Item
    actor_role: str  # organizer | enterprise | signatory | person (signed in, no role chosen yet)
    actor_id: str  # the organizer's, enterprise's or pledge's id the actor acts for; never an e-mail
    address_key: str = field(repr=False)  # whose hands: the person's keyed address hash
    network: str = ""  # the request's /24 or /48
    regions: tuple[str, ...] = ()  # the regions the item belongs to (the organizers' filter)
    details: Mapping[str, str] = field(default_factory=dict)  # what changed, no personal information


class AuditLog(Protocol):
    def append(self, record: AuditRecord) -> None:
        """Add the record; never replaces one."""
        ...

    def between(self, since: datetime, until: datetime, *, action: str = "") -> list[AuditRecord]:
        """The records from `since` (included) to `until` (excluded), newest first; only `action`'s if given."""
        ...


class Audit:
    """The use cases' one line to the log."""

    def __init__(self, log: AuditLog, clock: Callable[[], datetime]) -> None:
        self._log = log
        self._clock = clock

    def record(
        self,
        actor: Actor,
        action: str,
        item: Item,
        *,
        regions: tuple[str, ...] = (),
        details: Mapping[str, str] | None = None,
    ) -> AuditRecord:
        record = AuditRecord(
            at=self._clock(),
            action=action,
            item=item,
            actor_role=actor.role,
            actor_id=actor.item_id,
            address_key=actor.address_key,
            network=actor.network,
            regions=regions,
            details=dict(details or {}),
        )
        self._log.append(record)
        return record

    def record_person(
        self,
        address_key: str,
        network: str,
        action: str,
        item: Item,
        *,
        regions: tuple[str, ...] = (),
        details: Mapping[str, str] | None = None,
    ) -> AuditRecord:
        """A record of a person who acts without a role (signing in, confirming a pledge)."""
        record = AuditRecord(
            at=self._clock(),
            action=action,
            item=item,
            actor_role="person",
            actor_id="",
            address_key=address_key,
            network=network,
            regions=regions,
            details=dict(details or {}),
        )
        self._log.append(record)
        return record
