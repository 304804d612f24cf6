"""Who acts in the signatories' space, read again on every action: the pledge the Actor acts for, only while it
is a verified pledge in force (withdrawn or no longer verified, the space is lost at once, whatever the
session's snapshot says), and whether the actor signed it or uses the space as a colleague."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from esja.people.actor import Actor, NotAllowed
from esja.people.keys import AddressKeys
from esja.people.roles import Role
from esja.pledges.model import Pledge


class PledgeLookup(Protocol):
    def get(self, pledge_id: str) -> Pledge | None: ...


def acting_pledge(actor: Actor, pledges: PledgeLookup, now: datetime) -> Pledge:
    """The actor's pledge; raises NotAllowed unless the actor is a signatory of a verified pledge in force."""
    actor.require(Role.SIGNATORY)
    pledge = pledges.get(actor.item_id)
    if pledge is None or not pledge.is_verified_signatory or pledge.is_purged(now):
        raise NotAllowed("the pledge is not a verified one in force")
    return pledge


def signed_pledge(actor: Actor, pledges: PledgeLookup, keys: AddressKeys, now: datetime) -> Pledge:
    """The actor's pledge when the actor signed it: only its signer changes it, not a colleague."""
    pledge = acting_pledge(actor, pledges, now)
    if not signed_by(actor, pledge, keys):
        raise NotAllowed("only the pledge's signer changes it")
    return pledge


def signed_by(actor: Actor, pledge: Pledge, keys: AddressKeys) -> bool:
    return keys(pledge.details.email) == actor.address_key
