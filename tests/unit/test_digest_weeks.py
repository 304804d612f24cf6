"""The digest's weeks are Montréal's ISO weeks, named as the Tenders table files tenders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from esja.clock import TIME_ZONE
from esja.digest.weeks import Week
from esja.store.tenders import iso_week


def test_a_week_runs_from_monday_midnight_to_the_next_in_montreal() -> None:
    week = Week.parse("2026-W47")

    assert week.start == datetime(2026, 11, 16, tzinfo=TIME_ZONE)
    assert week.end == datetime(2026, 11, 23, tzinfo=TIME_ZONE)
    assert str(week) == "2026-W47"
    assert week.contains(datetime(2026, 11, 23, 4, 59, tzinfo=UTC))  # Sunday 23:59 in Montréal
    assert not week.contains(datetime(2026, 11, 23, 5, 0, tzinfo=UTC))


def test_the_monday_run_reports_the_week_that_just_ended() -> None:
    monday_8am = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)

    assert Week.last_complete(monday_8am) == Week.parse("2026-W47")
    assert Week.last_complete(monday_8am + timedelta(hours=2)) == Week.parse("2026-W47")  # a retry


def test_weeks_across_the_change_of_time_and_of_year() -> None:
    autumn = Week.parse("2026-W44")  # clocks go back on Sunday 1 November 2026
    assert autumn.end.astimezone(UTC) - autumn.start.astimezone(UTC) == timedelta(days=7, hours=1)
    assert Week.parse("2027-W01").previous == Week.parse("2026-W53")
    assert Week.parse("2026-W47").back(3) == Week.parse("2026-W44")


def test_weeks_are_named_as_the_tenders_table_names_them() -> None:
    for hours in range(0, 24 * 21, 5):
        moment = datetime(2026, 10, 25, tzinfo=UTC) + timedelta(hours=hours)
        assert str(Week.containing(moment)) == iso_week(moment)


@pytest.mark.parametrize("label", ["2026-47", "2026-W7", "W47", ""])
def test_a_malformed_week_is_refused_with_the_expected_form(label: str) -> None:
    with pytest.raises(ValueError, match="2026-W38"):
        Week.parse(label)


def test_a_week_the_year_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="2025 has no week 53"):
        Week.parse("2025-W53")
