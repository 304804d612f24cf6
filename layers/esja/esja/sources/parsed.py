"""What a parser returns: the tenders it could read, the fields it repaired to read them, the records
that are not notices, those that only link to their releases, and those it had to refuse."""

from __future__ import annotations

from dataclasses import dataclass, field

from esja.model import Tender


class FeedError(Exception):
    """The whole file cannot be read (empty, truncated, not the expected format).

    Raised before anything is stored, so the caller leaves its cursor where it was and retries.
    """


class Drift(ValueError):
    """A record departs from the schema so far that it cannot be read (no ocid, its words unreadable)."""


class NotANotice(Exception):
    """A release with no tender, award or contract words (planning, parties only): skipped, counted."""


# What reading one malformed record can raise; it rejects that record only.
RECORD_ERRORS = (ValueError, TypeError, ArithmeticError)


def rejection_reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that could not be normalised. `record` locates it (position, id), never personal data."""

    record: str
    reason: str


@dataclass(frozen=True, slots=True)
class Repair:
    """A field read although it departs from the schema, or dropped because it cannot be read.

    Where (the record's position and id, the field's path) and what was done; never what the field held.
    """

    record: str  # e.g. "releases[12] ocds-abc123-1", "row 4 cb-1-2"
    field: str  # e.g. "tender.value.amount", "awards[].suppliers", "tenderClosingDate-appelOffresDateCloture"
    how: str  # e.g. "empty: no value", "unreadable date: unknown"

    @property
    def kind(self) -> str:
        """What is counted: one field repaired one way, e.g. « tender.value.amount (empty: no value) »."""
        return f"{self.field} ({self.how})"


@dataclass(frozen=True, slots=True)
class LinkedRecord:
    """A record that only links to its releases (no compiledRelease, no embedded release): reading it
    takes fetching them (`esja tenders poll` does)."""

    record: str  # position, e.g. "records[3]"
    ocid: str
    urls: tuple[str, ...]  # the linked releases' addresses, in the record's order


@dataclass(slots=True)
class Parsed:
    tenders: list[Tender] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    records: int = 0  # records read in the file (releases, rows), before de-duplication
    not_notices: int = 0  # releases with no tender, award or contract words (planning, parties only)
    repairs: list[Repair] = field(default_factory=list)  # of the records that gave the tenders
    linked: list[LinkedRecord] = field(default_factory=list)

    def repaired(self) -> dict[str, list[str]]:
        """Each kind of repair (field and how) → the records it was made in, in file order."""
        by_kind: dict[str, list[str]] = {}
        for repair in self.repairs:
            by_kind.setdefault(repair.kind, []).append(repair.record)
        return by_kind

    def merge(self, other: Parsed) -> None:
        """Add what another parse of the same feed found (a record's linked releases, once fetched)."""
        self.tenders += other.tenders
        self.rejected += other.rejected
        self.not_notices += other.not_notices
        self.repairs += other.repairs
