"""Time as ESJA reads it: the present in UTC, and Montréal's time zone for everything a person reads or a
run belongs to (dates in e-mails, alert periods, digest weeks, spreadsheet dates without an offset)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# America/Toronto: the IANA zone Montréal shares (EventBridge Scheduler's schedules name it too).
TIME_ZONE = ZoneInfo("America/Toronto")


def utc_now() -> datetime:
    return datetime.now(UTC)
