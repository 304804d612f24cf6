"""`esja people rekey`: the tables move from a plain SHA-256 of each address to its keyed hash (esja.people.keys).

For every address ESJA knows (enterprises' subscribers, pledges' signatories, organizers):
- its Subscriptions partition moves from the plain hash to the keyed one (items copied where absent, the
  subscriber id's pointer moved, the old items deleted: in that order, so a run stopped anywhere resumes);
- its pledges get their address key (how a signatory finds them when signing in), and those confirmed before
  verification existed join the queue of pledges to verify;
- the enterprises' member index is written (who may manage which enterprise's space).
Idempotent: a second run finds nothing to move. A partition under the plain hash of an address ESJA no
longer knows cannot be moved (the address is needed to compute its key): the report counts them; they
are the consent records of former subscribers, purged with the consent log's retention.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.digest.organizers import Organizer
from esja.matching.enterprise_book import SaveSummary
from esja.model import Enterprise, Profile
from esja.people.keys import AddressKeys, normalise_address
from esja.pledges.model import Pledge, PledgeStatus


def plain_hash(email: str) -> str:
    """The key the Subscriptions table used before the keyed hash: only read here, to move its items."""
    return hashlib.sha256(normalise_address(email).encode()).hexdigest()


class SubscriptionPartitions(Protocol):
    def rekey(self, old_key: str, new_key: str) -> int:
        """Move the address's items to its new key; how many were moved (0 when none were left)."""
        ...

    def address_partitions(self) -> set[str]:
        """The address keys that have items."""
        ...


class PledgeKeys(Protocol):
    def everything(self, now: datetime) -> Iterable[Pledge]: ...
    def set_address_key(self, pledge_id: str, address_key: str) -> bool: ...
    def queue_to_verify(self, pledge: Pledge) -> bool: ...


class EnterpriseIndex(Protocol):
    def load(self) -> tuple[list[Enterprise], list[Profile]]: ...
    def save(self, enterprises: Sequence[Enterprise], profiles: Sequence[Profile]) -> SaveSummary: ...


class OrganizerList(Protocol):
    def organizers(self) -> list[Organizer]: ...


@dataclass(frozen=True, slots=True)
class RekeyReport:
    addresses: int  # known to ESJA
    partitions_moved: int
    items_moved: int
    pledges_keyed: int
    pledges_queued: int  # confirmed before verification existed: now « to verify »
    enterprises_indexed: int
    unknown_partitions: int  # under a key no known address has: not movable

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


class AddressRekeying:
    def __init__(
        self,
        *,
        subscriptions: SubscriptionPartitions,
        pledges: PledgeKeys,
        enterprises: EnterpriseIndex,
        organizers: OrganizerList,
        address_keys: AddressKeys,
        clock: Callable[[], datetime],
    ) -> None:
        self._subscriptions = subscriptions
        self._pledges = pledges
        self._enterprises = enterprises
        self._organizers = organizers
        self._keys = address_keys
        self._clock = clock

    def run(self) -> RekeyReport:
        enterprises, profiles = self._enterprises.load()
        pledges = list(self._pledges.everything(self._clock()))
        known = {normalise_address(s.email) for e in enterprises for s in e.subscribers}
        known |= {normalise_address(p.details.email) for p in pledges}
        known |= {normalise_address(o.email) for o in self._organizers.organizers()}
        moved = [self._subscriptions.rekey(plain_hash(address), self._keys(address)) for address in sorted(known)]
        keyed = sum(
            self._pledges.set_address_key(p.id, self._keys(p.details.email)) for p in pledges if not p.address_key
        )
        queued = sum(self._pledges.queue_to_verify(p) for p in pledges if p.status is PledgeStatus.CONFIRMED)
        self._enterprises.save(enterprises, profiles)  # writes the member index where it is missing
        current = {self._keys(address) for address in known}
        return RekeyReport(
            addresses=len(known),
            partitions_moved=sum(1 for n in moved if n),
            items_moved=sum(moved),
            pledges_keyed=keyed,
            pledges_queued=queued,
            enterprises_indexed=len(enterprises),
            unknown_partitions=len(self._subscriptions.address_partitions() - current),
        )
