"""The enterprise space's home: the enterprise as ESJA knows it — its alert profiles and who receives the
alerts — read-only until the space lets its managers change them (issue 13)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from esja.model import Enterprise, Profile
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role


class EnterpriseLookup(Protocol):
    def enterprise(self, enterprise_id: str) -> Enterprise | None: ...


class EnterpriseReader(EnterpriseLookup, Protocol):
    def profiles_of(self, enterprise_id: str) -> list[Profile]: ...


@dataclass(frozen=True, slots=True)
class EnterpriseHome:
    enterprise: Enterprise
    profiles: tuple[Profile, ...]


class EnterpriseSpace:
    def __init__(self, *, enterprises: EnterpriseReader) -> None:
        self._enterprises = enterprises

    def home(self, actor: Actor) -> EnterpriseHome:
        enterprise = own_enterprise(actor, self._enterprises)
        return EnterpriseHome(enterprise, tuple(self._enterprises.profiles_of(enterprise.id)))


def own_enterprise(actor: Actor, enterprises: EnterpriseLookup) -> Enterprise:
    """The enterprise the actor acts for; NotAllowed for another role, hidden if it was removed since the
    request's role check."""
    actor.require(Role.ENTERPRISE)
    enterprise = enterprises.enterprise(actor.item_id)
    if enterprise is None:
        raise NotAllowed("the enterprise is gone", hidden=True)
    return enterprise
