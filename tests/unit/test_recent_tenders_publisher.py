"""After each poll, the snapshot of the tenders first seen in the last 60 days that were ever stored open;
the web function's copy of it, checked for a newer one at most once a minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from esja.digest.week_data import SeenTender
from esja.digest.weeks import Week
from esja.enterprise_space.recent_tenders import LatestRecentTenders
from esja.errors import Throttled
from esja.ingest.recent import RecentTendersPublisher
from esja.matching.recent import RecentTenders
from esja.model import Status, Tender, Text
from tests.fakes import FakeWorld

NOW = datetime(2026, 11, 16, 12, tzinfo=UTC)


def tender(key: str, status: Status = Status.OPEN, closing: datetime | None = None) -> Tender:
    return Tender("seao", key, "1", Text(f"Déneigement {key}"), status, closing_at=closing or NOW + timedelta(days=90))


def published(world: FakeWorld) -> RecentTenders:
    assert world.snapshots.data is not None
    return RecentTenders.from_bytes(world.snapshots.data)


def publisher(world: FakeWorld) -> RecentTendersPublisher:
    return RecentTendersPublisher(tenders=world.tenders, snapshots=world.snapshots, clock=world.clock)


def test_snapshot_holds_the_tenders_first_seen_open_in_the_last_60_days_open_or_closed_since() -> None:
    world = FakeWorld(NOW)
    world.tenders.publish(tender("too-old"), NOW - timedelta(days=61))
    world.tenders.publish(tender("recent"), NOW - timedelta(days=59))
    world.tenders.publish(tender("today"), NOW - timedelta(minutes=5))
    world.tenders.publish(tender("closed-since", closing=NOW - timedelta(days=2)), NOW - timedelta(days=20))
    world.tenders.publish(tender("cancelled-since"), NOW - timedelta(days=30))
    world.tenders.publish(tender("cancelled-since", Status.CANCELLED), NOW - timedelta(days=3))
    # Never open when ESJA saw them: an award of an old call, a call already closed.
    world.tenders.publish(tender("award", Status.AWARDED), NOW - timedelta(days=4))
    world.tenders.publish(tender("late", closing=NOW - timedelta(days=11)), NOW - timedelta(days=10))

    report = publisher(world).publish()

    snapshot = published(world)
    assert snapshot.keys == ["seao:recent", "seao:cancelled-since", "seao:closed-since", "seao:today"]  # oldest first
    assert report.tenders == 4 and report.written and report.size == len(world.snapshots.data or b"")
    assert (snapshot.built_at, snapshot.window_start) == (NOW, NOW - timedelta(days=60))


def test_a_snapshot_written_by_a_later_poll_in_the_meantime_is_never_overwritten() -> None:
    world = FakeWorld(NOW)
    world.tenders.publish(tender("a"), NOW - timedelta(days=1))
    version = world.snapshots.version()

    class Meanwhile:
        """A poll of another feed writes its newer snapshot while this one reads the table."""

        def first_seen_in(self, week: Week) -> list[SeenTender]:
            if world.snapshots.version() == version:
                world.tenders.publish(tender("b"), NOW)
                publisher(world).publish()
            return world.tenders.first_seen_in(week)

    slow = RecentTendersPublisher(tenders=Meanwhile(), snapshots=world.snapshots, clock=world.clock)
    assert not slow.publish().written
    assert published(world).keys == ["seao:a", "seao:b"]


def test_the_web_function_reads_the_snapshot_once_then_asks_at_most_once_a_minute_whether_it_changed() -> None:
    world = FakeWorld(NOW)
    latest = LatestRecentTenders(world.snapshots, world.clock)
    assert latest.current() is None  # before the first poll
    world.clock.advance(minutes=1)
    world.tenders.publish(tender("a"), NOW)
    publisher(world).publish()

    first = latest.current()
    assert first is not None and first.keys == ["seao:a"]
    world.snapshots.calls.clear()
    world.clock.advance(seconds=30)
    assert latest.current() is first and world.snapshots.calls == []  # within the minute: not even asked
    world.clock.advance(seconds=31)
    assert latest.current() is first and world.snapshots.calls == ["read"]  # asked: not modified

    world.tenders.publish(tender("b"), world.clock.now)
    publisher(world).publish()
    world.clock.advance(minutes=1)
    newer = latest.current()
    assert newer is not None and newer.keys == ["seao:a", "seao:b"]


def test_an_unreadable_snapshot_or_s3_failing_leaves_the_one_held_and_without_one_is_an_error() -> None:
    world = FakeWorld(NOW)
    world.tenders.publish(tender("a"), NOW)
    publisher(world).publish()
    latest = LatestRecentTenders(world.snapshots, world.clock)
    held = latest.current()
    world.snapshots.replace(b"written by a newer ESJA", world.snapshots.version())
    world.clock.advance(minutes=2)
    assert latest.current() is held
    world.snapshots.fail("read")
    world.clock.advance(minutes=2)
    assert latest.current() is held

    cold = LatestRecentTenders(world.snapshots, world.clock)
    world.snapshots.fail("read")
    with pytest.raises(Throttled):
        cold.current()
