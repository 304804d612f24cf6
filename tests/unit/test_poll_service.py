"""poll on fakes (tests/fakes.py): what is stored, announced and remembered, and what a fault leaves."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from esja.ingest.poll import FileOutcome, PollReport, PollService
from esja.sources.catalogue import SEAO_DATASET_ID, FeedConfig
from esja.sources.http import FetchError
from local.feed_server import ckan_package_show
from tests.fakes import FakeWorld
from tests.feed_builders import canadabuys_csv, canadabuys_row, seao_package, seao_release

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
CSV_URL = "https://canadabuys.example/new.csv"
CKAN_URL = f"https://donneesquebec.example/package_show?id={SEAO_DATASET_ID}"
FEEDS = {
    "canadabuys-new": FeedConfig("canadabuys-new", "canadabuys", CSV_URL),
    "seao": FeedConfig("seao", "seao", CKAN_URL),
}


def poll(world: FakeWorld, source: str) -> PollReport:
    return world.build(PollService, seao_backfill_weeks=2, feeds=FEEDS).poll_source(source)


@pytest.fixture
def world() -> FakeWorld:
    world = FakeWorld(NOW)
    world.fetcher.publish(CSV_URL, canadabuys_csv(canadabuys_row("cb-1-000001"), canadabuys_row("cb-1-000002")))
    return world


def test_a_new_file_is_stored_announced_and_remembered(world: FakeWorld) -> None:
    report = poll(world, "canadabuys-new")

    assert report.ok and (report.totals["new"], report.totals["announced"]) == (2, 2)
    assert set(world.tenders.stored) == {"canadabuys:cb-1-000001", "canadabuys:cb-1-000002"}
    state = world.feed_states.saved["canadabuys-new"]
    assert state.last_success_at == NOW.isoformat() and state.totals["new"] == 2


def test_an_unchanged_repoll_writes_and_announces_nothing(world: FakeWorld) -> None:
    poll(world, "canadabuys-new")
    before = dict(world.tenders.stored)

    again = poll(world, "canadabuys-new")

    assert (again.totals["unchanged"], again.totals["new"], again.totals["announced"]) == (2, 0, 0)
    assert world.tenders.stored == before and len(world.announcer.announced) == 2


def test_a_file_not_modified_since_its_etag_is_not_read_again(world: FakeWorld) -> None:
    world.fetcher.publish(CSV_URL, canadabuys_csv(canadabuys_row("cb-1-000001")), etag='"v1"')
    poll(world, "canadabuys-new")

    again = poll(world, "canadabuys-new")

    assert again.files[0].outcome is FileOutcome.NOT_MODIFIED and again.ok


def test_throttled_writes_leave_the_cursor_and_the_next_run_catches_up(world: FakeWorld) -> None:
    world.fetcher.publish(CSV_URL, canadabuys_csv(canadabuys_row("cb-1-000001")), etag='"v1"')
    world.tenders.fail("write")

    failed = poll(world, "canadabuys-new")

    assert not failed.ok and "ThrottlingException" in str(failed.files[0].error)
    state = world.feed_states.saved["canadabuys-new"]
    assert state.etag is None and state.last_error  # the file will be fetched again in full
    caught_up = poll(world, "canadabuys-new")
    after = world.feed_states.saved["canadabuys-new"]
    assert caught_up.ok and caught_up.totals["new"] == 1
    assert after.last_error and after.last_success_at and after.last_error_at  # kept, for the console
    assert datetime.fromisoformat(after.last_success_at) >= datetime.fromisoformat(after.last_error_at)  # past


def test_a_publisher_down_changes_nothing_but_the_last_error(world: FakeWorld) -> None:
    world.fetcher.publish(CSV_URL, FetchError(f"{CSV_URL}: HTTP 503"))

    report = poll(world, "canadabuys-new")

    assert report.files[0].outcome is FileOutcome.FAILED and world.tenders.stored == {}
    assert world.announcer.announced == [] and "HTTP 503" in str(world.feed_states.saved["canadabuys-new"].last_error)


def test_a_feed_nobody_configured_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown feed 'nowhere'"):
        poll(FakeWorld(NOW), "nowhere")


def test_seao_reads_the_pending_weekly_files_oldest_first_then_only_new_ones() -> None:
    world = FakeWorld(NOW)
    paths = [f"/hebdo_202611{d:02d}_202611{d + 6:02d}.json" for d in (2, 9, 16)]
    world.fetcher.publish(CKAN_URL, ckan_package_show("https://donneesquebec.example", paths))
    for n, path in enumerate(paths):
        release = seao_release(f"ocds-x-{n}", f"2026110{n + 1}150000")
        world.fetcher.publish(f"https://donneesquebec.example{path}", seao_package(release))

    first = poll(world, "seao")
    second = poll(world, "seao")

    assert [f.name for f in first.files] == ["hebdo_20261109_20261115.json", "hebdo_20261116_20261122.json"]
    assert first.totals["new"] == 2  # two weeks back from the latest file: the first week is history
    assert [f.name for f in second.files] == []
