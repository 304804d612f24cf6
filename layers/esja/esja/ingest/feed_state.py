"""A feed's cursor: the files already read, the ETag / Last-Modified of the last fetch, and the last outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

_KEEP_PROCESSED = 400  # SEAO publishes 52 weekly + 12 monthly files a year

# What a poll counts, per file and in the feed's totals (esja.ingest.poll), in this order.
COUNTS = (
    "records",
    "tenders",
    "new",
    "changed",
    "unchanged",
    "skipped",
    "rejected",
    "not_notices",  # releases with no tender, award or contract words: skipped, not rejected
    "repaired",  # fields repaired (or dropped) to read a record, one per field and record
    "announced",
    "linked",  # linked releases fetched
)


@dataclass(slots=True)
class FeedState:
    feed: str
    processed: list[str] = field(default_factory=list)  # SEAO file names already read
    since: date | None = None  # SEAO: files ending on or before this day are history, never read
    etag: str | None = None
    last_modified: str | None = None
    last_success_at: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    last_counts: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    # The last poll's repairs: « field (how) » → the records repaired that way (« file record »);
    # the first few are named, all are counted.
    last_repairs: dict[str, dict[str, object]] = field(default_factory=dict)
    # A file whose records only link to their releases, read over several runs: which version
    # (a hash of its bytes) and the first record still to read.
    linked_file: str | None = None
    linked_next: int = 0

    def mark_processed(self, name: str) -> None:
        if name not in self.processed:
            self.processed = [*self.processed, name][-_KEEP_PROCESSED:]

    def add_counts(self, counts: dict[str, int]) -> None:
        for name, value in counts.items():
            self.totals[name] = self.totals.get(name, 0) + value
