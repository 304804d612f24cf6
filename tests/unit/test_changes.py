"""What a parsed tender means against the stored one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from esja.ingest.changes import STALE, Change, ChangeKind, StoredVersion, plan_change
from esja.model import Status, Tender, Text

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
TENDER = Tender("seao", "ocds-ec9k95-1", "20261110120000", Text("Entretien ménager"), Status.OPEN)


def stored(tender: Tender, count: int = 0) -> StoredVersion:
    return StoredVersion(tender.content_hash(), tender.revision, tender.status, count, NOW, NOW)


def planned(tender: Tender, before: StoredVersion | None) -> Change:
    change = plan_change(tender, before, NOW)
    assert isinstance(change, Change)
    return change


def test_first_sighting_is_new_and_announced() -> None:
    change = planned(TENDER, None)
    assert change.kind == ChangeKind.NEW and change.announced


def test_same_content_is_not_written_again() -> None:
    assert plan_change(TENDER, stored(TENDER), NOW) is None


def test_addendum_is_counted_and_flagged_as_amended() -> None:
    addendum = replace(TENDER, revision="20261118090000", title=Text("Entretien ménager — addenda 1"))
    change = planned(addendum, stored(TENDER, count=1))
    assert change.kind == ChangeKind.AMENDED and change.change_count == 2


def test_older_release_arriving_late_never_overwrites_a_newer_one() -> None:
    newer = replace(TENDER, revision="20261118090000", title=Text("Entretien ménager — addenda 1"))
    assert plan_change(TENDER, stored(newer), NOW) is STALE


def test_cancellation_of_an_open_tender_is_announced() -> None:
    cancelled = replace(TENDER, revision="20261120090000", status=Status.CANCELLED)
    change = planned(cancelled, stored(TENDER))
    assert change.kind == ChangeKind.CANCELLED and change.announced


def test_award_of_a_closed_tender_is_stored_but_not_announced() -> None:
    awarded = replace(TENDER, revision="20261201090000", status=Status.AWARDED)
    change = planned(awarded, stored(replace(TENDER, status=Status.CLOSED)))
    assert change.kind == ChangeKind.AWARDED and not change.announced


def test_an_addendum_keeps_the_day_the_status_was_reached_a_status_change_moves_it() -> None:
    earlier = datetime(2026, 11, 2, tzinfo=UTC)
    before = StoredVersion(TENDER.content_hash(), TENDER.revision, Status.OPEN, 0, earlier, earlier)

    addendum = planned(replace(TENDER, revision="20261118090000", title=Text("Addenda 1")), before)
    awarded = planned(replace(TENDER, revision="20261201090000", status=Status.AWARDED), before)

    assert addendum.status_since == earlier
    assert awarded.status_since == NOW
