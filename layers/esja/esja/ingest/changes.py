"""Deciding what a freshly parsed tender means against what is stored: new, changed, unchanged or stale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from esja.model import Status, Tender


class ChangeKind(StrEnum):
    NEW = "new"
    AMENDED = "amended"  # content changed while the status stayed (addendum, correction)
    CANCELLED = "cancelled"
    CLOSED = "closed"
    AWARDED = "awarded"
    REOPENED = "reopened"
    UNKNOWN = "unknown"  # the status can no longer be told: its closing date cannot be read


@dataclass(frozen=True, slots=True)
class StoredVersion:
    content_hash: str
    revision: str
    status: Status
    change_count: int
    first_seen_at: datetime
    status_since: datetime  # when the tender reached its current status
    # When it was first stored open for bids, and so matched (None: never, or stored before ESJA kept it).
    opened_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Change:
    tender: Tender
    kind: ChangeKind
    content_hash: str
    change_count: int  # content changes since the tender was first seen
    first_seen_at: datetime
    seen_at: datetime
    status_since: datetime
    opened_at: datetime | None  # when first stored open for bids (StoredVersion.opened_at)

    @property
    def announced(self) -> bool:
        """Open tenders go to the matcher; so do cancellations, so enterprises already told can be told again."""
        return self.tender.status is Status.OPEN or self.kind is ChangeKind.CANCELLED


class Stale:
    """The stored version is newer (releases arrive out of order across files): keep the stored one."""


STALE = Stale()


def plan_change(tender: Tender, stored: StoredVersion | None, now: datetime) -> Change | Stale | None:
    """The change to write, STALE for an older revision, or None when nothing a reader could notice changed."""
    content_hash = tender.content_hash()
    opened_at = now if tender.is_open_at(now) else None
    if stored is None:
        return Change(tender, ChangeKind.NEW, content_hash, 0, now, now, now, opened_at)
    if tender.revision < stored.revision:
        return STALE
    if content_hash == stored.content_hash:
        return None
    kind = _kind(stored.status, tender.status)
    return Change(
        tender,
        kind,
        content_hash,
        stored.change_count + 1,
        stored.first_seen_at,
        now,
        stored.status_since if kind is ChangeKind.AMENDED else now,
        stored.opened_at or opened_at,
    )


def _kind(before: Status, after: Status) -> ChangeKind:
    if after == before:
        return ChangeKind.AMENDED
    if after is Status.OPEN:
        return ChangeKind.REOPENED
    return {
        Status.CANCELLED: ChangeKind.CANCELLED,
        Status.CLOSED: ChangeKind.CLOSED,
        Status.AWARDED: ChangeKind.AWARDED,
        Status.UNKNOWN: ChangeKind.UNKNOWN,
    }[after]
