"""The feeds as organizers watch them (esja.console.feeds): late against the schedule, SEAO's files that stopped
coming, a failure since the last success, what each poll read, counted and repaired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from esja.clock import TIME_ZONE
from esja.console.feeds import SCHEDULES, FeedStatus, FeedWatch, Schedule, State
from esja.ingest.feed_state import FeedState
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from tests.space_builders import CESIM, JULIE, MON_CHOIX, People

FRIDAY = datetime(2026, 12, 4, 10, tzinfo=TIME_ZONE)  # 10:00 in Montréal


def at(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def statuses(people: People, *states: FeedState, now: datetime = FRIDAY) -> dict[str, FeedStatus]:
    people.world.feed_states.saved = {state.feed: state for state in states}
    people.world.clock.now = now.astimezone(UTC)
    page = people.world.build(FeedWatch).statuses(people.actor(CESIM.email, Role.ORGANIZER, "cesim"))
    return {status.feed: status for status in page.feeds}


@pytest.fixture
def people() -> People:
    return People()


def test_a_feed_read_at_its_last_run_is_up_to_date(people: People) -> None:
    seao = FeedState(
        "seao", last_success_at=at(FRIDAY.replace(hour=7, minute=16)), processed=["hebdo_20261123_20261129.json"]
    )

    found = statuses(people, seao)["seao"]

    assert found.state is State.UP_TO_DATE and not found.late


def test_a_feed_without_a_success_since_its_last_scheduled_run_is_late(people: People) -> None:
    yesterday = FeedState("seao", last_success_at=at(FRIDAY - timedelta(days=1, hours=2)))

    found = statuses(people, yesterday)["seao"]

    assert found.state is State.LATE and found.missed_run
    assert found.expected_at == FRIDAY.replace(hour=7, minute=15)


def test_the_grace_hour_leaves_a_run_its_retries(people: People) -> None:
    seao = FeedState("seao", last_success_at=at(FRIDAY - timedelta(days=1)))

    found = statuses(people, seao, now=FRIDAY.replace(hour=8))["seao"]  # 45 minutes after today's run

    assert found.state is State.UP_TO_DATE


def test_seao_read_every_day_but_without_a_new_weekly_file_is_late(people: People) -> None:
    """The polls succeed, the listing has nothing new: SEAO stopped arriving."""
    seao = FeedState(
        "seao",
        last_success_at=at(FRIDAY.replace(hour=7, minute=16)),
        processed=["hebdo_20261109_20261115.json", "hebdo_20261116_20261122.json", "mensuel_20261001_20261031.json"],
    )

    found = statuses(people, seao)["seao"]

    assert found.state is State.LATE and found.stale_data and not found.missed_run
    assert str(found.data_until) == "2026-11-22"
    assert [f.name for f in found.files] == [
        "hebdo_20261116_20261122.json",
        "hebdo_20261109_20261115.json",
        "mensuel_20261001_20261031.json",
    ]


def test_a_failure_after_the_last_success_shows_failing_with_its_error(people: People) -> None:
    failing = FeedState(
        "canadabuys-new",
        last_success_at=at(FRIDAY - timedelta(days=2)),
        last_error="https://canadabuys.canada.ca/…: HTTP 503",
        last_error_at=at(FRIDAY - timedelta(hours=1)),
    )
    recovered = FeedState(
        "canadabuys-open",
        last_success_at=at(FRIDAY.replace(hour=6, minute=31)),
        last_error="HTTP 503",
        last_error_at=at(FRIDAY - timedelta(days=1)),
    )

    found = statuses(people, failing, recovered)

    assert found["canadabuys-new"].state is State.FAILING
    assert found["canadabuys-open"].state is State.UP_TO_DATE
    assert found["canadabuys-open"].last_error == "HTTP 503"  # the last one, and past


def test_a_business_days_feed_is_not_late_over_the_weekend(people: People) -> None:
    friday_evening = FeedState("canadabuys-new", last_success_at=at(FRIDAY.replace(hour=19, minute=2)))
    monday_early = FRIDAY + timedelta(days=3, hours=-4)  # Monday 6:00

    found = statuses(people, friday_evening, now=monday_early)["canadabuys-new"]

    assert found.state is State.UP_TO_DATE
    assert found.expected_at == FRIDAY.replace(hour=19, minute=0)


def test_every_configured_feed_shows_even_never_read_and_a_feed_of_its_own_has_no_schedule(people: People) -> None:
    other = FeedState("montreal-ocds", last_success_at=at(FRIDAY - timedelta(days=30)))

    found = statuses(people, other)

    assert list(found) == ["seao", "canadabuys-new", "canadabuys-open", "montreal-ocds"]
    assert found["seao"].state is State.NEVER_READ
    assert found["montreal-ocds"].state is State.UP_TO_DATE
    assert found["montreal-ocds"].expected_at is None


def test_the_last_polls_counts_repairs_and_linked_releases_are_shown(people: People) -> None:
    repairs = {"tender.value.amount (empty: no value)": {"count": 12, "records": ["releases[3] ocds-1"]}}
    state = FeedState(
        "montreal-ocds",
        last_success_at=at(FRIDAY),
        last_counts={"records": 40, "new": 3},
        totals={"records": 400, "new": 30},
        last_repairs=repairs,
        linked_file="abc",
        linked_next=100,
        etag='"v7"',
    )

    found = statuses(people, state)["montreal-ocds"]

    assert found.last_counts["new"] == 3 and found.totals["records"] == 400
    [repair] = found.repairs
    assert (repair.count, repair.records) == (12, ("releases[3] ocds-1",))
    assert found.linked_next == 100 and found.file_version == '"v7"'


def test_the_schedules_read_as_eventbridge_runs_them() -> None:
    business = SCHEDULES["canadabuys-new"]

    assert business.hours == (7, 9, 11, 13, 15, 17, 19) and business.weekdays == frozenset(range(5))
    assert Schedule.parse("cron(45 7 ? * SAT,SUN *)").weekdays == frozenset({5, 6})
    with pytest.raises(ValueError):
        Schedule.parse("rate(5 minutes)")


def test_only_organizers_watch_the_feeds(people: People) -> None:
    with pytest.raises(NotAllowed):
        people.world.build(FeedWatch).statuses(people.actor(JULIE.email, Role.ENTERPRISE, MON_CHOIX.id))
