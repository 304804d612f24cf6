"""The signatory space's home: the pledge the person signed, as it stands (what was declared, since when,
whether it is on the public registry, who verified it)."""

from __future__ import annotations

from typing import Protocol

from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role
from esja.pledges.model import Pledge


class PledgeReader(Protocol):
    def get(self, pledge_id: str) -> Pledge | None: ...


class SignatorySpace:
    def __init__(self, *, pledges: PledgeReader) -> None:
        self._pledges = pledges

    def home(self, actor: Actor) -> Pledge:
        actor.require(Role.SIGNATORY)
        pledge = self._pledges.get(actor.item_id)
        if pledge is None:
            raise NotAllowed("the pledge is gone", hidden=True)
        return pledge
