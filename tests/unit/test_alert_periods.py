"""Alert periods: what makes two invocations "the same run" (a replay sends nothing twice)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from esja.alerts.periods import run_period


def test_a_period_is_the_schedules_hour_day_or_week_in_montreal() -> None:
    morning = datetime(2026, 11, 20, 14, 20, tzinfo=UTC)  # 9:20 in Montréal

    assert run_period("instant", morning) == "instant#2026-11-20T09"
    assert run_period("daily", datetime(2026, 11, 21, 3, 0, tzinfo=UTC)) == "daily#2026-11-20"  # 22:00 the day before
    assert run_period("weekly", morning) == "weekly#2026-W47"


def test_retries_of_one_invocation_share_its_period_and_the_next_run_does_not() -> None:
    at_seven = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

    assert run_period("daily", at_seven) == run_period("daily", at_seven.replace(minute=50))
    assert run_period("daily", at_seven) != run_period("daily", at_seven.replace(day=21))


def test_an_unknown_frequency_is_refused() -> None:
    with pytest.raises(ValueError, match="hourly"):
        run_period("hourly", datetime(2026, 11, 20, tzinfo=UTC))
