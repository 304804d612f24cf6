"""A signatory institution's yearly report (commitments 3 and 4 of the declaration): what it bought from
social-economy enterprises in a year, beside what ESJA found for it — the contracts it awarded to registered
enterprises, the invitations it sent — and the target share chosen at signing.

One report per institution and year (its people share it, as they share its invitations). The year is the one
the period ends in: the calendar year, or a fiscal year starting any month (a cégep's July 2025 to June 2026 is
its 2026 report), as the institution keeps its books.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from esja.clock import TIME_ZONE
from esja.signatory_space.invitation import Institution

FIRST_YEAR = 2020  # the programme's first reports
MAX_ENTERPRISES = 50  # named in one report
CALENDAR_START = 1  # a period starting in January is the calendar year


@dataclass(frozen=True, slots=True)
class Period:
    """The year a report covers: it ends in `year`; it starts on the first of `start_month` (January: the
    calendar year; any other month: that month of the year before)."""

    year: int
    start_month: int = CALENDAR_START

    @property
    def fiscal(self) -> bool:
        return self.start_month != CALENDAR_START

    @property
    def first(self) -> date:
        return date(self.year - self.fiscal, self.start_month, 1)

    @property
    def last(self) -> date:
        month = (self.start_month - 2) % 12 + 1  # the month before the start
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def covers(self, moment: datetime | date) -> bool:
        day = moment.astimezone(TIME_ZONE).date() if isinstance(moment, datetime) else moment
        return self.first <= day <= self.last

    @property
    def label(self) -> str:
        """« 2026 », or « 2025-2026 » for a fiscal year."""
        return f"{self.year - 1}-{self.year}" if self.fiscal else str(self.year)


@dataclass(frozen=True, slots=True)
class Declared:
    """What the institution says of its year (esja.signatory_space.report_form reads it from the page)."""

    period: Period
    amount: Decimal  # bought from social-economy enterprises, in Canadian dollars
    count: int  # how many purchases (contracts, orders)
    total: Decimal | None = None  # all its purchases in the year, if it wants to say
    enterprises: tuple[str, ...] = ()  # the enterprises concerned, as it names them
    comment: str = ""

    @property
    def share(self) -> Decimal | None:
        """Per cent of its purchases from social-economy enterprises, when it gave its total."""
        if not self.total:
            return None
        return (self.amount * 100 / self.total).quantize(Decimal("0.1"))


@dataclass(frozen=True, slots=True)
class Award:
    """A contract this institution awarded to a registered enterprise, as the publishers show it."""

    tender_key: str
    award_id: str
    enterprise_id: str
    enterprise_name: str
    title: str
    amount: Decimal | None
    awarded_on: date | None


@dataclass(frozen=True, slots=True)
class Found:
    """What ESJA found for the year when the report was saved: the awards, and the invitations it sent."""

    awards: tuple[Award, ...] = ()
    invitations: int = 0

    @property
    def amount(self) -> Decimal:
        """Each award once, whatever the number of registered enterprises sharing it."""
        once = {(a.tender_key, a.award_id): a.amount or Decimal(0) for a in self.awards}
        return sum(once.values(), Decimal(0))

    @property
    def count(self) -> int:
        return len({(a.tender_key, a.award_id) for a in self.awards})

    @property
    def enterprises(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.enterprise_name for a in sorted(self.awards, key=lambda a: a.enterprise_name)))


@dataclass(frozen=True, slots=True)
class YearlyReport:
    institution: Institution
    declared: Declared
    found: Found
    target_share: int | None  # the pledge's target when the report was saved
    saved_at: datetime
    saved_by: str = field(repr=False)  # the pledge acted for (never an address)
    version: int = 1  # +1 on every save: two people editing at once never overwrite each other unseen

    @property
    def year(self) -> int:
        return self.declared.period.year

    @property
    def meets_target(self) -> bool | None:
        share = self.declared.share
        return None if share is None or self.target_share is None else share >= self.target_share


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a region's institutions owe their report of `year`: a date its organizers set (the console). The
    reminders go that day, then once more a month later (esja.signatory_space.reminders)."""

    year: int
    region: str
    due: date
    set_by: str = ""  # the organizer's id
    set_at: datetime | None = None
