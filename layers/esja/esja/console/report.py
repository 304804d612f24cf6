"""The programme report (/organisation/rapport?du=2026-10-01&au=2027-05-31): for any run of days — an edition
of the programme runs from October to May — the digest's figures summed over the range and month by month,
for the organizer's regions (every region for one who has them all).

One computation, not two: the tenders' and pledges' figures are the digest's own (esja.digest.figures),
kept for every week that is over and worked out now only for the week going on (and the last one until its
digest ran); the alerts and the contracts won are read from each enterprise's Matches items, as the digest
reads them, because they are not sums (an enterprise alerted in two months is one enterprise over both) or
may still change. A year's range reads: one BatchGetItem for its weeks' figures, one Query per enterprise
of the organizer's regions, and the pledges and enterprises (README, « The programme report »).

The report's figures are ROWS, one list: a new figure is one Row more. Beside them, what the signatories
reported (esja.signatory_space.reports): for each year the range touches, their yearly reports' purchases from
social-economy enterprises, against the targets they set.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from esja.clock import TIME_ZONE
from esja.digest.figure_book import FigureBook, WorkedOut
from esja.digest.figures import (
    PLEDGES,
    SIGNATORY_AMOUNT,
    SIGNATORY_AWARDS,
    TARGET_TOTAL,
    TARGETS,
    TENDERS_IN_QUEBEC,
    TENDERS_IN_REGIONS,
    Line,
)
from esja.digest.organizers import Organizer
from esja.digest.sections import verified_at
from esja.digest.week_data import EnterpriseActivity, MatchRecord, WonRecord
from esja.digest.weeks import Days, Week
from esja.matching.regions import ALL_QUEBEC
from esja.model import Enterprise, Profile
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.pledges.model import Pledge, PledgeStatus
from esja.signatory_space.report import YearlyReport

MAX_YEARS = 3  # three editions at most: a range is read in one request
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
LIVE_WEEKS = 2  # the week going on, and the last one until its digest ran (Monday 8:00)
EDITION_START, EDITION_END = (10, 1), (5, 31)  # an edition of the programme: October 1 to May 31


class Unit(StrEnum):
    COUNT = "count"
    MONEY = "money"  # CAD
    PERCENT = "percent"


class EnterpriseList(Protocol):
    def load(self) -> tuple[list[Enterprise], list[Profile]]: ...


class ActivitySource(Protocol):
    def activities_of(self, enterprise_ids: Sequence[str]) -> dict[str, EnterpriseActivity]:
        """Each enterprise's matches and contracts won (one Query an enterprise)."""
        ...


class PledgeList(Protocol):
    def everything(self, now: datetime) -> Iterable[Pledge]: ...


class ReportsOfAYear(Protocol):
    def of_year(self, year: int) -> list[YearlyReport]: ...


class Counted:
    """What the rows are counted from, already cut to the organizer's regions, sorted once so that each row of
    each month picks its part without reading the rest (a year of an organizer of every region: some 50,000
    matches, 10,000 lines)."""

    def __init__(self, lines: Iterable[Line], matches: Iterable[MatchRecord], won: Iterable[WonRecord]) -> None:
        self._lines: dict[str, list[Line]] = {}
        for line in sorted(lines, key=lambda line: line.day):
            self._lines.setdefault(line.figure, []).append(line)
        self._days = {figure: [line.day for line in found] for figure, found in self._lines.items()}
        self._alerted = sorted((m for m in matches if m.alerted), key=lambda m: m.matched_at)
        self._alerted_at = [m.matched_at for m in self._alerted]
        self._won = sorted(won, key=lambda w: w.found_at)
        self._won_at = [w.found_at for w in self._won]

    def figure(self, name: str, days: Days) -> Decimal:
        found, on = self._lines.get(name, []), self._days.get(name, [])
        chosen = found[bisect_left(on, days.first) : bisect_right(on, days.last)]
        return sum((line.value for line in chosen), Decimal(0))

    def alerted(self, days: Days) -> list[MatchRecord]:
        """Matches someone was told about, by the moment they matched (the digest's alerts)."""
        return self._alerted[bisect_left(self._alerted_at, days.start) : bisect_left(self._alerted_at, days.end)]

    def won_in(self, days: Days) -> list[WonRecord]:
        return self._won[bisect_left(self._won_at, days.start) : bisect_left(self._won_at, days.end)]


@dataclass(frozen=True, slots=True)
class Row:
    """One figure of the report: `key` names its wording (console.report.row.<key>) and its CSV line."""

    key: str
    section: str  # tenders | pledges | outcomes: the page's headings
    unit: Unit
    value: Callable[[Counted, Days], Decimal | None]  # None: nothing to say (an average of nothing)


def _figure(name: str) -> Callable[[Counted, Days], Decimal]:
    return lambda counted, days: counted.figure(name, days)


def _average_target(counted: Counted, days: Days) -> Decimal | None:
    targets = counted.figure(TARGETS, days)
    return (counted.figure(TARGET_TOTAL, days) / targets).quantize(Decimal("0.1")) if targets else None


def _won_amount(counted: Counted, days: Days) -> Decimal:
    """Each award once, however many registered enterprises share it (esja.digest.outcomes.total_amount)."""
    awards = {w.award: w.amount or Decimal(0) for w in counted.won_in(days)}
    return sum(awards.values(), Decimal(0))


ROWS: tuple[Row, ...] = (
    Row("tenders.quebec", "tenders", Unit.COUNT, _figure(TENDERS_IN_QUEBEC)),
    Row("tenders.regions", "tenders", Unit.COUNT, _figure(TENDERS_IN_REGIONS)),
    Row("alerts.tenders", "tenders", Unit.COUNT, lambda c, d: Decimal(len({m.tender_key for m in c.alerted(d)}))),
    Row(
        "alerts.enterprises", "tenders", Unit.COUNT, lambda c, d: Decimal(len({m.enterprise_id for m in c.alerted(d)}))
    ),
    Row("pledges.new", "pledges", Unit.COUNT, _figure(PLEDGES["new"])),
    Row("pledges.confirmed", "pledges", Unit.COUNT, _figure(PLEDGES["confirmed"])),
    Row("pledges.verified", "pledges", Unit.COUNT, _figure(PLEDGES["verified"])),
    Row("pledges.withdrawn", "pledges", Unit.COUNT, _figure(PLEDGES["withdrawn"])),
    Row("pledges.target", "pledges", Unit.PERCENT, _average_target),
    Row("won.count", "outcomes", Unit.COUNT, lambda c, d: Decimal(len(c.won_in(d)))),
    Row("won.amount", "outcomes", Unit.MONEY, _won_amount),
    Row("signatory_awards.count", "outcomes", Unit.COUNT, _figure(SIGNATORY_AWARDS)),
    Row("signatory_awards.amount", "outcomes", Unit.MONEY, _figure(SIGNATORY_AMOUNT)),
)
SECTIONS = tuple(dict.fromkeys(row.section for row in ROWS))


@dataclass(frozen=True, slots=True)
class Month:
    days: Days  # cut to the range at either end
    partial: bool  # the range starts or ends inside it
    to_come: bool  # not begun yet: nothing to count

    @property
    def label(self) -> str:
        return f"{self.days.first:%Y-%m}"


@dataclass(frozen=True, slots=True)
class ReportLine:
    row: Row
    months: tuple[Decimal | None, ...]  # one per month; None for a month to come, or nothing to say
    total: Decimal | None  # over the whole range (distinct counts are counted over it, not added)


@dataclass(frozen=True, slots=True)
class VerifiedPledge:
    institution: str
    region: str
    verified_on: date
    target_share: int | None


@dataclass(frozen=True, slots=True)
class ReportedYear:
    """The yearly reports of a year, in the organizer's regions: what the signatories bought from social-economy
    enterprises, and how that compares with the targets they set."""

    year: int  # a fiscal year counts in the year it ends in (2025-2026: 2026)
    reports: int
    fiscal: int  # … of which of a fiscal year
    amount: Decimal  # declared purchases from social-economy enterprises
    purchases: int
    with_share: int  # reports that gave their total purchases (a share to compare with a target)
    meeting_target: int  # … whose share reached the target the pledge set
    average_target: Decimal | None  # of the reports made with a target

    @classmethod
    def of(cls, year: int, reports: Sequence[YearlyReport]) -> ReportedYear:
        targets = [r.target_share for r in reports if r.target_share is not None]
        average = (Decimal(sum(targets)) / len(targets)).quantize(Decimal("0.1")) if targets else None
        return cls(
            year,
            len(reports),
            sum(1 for r in reports if r.declared.period.fiscal),
            sum((r.declared.amount for r in reports), Decimal(0)),
            sum(r.declared.count for r in reports),
            sum(1 for r in reports if r.declared.share is not None),
            sum(1 for r in reports if r.meets_target),
            average,
        )


@dataclass(frozen=True, slots=True)
class ProgrammeReport:
    days: Days
    months: tuple[Month, ...]
    lines: tuple[ReportLine, ...]
    verified: tuple[VerifiedPledge, ...]  # pledges of the regions verified in the range and still in force
    worked_out: tuple[Week, ...]  # weeks not over (or not yet digested): worked out from the tables now
    missing: tuple[Week, ...]  # weeks over whose figures were never kept: `esja digest figures` keeps them
    as_of: datetime
    reported: tuple[ReportedYear, ...] = ()  # the signatories' yearly reports of each year the range touches

    def section(self, name: str) -> tuple[ReportLine, ...]:
        return tuple(line for line in self.lines if line.row.section == name)


class RangeError(ValueError):
    """A report's dates that cannot be: `fields` names the wrong ones, `reason` the wording's key."""

    def __init__(self, reason: str, *fields: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fields = fields


def read_range(first: str, last: str, today: date) -> Days:
    """The days a report asks for (`du`, `au`: YYYY-MM-DD), the edition in progress when both are empty;
    RangeError naming what is wrong."""
    if not first and not last:
        return edition_of(today)
    days = {}
    for field, text in (("du", first), ("au", last)):
        try:
            days[field] = date.fromisoformat(text.strip())
        except ValueError:
            raise RangeError("not_a_day", field) from None
        if not FIRST_DAY <= days[field] <= LAST_DAY:
            raise RangeError("out_of_bounds", field)
    if days["au"] < days["du"]:
        raise RangeError("reversed", "du", "au")
    if too_long(days["du"], days["au"]):
        raise RangeError("too_long", "du", "au")
    return Days(days["du"], days["au"])


def too_long(first: date, last: date) -> bool:
    """More than MAX_YEARS: 2022-10-01 to 2025-09-30 is three years, to 2025-10-01 one day more."""
    month_day = (first.month, first.day) if (first.month, first.day) != (2, 29) else (3, 1)
    return last >= date(first.year + MAX_YEARS, *month_day)


def edition_of(today: date) -> Days:
    """The edition in progress (October 1 to May 31), or between two, the one that just ended."""
    start_year = today.year if today.month >= EDITION_START[0] else today.year - 1
    return Days(date(start_year, *EDITION_START), date(start_year + 1, *EDITION_END))


class ProgrammeReports:
    def __init__(
        self,
        *,
        book: FigureBook,
        enterprises: EnterpriseList,
        matches: ActivitySource,
        pledges: PledgeList,
        reports: ReportsOfAYear,
        clock: Callable[[], datetime],
    ) -> None:
        self._figures = book
        self._enterprises = enterprises
        self._activity = matches
        self._pledges = pledges
        self._reports = reports
        self._clock = clock

    def asked(self, first: str, last: str) -> Days:
        """The days of `du` and `au` as a page gives them (RangeError), the edition in progress if neither."""
        return read_range(first, last, self._clock().astimezone(TIME_ZONE).date())

    def report(self, actor: Actor, days: Days) -> ProgrammeReport:
        actor.require(Role.ORGANIZER)
        if not FIRST_DAY <= days.first <= days.last <= LAST_DAY or too_long(days.first, days.last):
            raise RangeError("too_long", "du", "au")
        now = self._clock()
        today = now.astimezone(TIME_ZONE).date()
        begun = [week for week in days.weeks if week.start <= now]
        kept = self._figures.kept(begun)
        recent = {Week.containing(now).back(n) for n in range(LIVE_WEEKS)}
        live = [week for week in begun if week not in kept and week in recent]
        worked = self._figures.work_out_weeks(live)
        regions = _regions(actor)
        lines = [
            line
            for figures in (*kept.values(), *(w.figures for w in worked))
            for line in figures.lines
            if line.counts_for(regions)
        ]
        counted = Counted(lines, *self._activity_in(actor, worked))
        months = tuple(Month(m, m.first.day != 1 or not _last_of_month(m.last), m.first > today) for m in days.months)
        report_lines = tuple(
            ReportLine(
                row,
                tuple(None if month.to_come else row.value(counted, month.days) for month in months),
                row.value(counted, days),
            )
            for row in ROWS
        )
        return ProgrammeReport(
            days=days,
            months=months,
            lines=report_lines,
            verified=tuple(self._verified(actor, days, now)),
            worked_out=tuple(live),
            missing=tuple(week for week in begun if week not in kept and week not in recent),
            as_of=now,
            reported=tuple(self._reported(actor, days, today)),
        )

    def _reported(self, actor: Actor, days: Days, today: date) -> list[ReportedYear]:
        """Each year the range touches, up to this one, with its reports of the organizer's regions."""
        years = range(days.first.year, min(days.last.year, today.year) + 1)
        found = [
            (year, [r for r in self._reports.of_year(year) if actor.covers(r.institution.region)]) for year in years
        ]
        return [ReportedYear.of(year, reports) for year, reports in found if reports]

    def _activity_in(
        self, actor: Actor, worked: Sequence[WorkedOut]
    ) -> tuple[tuple[MatchRecord, ...], tuple[WonRecord, ...]]:
        """The matches and contracts won of the organizer's enterprises (not those an enterprise denied); the
        contracts of the weeks worked out now are not recorded yet (the weekly run records them): they come from the
        week's awards."""
        coverage = Organizer(actor.item_id, actor.grant.label, "", regions=_regions(actor) or (ALL_QUEBEC,))
        enterprises, _ = self._enterprises.load()
        mine = {e.id for e in enterprises if coverage.covers_enterprise(e)}
        matches: list[MatchRecord] = []
        won: dict[tuple[str, str, str], WonRecord] = {}
        denied: set[tuple[str, str, str]] = set()
        for enterprise_id, activity in self._activity.activities_of(sorted(mine)).items():
            matches += activity.matches
            denied |= {(enterprise_id, *award) for award in activity.denied}
            for record in activity.won:
                won.setdefault((record.enterprise_id, *record.award), record)
        for week in worked:
            for found in week.won:
                key = (found.enterprise_id, found.tender_key, found.award_id)
                if found.enterprise_id in mine and found.found_at is not None and key not in denied:
                    record = WonRecord(
                        found.enterprise_id, found.tender_key, found.award_id, found.amount, found.found_at
                    )
                    won.setdefault((record.enterprise_id, *record.award), record)
        return tuple(matches), tuple(won.values())

    def _verified(self, actor: Actor, days: Days, now: datetime) -> list[VerifiedPledge]:
        found = []
        for pledge in self._pledges.everything(now):
            verified = verified_at(pledge)
            in_force = pledge.status is PledgeStatus.CONFIRMED
            if verified is not None and in_force and days.contains(verified) and actor.covers(pledge.details.region):
                details = pledge.details
                day = verified.astimezone(TIME_ZONE).date()
                found.append(VerifiedPledge(details.institution_name, details.region, day, details.target_share))
        return sorted(found, key=lambda p: (p.verified_on, p.institution))


def _regions(actor: Actor) -> tuple[str, ...] | None:
    """The region codes an organizer covers; None for every region."""
    return None if actor.covers_all else actor.grant.regions


def _last_of_month(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1
