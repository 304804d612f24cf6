"""What a parser returns: the tenders it could read, and the records it had to refuse."""

from __future__ import annotations

from dataclasses import dataclass, field

from esja.model import Tender


class FeedError(Exception):
    """The whole file cannot be read (empty, truncated, not the expected format).

    Raised before anything is stored, so the caller leaves its cursor where it was and retries.
    """


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that could not be normalised. `record` locates it (position, id), never personal data."""

    record: str
    reason: str


@dataclass(slots=True)
class Parsed:
    tenders: list[Tender] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    records: int = 0  # records read in the file (releases, rows), before de-duplication
