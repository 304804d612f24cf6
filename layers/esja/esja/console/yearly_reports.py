"""The signatories' yearly reports in the organizers' console (/organisation/rapports-annuels): every report of a
year in the organizer's regions (all of them for an organizer of every region), their CSV export (audited: the
file leaves ESJA), and the date each region's reports are due (a setting per year, audited), from which the
reminders go (esja.signatory_space.reminders).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from esja.audit.log import Audit, Item
from esja.clock import TIME_ZONE
from esja.geo.regions import all_regions
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role
from esja.pledges.export import spreadsheet_cell
from esja.signatory_space.report import FIRST_YEAR, Deadline, YearlyReport

COLUMNS = (
    "year",
    "first_day",
    "last_day",
    "institution",
    "region",
    "amount",
    "count",
    "total",
    "share",
    "target_share",
    "enterprises",
    "found_awards",
    "found_amount",
    "found_invitations",
    "comment",
    "saved_at",
    "version",
)


class ReportsOfAYear(Protocol):
    def of_year(self, year: int) -> list[YearlyReport]: ...


class DeadlineBook(Protocol):
    def deadlines(self) -> list[Deadline]: ...
    def set_deadlines(self, deadlines: Iterable[Deadline]) -> None: ...


@dataclass(frozen=True, slots=True)
class ConsoleYear:
    year: int
    reports: tuple[YearlyReport, ...]  # in the organizer's regions, by region then institution
    deadlines: tuple[Deadline, ...]  # the organizer's regions' for the year


@dataclass(frozen=True, slots=True)
class ReportFile:
    csv: str
    count: int


class BadYear(ValueError):
    """Not a year reports can be about."""


class YearlyReportsConsole:
    def __init__(
        self, *, reports: ReportsOfAYear, deadlines: DeadlineBook, audit: Audit, clock: Callable[[], datetime]
    ) -> None:
        self._reports = reports
        self._deadlines = deadlines
        self._audit = audit
        self._clock = clock

    def default_year(self) -> int:
        """Last year: the one whose reports come in now."""
        return self._today().year - 1

    def year(self, actor: Actor, year: int) -> ConsoleYear:
        """Raises NotAllowed (not an organizer) or BadYear."""
        actor.require(Role.ORGANIZER)
        self._check(year)
        reports = tuple(
            sorted(
                (r for r in self._reports.of_year(year) if actor.covers(r.institution.region)),
                key=lambda r: (r.institution.region, r.institution.key),
            )
        )
        deadlines = tuple(
            sorted(
                (d for d in self._deadlines.deadlines() if d.year == year and actor.covers(d.region)),
                key=lambda d: d.region,
            )
        )
        return ConsoleYear(year, reports, deadlines)

    def export(self, actor: Actor, year: int) -> ReportFile:
        """The year's reports of the organizer's regions as CSV; written to the audit log."""
        shown = self.year(actor, year)
        regions = () if actor.covers_all else actor.grant.regions
        details = {"year": str(year), "count": str(len(shown.reports))}
        self._audit.record(actor, "reports.export", Item("reports", str(year)), regions=regions, details=details)
        return ReportFile(write_reports_csv(shown.reports), len(shown.reports))

    def set_deadline(self, actor: Actor, fields: Mapping[str, Sequence[str]]) -> tuple[Deadline, ...]:
        """The date the year's reports are due, for each of the organizer's regions; raises BadYear, or
        ValueError for a date that is none."""
        actor.require(Role.ORGANIZER)
        year_text, due_text = (_single(fields, name) for name in ("year", "due"))
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else 0
        self._check(year)
        due = date.fromisoformat(due_text)  # ValueError: not a date
        if not year < due.year <= year + 2:
            raise ValueError("a year's reports are due in the following year or the one after")
        regions = [r.code for r in all_regions()] if actor.covers_all else list(actor.grant.regions)
        if not regions:
            raise NotAllowed("an organizer without regions sets no deadline")
        now = self._clock()
        deadlines = tuple(Deadline(year, region, due, actor.item_id, now) for region in regions)
        self._deadlines.set_deadlines(deadlines)
        self._audit.record(
            actor,
            "report.deadline",
            Item("reports", str(year)),
            regions=tuple(regions),
            details={"year": str(year), "due": due.isoformat()},
        )
        return deadlines

    def _check(self, year: int) -> None:
        if not FIRST_YEAR <= year <= self._today().year + 1:
            raise BadYear(str(year))

    def _today(self) -> date:
        return self._clock().astimezone(TIME_ZONE).date()


def write_reports_csv(reports: Iterable[YearlyReport]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for report in reports:
        writer.writerow([spreadsheet_cell(value) for value in _row(report)])
    return out.getvalue()


def _row(report: YearlyReport) -> tuple[object, ...]:
    declared, found = report.declared, report.found
    return (
        declared.period.year,
        declared.period.first.isoformat(),
        declared.period.last.isoformat(),
        report.institution.name,
        report.institution.region,
        declared.amount,
        declared.count,
        declared.total,
        declared.share,
        report.target_share,
        "; ".join(declared.enterprises),
        found.count,
        found.amount,
        found.invitations,
        declared.comment,
        report.saved_at,
        report.version,
    )


def _single(fields: Mapping[str, Sequence[str]], name: str) -> str:
    sent = fields.get(name, ())
    return sent[0].strip() if len(sent) == 1 else ""
