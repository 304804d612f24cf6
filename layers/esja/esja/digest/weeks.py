"""The digest's weeks: ISO weeks in Montréal, named « 2026-W48 », Monday 00:00 to the next Monday 00:00;
and any run of days (Days: a day, a month, an edition of the programme) that figures are counted over.

The Tenders table files each tender under the week it was first seen and the week it reached its
status, named the same way (esja.store.tenders.iso_week).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from esja.clock import TIME_ZONE

_LABEL = re.compile(r"(\d{4})-W(\d{2})")


@dataclass(frozen=True, slots=True, order=True)
class Week:
    year: int
    number: int

    @classmethod
    def parse(cls, label: str) -> Week:
        """« 2026-W38 »; ValueError naming the expected form otherwise."""
        found = _LABEL.fullmatch(label.strip())
        if found is None:
            raise ValueError(f"not a week: {label!r} (expected an ISO week such as 2026-W38)")
        year, number = int(found[1]), int(found[2])
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:
            raise ValueError(f"not a week: {label!r} ({year} has no week {number})") from None
        return cls(year, number)

    @classmethod
    def containing(cls, moment: datetime) -> Week:
        year, number, _ = moment.astimezone(TIME_ZONE).isocalendar()
        return cls(year, number)

    @classmethod
    def last_complete(cls, moment: datetime) -> Week:
        """The last week that ended before `moment`: on Monday at 8:00, the week that ended at midnight."""
        return cls.containing(moment).previous

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.monday, time(), TIME_ZONE)

    @property
    def end(self) -> datetime:
        """The next Monday at 00:00 (excluded)."""
        return datetime.combine(self.monday + timedelta(days=7), time(), TIME_ZONE)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def previous(self) -> Week:
        return Week.containing(self.start - timedelta(days=1))

    def back(self, weeks: int) -> Week:
        """The week `weeks` weeks before this one."""
        return Week.containing(self.start - timedelta(days=7 * weeks - 1))

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def days(self) -> Days:
        return Days(self.monday, self.sunday)

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"


@dataclass(frozen=True, slots=True, order=True)
class Days:
    """From the first day's 00:00 to the day after the last, in Montréal: what a figure is counted over."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"{self.last} is before {self.first}")

    @classmethod
    def of(cls, moment: datetime) -> date:
        """The day a moment falls on, in Montréal."""
        return moment.astimezone(TIME_ZONE).date()

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), TIME_ZONE)

    @property
    def end(self) -> datetime:
        """The day after the last, at 00:00 (excluded)."""
        return datetime.combine(self.last + timedelta(days=1), time(), TIME_ZONE)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last

    @property
    def weeks(self) -> list[Week]:
        """The weeks the days fall in, in order."""
        found, week = [], Week.containing(self.start)
        while week.monday <= self.last:
            found.append(week)
            week = Week.containing(week.end)
        return found

    @property
    def months(self) -> list[Days]:
        """The days cut at each month's end: the first and last months may be partial."""
        found, first = [], self.first
        while first <= self.last:
            next_month = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            found.append(Days(first, min(self.last, next_month - timedelta(days=1))))
            first = next_month
        return found
