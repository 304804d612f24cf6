"""Past digests in the console (/organisation/sommaires): each week's digest as it was e-mailed and archived
(esja.digest.links), listed newest first and opened inside the console.

An organizer of some regions reads their own digests, never another organizer's (it lists that
organizer's enterprises and regions); one with every region reads every organizer's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from esja.digest.links import ARCHIVE_PREFIX, ORGANIZER_ID, archive_key, archived_as
from esja.digest.organizers import Organizer
from esja.digest.weeks import Week
from esja.folding import fold_name
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role

NOT_FOUND = "no such digest"


class ArchiveShelf(Protocol):
    def keys(self, prefix: str) -> list[str]: ...
    def get(self, key: str) -> str | None: ...


class OrganizerList(Protocol):
    def organizers(self) -> list[Organizer]: ...


@dataclass(frozen=True, slots=True)
class ArchivedDigest:
    organizer_id: str
    organizer: str  # the organizer's name (its id if it left the list)
    week: Week


@dataclass(frozen=True, slots=True)
class OpenedDigest:
    digest: ArchivedDigest
    page: str  # the archived HTML, as e-mailed


class PastDigests:
    def __init__(self, *, open_archive: Callable[[], ArchiveShelf], organizers: OrganizerList) -> None:
        """`open_archive` gives the archive's reader when first needed (esja.bootstrap builds its client then)."""
        self._archive = open_archive
        self._organizers = organizers

    def listed(self, actor: Actor) -> list[ArchivedDigest]:
        """The digests the actor may read, newest week first."""
        actor.require(Role.ORGANIZER)
        names = {o.id: o.name for o in self._organizers.organizers()}
        found = []
        for key in self._archive().keys(ARCHIVE_PREFIX):
            named = archived_as(key)
            if named is not None and _may_read(actor, named[0]):
                found.append(ArchivedDigest(named[0], names.get(named[0], named[0]), named[1]))
        found.sort(key=lambda d: (d.organizer_id != actor.item_id, fold_name(d.organizer)))  # their own first
        return sorted(found, key=lambda d: d.week, reverse=True)

    def opened(self, actor: Actor, organizer_id: str, week: str) -> OpenedDigest:
        """The archived page; NotAllowed, hidden (a 404), for another organizer's digest or one that is not
        there — the same answer, so that a regional organizer cannot tell which exist."""
        actor.require(Role.ORGANIZER)
        if not ORGANIZER_ID.fullmatch(organizer_id) or not _may_read(actor, organizer_id):
            raise NotAllowed(NOT_FOUND, hidden=True)
        try:
            parsed = Week.parse(week)
        except ValueError:
            raise NotAllowed(NOT_FOUND, hidden=True) from None
        page = self._archive().get(archive_key(organizer_id, parsed))
        if page is None:
            raise NotAllowed(NOT_FOUND, hidden=True)
        names = {o.id: o.name for o in self._organizers.organizers()}
        return OpenedDigest(ArchivedDigest(organizer_id, names.get(organizer_id, organizer_id), parsed), page)


def _may_read(actor: Actor, organizer_id: str) -> bool:
    return actor.covers_all or organizer_id == actor.item_id
