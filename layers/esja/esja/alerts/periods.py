"""The period a run sends for: its schedule's time, bucketed by frequency, in Montréal.

A recipient gets at most one alert per period. A replayed invocation (Lambda's retry, the schedule's
retry, an operator's re-run) carries the same scheduled time, hence the same period.
"""

from __future__ import annotations

from datetime import datetime

from esja.clock import TIME_ZONE
from esja.model import FREQUENCIES


def run_period(frequency: str, scheduled_at: datetime) -> str:
    """ "instant#2026-11-20T09" (the hour: instant runs are two hours apart), "daily#2026-11-20",
    "weekly#2026-W47"."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown alert frequency {frequency!r} (expected one of {', '.join(FREQUENCIES)})")
    local = scheduled_at.astimezone(TIME_ZONE)
    if frequency == "instant":
        return f"instant#{local:%Y-%m-%dT%H}"
    if frequency == "daily":
        return f"daily#{local:%Y-%m-%d}"
    year, week, _ = local.isocalendar()
    return f"weekly#{year}-W{week:02d}"
