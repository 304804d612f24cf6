"""The codes a person chooses a profile's (or an invitation's) from: the UNSPSC list (esja.unspsc.search),
completed by the codes the recent tenders carry with their publishers' titles, since newer codes reach the
notices first."""

from __future__ import annotations

import logging
from collections.abc import Callable

from esja.enterprise_space.preview import RecentTendersSource
from esja.errors import StoreError
from esja.matching.recent import RecentTenders
from esja.model import Text
from esja.unspsc.search import CodeCatalogue, CodeEntry, SearchResult, unspsc_catalogue

logger = logging.getLogger(__name__)


class CodeChoice:
    def __init__(
        self, *, recent: RecentTendersSource, catalogue: Callable[[], CodeCatalogue] = unspsc_catalogue
    ) -> None:
        self._recent = recent
        self._base = catalogue
        self._completed: tuple[RecentTenders, CodeCatalogue] | None = None

    def search(self, query: str, lang: str) -> SearchResult:
        return self.catalogue().search(query, lang)

    def lineage(self, code: str) -> tuple[CodeEntry, ...]:
        return self.catalogue().lineage(code)

    def children(self, code: str) -> tuple[CodeEntry, ...]:
        return self.catalogue().children(code)

    def title(self, code: str) -> Text | None:
        """The code's titles, None when the list lacks it: what a form that names codes checks them against."""
        entry = self.catalogue().get(code)
        return entry.title if entry else None

    def catalogue(self) -> CodeCatalogue:
        try:
            recent = self._recent.current()
        except StoreError as error:  # the list alone still answers
            logger.warning("recent tenders unavailable for the code list", extra={"error": str(error)})
            recent = None
        if recent is None:
            return self._base()
        if self._completed is None or self._completed[0] is not recent:
            self._completed = recent, self._base().with_codes(recent.code_titles)
        return self._completed[1]
