"""What organizers set up for the digest: who receives it (their spreadsheet, esja.digest.organizers_csv),
and which buyer a signatory is when the names differ (`esja pledges link`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.digest.organizers import Organizer
from esja.digest.signatories import SignatoryLink
from esja.pledges.model import Pledge


@dataclass(frozen=True, slots=True)
class SavedOrganizers:
    written: int
    removed: int
    unchanged: int


class OrganizerDirectory(Protocol):
    def organizers(self) -> list[Organizer]: ...
    def save_organizers(self, organizers: Sequence[Organizer]) -> SavedOrganizers: ...
    def links(self) -> list[SignatoryLink]: ...
    def add_link(self, link: SignatoryLink, now: datetime) -> bool: ...
    def remove_link(self, link: SignatoryLink) -> bool: ...


class PledgeLookup(Protocol):
    def get(self, pledge_id: str) -> Pledge | None: ...


class UnknownPledge(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class Linked:
    pledge: Pledge
    links: tuple[tuple[SignatoryLink, bool], ...]  # each link, and whether it is new


class DigestSetup:
    def __init__(
        self,
        organizers: OrganizerDirectory,
        pledges: Callable[[], PledgeLookup],  # built when a link is first drawn: only `link` reads pledges
        clock: Callable[[], datetime],
    ) -> None:
        self._organizers = organizers
        self._pledges = pledges
        self._clock = clock

    def organizers(self) -> list[Organizer]:
        return self._organizers.organizers()

    def save_organizers(self, organizers: Sequence[Organizer]) -> SavedOrganizers:
        """The table holds exactly these organizers afterwards: the spreadsheet is the whole list."""
        return self._organizers.save_organizers(organizers)

    def links(self) -> list[SignatoryLink]:
        return self._organizers.links()

    def link(self, wanted: Sequence[SignatoryLink]) -> Linked:
        """The links of one pledge (see `signatory_links`); raises UnknownPledge."""
        pledge_id = _one_pledge(wanted)
        pledge = self._pledges().get(pledge_id)
        if pledge is None:
            raise UnknownPledge(pledge_id)
        return Linked(pledge, tuple((link, self._organizers.add_link(link, self._clock())) for link in wanted))

    def unlink(self, wanted: Sequence[SignatoryLink]) -> list[tuple[SignatoryLink, bool]]:
        """Each link, and whether it existed."""
        return [(link, self._organizers.remove_link(link)) for link in wanted]


def signatory_links(pledge_id: str, *, buyer_id: str | None, buyer_name: str | None) -> list[SignatoryLink]:
    """A signatory is this SEAO buyer id, or buys under this name, or both; ValueError when neither is given."""
    wanted = [SignatoryLink(pledge_id, buyer_id=buyer_id)] if buyer_id else []
    wanted += [SignatoryLink(pledge_id, buyer_name=buyer_name)] if buyer_name else []
    if not wanted:
        raise ValueError("a link names a buyer id, a buyer name or both")
    return wanted


def _one_pledge(links: Sequence[SignatoryLink]) -> str:
    pledge_ids = {link.pledge_id for link in links}
    if len(pledge_ids) != 1:
        raise ValueError("links of one pledge at a time")
    return pledge_ids.pop()
