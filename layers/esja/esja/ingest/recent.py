"""After each poll: the snapshot of the last 60 days' tenders that the enterprises' live previews match
against (esja.matching.recent), rebuilt from the Tenders table and written for the web function.

Rebuilt whole each time rather than patched: a poll that failed half-way, a tender that left the window,
a snapshot lost or written by an older version of ESJA — the next poll puts everything right. Polls of
different feeds may overlap: each notes the version of the snapshot before it reads the table, and
writes only if it is still that one; otherwise a poll that read the table later has written a newer
snapshot, and this one is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.digest.week_data import SeenTender
from esja.digest.weeks import Week
from esja.matching.recent import WINDOW, RecentTender, encode_recent_tenders


class TendersFirstSeen(Protocol):
    def first_seen_in(self, week: Week) -> list[SeenTender]: ...


class SnapshotWriter(Protocol):
    def version(self) -> str | None:
        """The stored snapshot's version, None when there is none."""
        ...

    def replace(self, data: bytes, version: str | None) -> bool:
        """Write `data` if the stored snapshot is still `version` (None: still none); False otherwise."""
        ...


@dataclass(frozen=True, slots=True)
class SnapshotReport:
    tenders: int  # first seen in the window, and stored open at some time
    size: int  # bytes written (gzipped)
    written: bool  # False: a newer snapshot was written meanwhile

    def as_dict(self) -> dict[str, object]:
        return {"tenders": self.tenders, "bytes": self.size, "written": self.written}


class RecentTendersPublisher:
    def __init__(self, *, tenders: TendersFirstSeen, snapshots: SnapshotWriter, clock: Callable[[], datetime]) -> None:
        self._tenders = tenders
        self._snapshots = snapshots
        self._clock = clock

    def publish(self) -> SnapshotReport:
        now = self._clock()
        start = now - WINDOW
        version = self._snapshots.version()  # before reading: whatever is written after that is newer
        recent = sorted(
            (
                # Stored open at some time, and so matched then, whatever befell it since.
                RecentTender(seen.tender, seen.opened_at)
                for week in _weeks(start, now)
                for seen in self._tenders.first_seen_in(week)
                if start <= seen.first_seen_at <= now and seen.opened_at is not None
            ),
            key=lambda r: (r.opened_at, r.tender.key),
        )
        data = encode_recent_tenders(recent, built_at=now, window_start=start)
        return SnapshotReport(len(recent), len(data), self._snapshots.replace(data, version))


def _weeks(start: datetime, end: datetime) -> list[Week]:
    weeks, week = [], Week.containing(start)
    while week.start <= end:
        weeks.append(week)
        week = Week.containing(week.end)
    return weeks
