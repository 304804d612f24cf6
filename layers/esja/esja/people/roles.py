"""The roles a person holds, read from what already exists — never granted by hand:

- organizer: the address of an organizer in the Organizers table (its regions; none or `QC` = all);
- enterprise: a subscriber of an enterprise marked to manage its space (`manages_space`, by default the
  enterprise's first subscriber: esja.model.Enterprise.managers);
- signatory: the address of a confirmed pledge an organizer verified, or of a colleague its signer added and who
  confirmed by e-mail (esja.signatory_space.colleagues): a signatory of the same institution for the space.

`of` lists them at sign-in (through indexes, which may lag a second); `holds` re-checks the one a session
acts in, on every request, with one strongly consistent read: a removed member, a withdrawn or
unverified pledge, an organizer taken off the list loses the space at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from esja.digest.organizers import Organizer
from esja.model import Enterprise
from esja.people.keys import AddressKeys
from esja.pledges.model import Pledge


class Role(StrEnum):
    ORGANIZER = "organizer"
    ENTERPRISE = "enterprise"
    SIGNATORY = "signatory"


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """One role a person holds, and the item it acts for."""

    role: Role
    item_id: str  # the organizer's id | the enterprise's id | the pledge's id
    label: str  # what the person recognises: the organisation, the enterprise, the institution
    regions: tuple[str, ...] = ()  # an organizer's (none = all); a signatory's pledge region
    # The address as the item holds it (« who is signed in »): read on each request, never kept in a session.
    email: str = field(default="", repr=False, compare=False)


class OrganizerDirectory(Protocol):
    def organizers(self) -> list[Organizer]: ...
    def organizer(self, organizer_id: str) -> Organizer | None: ...


class MemberDirectory(Protocol):
    def managed_by(self, address_key: str) -> list[str]:
        """Ids of the enterprises whose space this address manages (an index: may lag a second)."""
        ...

    def enterprise(self, enterprise_id: str) -> Enterprise | None: ...


class SignatoryDirectory(Protocol):
    def of_person(self, address_key: str) -> list[str]:
        """Ids of the pledges signed from this address (an index: may lag a second)."""
        ...

    def get(self, pledge_id: str) -> Pledge | None: ...


class ColleagueDirectory(Protocol):
    def pledges_of(self, address_key: str) -> list[str]:
        """Ids of the pledges whose space this address uses as a confirmed colleague (an index: may lag a second)."""
        ...

    def colleague_email(self, pledge_id: str, address_key: str) -> str | None:
        """The address of the pledge's confirmed colleague with this key (one consistent read), else None."""
        ...


class Roles:
    def __init__(
        self,
        *,
        organizers: OrganizerDirectory,
        enterprises: MemberDirectory,
        pledges: SignatoryDirectory,
        colleagues: ColleagueDirectory,
        address_keys: AddressKeys,
        clock: Callable[[], datetime],
    ) -> None:
        self._organizers = organizers
        self._members = enterprises
        self._signatories = pledges
        self._colleagues = colleagues
        self._keys = address_keys
        self._clock = clock

    def of(self, address_key: str) -> tuple[RoleGrant, ...]:
        """Every role the address holds now, organizers first."""
        organizers = [_organizer(o) for o in self._organizers.organizers() if self._keys(o.email) == address_key]
        found = [
            *(self.holds(address_key, Role.ENTERPRISE, e) for e in self._members.managed_by(address_key)),
            *(self.holds(address_key, Role.SIGNATORY, p) for p in self._pledges_of(address_key)),
        ]
        return (*organizers, *(grant for grant in found if grant is not None))

    def holds(self, address_key: str, role: Role, item_id: str) -> RoleGrant | None:
        """The role, as it stands now (regions, names), or None when the person no longer holds it."""
        if role is Role.ORGANIZER:
            organizer = self._organizers.organizer(item_id)
            mine = organizer is not None and self._keys(organizer.email) == address_key
            return _organizer(organizer) if mine and organizer else None
        if role is Role.ENTERPRISE:
            enterprise = self._members.enterprise(item_id)
            manager = enterprise and next((s for s in enterprise.managers if self._keys(s.email) == address_key), None)
            if enterprise is None or not manager:
                return None
            return RoleGrant(Role.ENTERPRISE, enterprise.id, enterprise.name, enterprise.regions_served, manager.email)
        pledge = self._signatories.get(item_id)
        if pledge is None or not pledge.is_verified_signatory or pledge.is_purged(self._clock()):
            return None
        details = pledge.details
        signed = self._keys(details.email) == address_key
        email = details.email if signed else self._colleagues.colleague_email(pledge.id, address_key)
        if not email:
            return None
        return RoleGrant(Role.SIGNATORY, pledge.id, details.institution_name, (details.region,), email)

    def _pledges_of(self, address_key: str) -> list[str]:
        """The pledges signed from the address, then those it uses as a colleague, each once."""
        signed = self._signatories.of_person(address_key)
        return list(dict.fromkeys([*signed, *self._colleagues.pledges_of(address_key)]))


def _organizer(organizer: Organizer) -> RoleGrant:
    return RoleGrant(Role.ORGANIZER, organizer.id, organizer.name, organizer.regions, organizer.email)
