"""The directory as the public, and the signatories' invitations, read it: the read model.

A few hundred listings, not millions: every listed entry is read whole (one strongly consistent Query) and
indexed in memory (esja.directory.search), once per container, and kept while the directory's version — one
counter every change of what the public sees moves, in the same transaction — has not moved. Each search
costs one GetItem of that counter; a withdrawal or a take-down therefore leaves every container's next
answer at once. An entry's own page reads its listing (one consistent GetItem). MAX_AGE rebuilds the index
even when the counter did not move: the titles of the code list and the wording change with a deployment,
which starts new containers anyway, so it is only a bound.

`listed`, `entries` and `fitting` are the query of « listed enterprises » other features build on (a
signatory names or looks for enterprises to invite: issue 14).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from esja.directory.listing import DirectoryEntry, ListingRecord
from esja.directory.search import DirectoryIndex, SearchQuery, SearchResults
from esja.model import Category

MAX_AGE = timedelta(minutes=10)


class ListingSource(Protocol):
    def directory_version(self) -> int:
        """The counter every change of what the directory shows moves; strongly consistent."""
        ...

    def published(self) -> list[ListingRecord]:
        """Every listed listing, strongly consistent."""
        ...

    def record(self, enterprise_id: str) -> ListingRecord | None: ...


@dataclass(frozen=True, slots=True)
class _Built:
    version: int
    at: datetime
    index: DirectoryIndex


class PublicDirectory:
    def __init__(self, *, listings: ListingSource, clock: Callable[[], datetime], max_age: timedelta = MAX_AGE) -> None:
        self._listings = listings
        self._clock = clock
        self._max_age = max_age
        self._built: _Built | None = None

    def search(self, query: SearchQuery, lang: str = "fr") -> SearchResults:
        return self._index().search(query, lang)

    def entry(self, enterprise_id: str) -> DirectoryEntry | None:
        """An entry's page: its listing as it is now, if it is listed."""
        record = self._listings.record(enterprise_id)
        return record.entry() if record is not None and record.listed else None

    def listed(self, enterprise_ids: Collection[str]) -> set[str]:
        """Those of the ids that are enterprises listed in the directory."""
        index = self._index()
        return {enterprise_id for enterprise_id in enterprise_ids if index.get(enterprise_id) is not None}

    def entries(self) -> tuple[DirectoryEntry, ...]:
        """Every listed enterprise (ids and what the public sees of them), by name."""
        return self._index().entries

    def fitting(
        self, codes: Iterable[str], regions: Iterable[str] = (), category: Category | None = None
    ) -> tuple[DirectoryEntry, ...]:
        """The listed enterprises that fit a tender: its codes' families, its regions, its category."""
        return self._index().fitting(codes, regions, category)

    def _index(self) -> DirectoryIndex:
        version, now, built = self._listings.directory_version(), self._clock(), self._built
        if built is None or built.version != version or now - built.at >= self._max_age:
            # Read after the counter: what is read is at least as new as `version`.
            records = self._listings.published()
            built = _Built(version, now, DirectoryIndex(r.entry() for r in records if r.listed))
            self._built = built
        return built.index
