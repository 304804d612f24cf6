"""The recent tenders' snapshot as the web function holds it: read once per container, and checked for a
newer one (a conditional read, answered « not modified » in a few milliseconds) at most once a minute.

The polls write a new snapshot every few hours (esja.ingest.recent); a preview made before a container
sees it is at most a minute behind. A snapshot that cannot be read (written by a newer ESJA, damaged)
leaves the one held, and so does S3 not answering; with none at all, the preview says it cannot be shown now.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol

from esja.errors import StoreError
from esja.matching.recent import RecentTenders, SnapshotUnreadable

logger = logging.getLogger(__name__)

CHECK_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class StoredSnapshot:
    data: bytes
    version: str


class NotModified:
    """The stored snapshot is still the version the reader holds."""


NOT_MODIFIED: Final = NotModified()


class SnapshotReader(Protocol):
    def read(self, unless: str | None) -> StoredSnapshot | NotModified | None:
        """The stored snapshot; NOT_MODIFIED when it is still version `unless`; None when there is none."""
        ...


class LatestRecentTenders:
    def __init__(
        self, snapshots: SnapshotReader, clock: Callable[[], datetime], check_every: timedelta = CHECK_EVERY
    ) -> None:
        self._snapshots = snapshots
        self._clock = clock
        self._check_every = check_every
        self._held: RecentTenders | None = None
        self._version: str | None = None
        self._checked_at: datetime | None = None

    def current(self) -> RecentTenders | None:
        """The newest snapshot (None: none written yet). StoreError when S3 fails and none is held; while one is
        held, it serves until S3 answers again."""
        now = self._clock()
        if self._checked_at is not None and now - self._checked_at < self._check_every:
            return self._held
        try:
            answer = self._snapshots.read(self._version if self._held is not None else None)
        except StoreError as error:
            if self._held is None:
                raise
            logger.warning("recent tenders' snapshot not read; keeping the one held", extra={"error": str(error)})
            answer = NOT_MODIFIED
        self._checked_at = now
        if isinstance(answer, StoredSnapshot):
            try:
                self._held, self._version = RecentTenders.from_bytes(answer.data), answer.version
            except SnapshotUnreadable as error:
                logger.warning("recent tenders' snapshot unreadable; keeping the one held", extra={"error": str(error)})
        return self._held
