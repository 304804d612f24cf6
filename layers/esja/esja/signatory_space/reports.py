"""The yearly reports a signatory institution writes in its space (/signataire/rapports).

Each action takes the Actor first: a signatory (the pledge's own signer or a colleague), its pledge read again
(withdrawn or no longer verified: the space is lost at once). A report belongs to the institution, as its
invitations do: another institution's is refused as one that does not exist (NotAllowed, hidden).

The form comes pre-filled with what ESJA knows of the year: the contracts the institution awarded to
registered enterprises, read in the awards the publishers published (esja.digest.outcomes, the digest's own
functions, on the institution's own tenders found as the digest finds them: esja.signatory_space.own_tenders),
and the invitations it sent from its space. What it found is kept beside what the institution declares.
Every save is conditional on the version shown (two people of one institution never overwrite each other
unseen) and written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from esja.audit.log import Audit, Item
from esja.clock import TIME_ZONE
from esja.digest.outcomes import SupplierDirectory, contracts_won
from esja.model import Enterprise, Profile, Status
from esja.people.actor import Actor, NotAllowed
from esja.pledges.form import Form
from esja.pledges.model import Pledge
from esja.signatory_space.acting import PledgeLookup, acting_pledge
from esja.signatory_space.invitation import Institution
from esja.signatory_space.own_tenders import OwnTenders
from esja.signatory_space.report import (
    CALENDAR_START,
    FIRST_YEAR,
    Award,
    Declared,
    Found,
    Period,
    YearlyReport,
)
from esja.signatory_space.report_form import ReportForm, form_version, read_report_form, report_values


class ReportBook(Protocol):
    def reports_of(self, institution_key: str) -> list[YearlyReport]: ...

    def save(self, report: YearlyReport, *, expected_version: int) -> bool:
        """Written only if the stored report is still at `expected_version` (0: none yet); False otherwise."""
        ...


class ReportDeadlines(Protocol):
    def deadline(self, year: int, region: str) -> date | None:
        """When the reports of `year` are due in `region`, if its organizers set a date."""
        ...


class RegisteredEnterprises(Protocol):
    def load(self) -> tuple[list[Enterprise], list[Profile]]: ...


class Posted(Protocol):
    @property
    def published_at(self) -> datetime: ...


class InvitationsSent(Protocol):
    def of_institution(self, institution_key: str) -> Sequence[Posted]: ...


@dataclass(frozen=True, slots=True)
class Signatory:
    """Whom a page of the reports is for: the pledge acted for and its institution."""

    pledge: Pledge
    institution: Institution


@dataclass(frozen=True, slots=True)
class YearBar:
    """One year of the chart: the amount bought from social-economy enterprises, and the share against the
    target. Widths are fifths of ten per cent (esja site.css `w5`…`w100`), 0 for nothing to draw."""

    report: YearlyReport
    amount_width: int
    share_width: int
    target_width: int


@dataclass(frozen=True, slots=True)
class Overview:
    signatory: Signatory
    reports: tuple[YearlyReport, ...]  # the latest year first
    bars: tuple[YearBar, ...]  # the oldest year first
    due: tuple[tuple[int, date], ...]  # (year, due date) of the years still to report in the region
    next_year: int  # the year to report now: the latest whose period is over


@dataclass(frozen=True, slots=True)
class Draft:
    signatory: Signatory
    period: Period
    report: YearlyReport | None  # as saved, if it was
    found: Found  # what ESJA finds for the period now
    form: ReportForm  # the values to show: the report's, else pre-filled with what was found
    earlier: tuple[YearlyReport, ...]  # the years before, oldest first
    due: date | None


@dataclass(frozen=True, slots=True)
class Saved:
    report: YearlyReport | None  # None: nothing saved (see the form's errors, or `conflict`)
    form: ReportForm
    conflict: bool = False  # saved by someone else since the form was shown


class YearlyReports:
    def __init__(
        self,
        *,
        pledges: PledgeLookup,
        reports: ReportBook,
        own_tenders: OwnTenders,
        enterprises: RegisteredEnterprises,
        invitations: InvitationsSent,
        deadlines: ReportDeadlines,
        audit: Audit,
        clock: Callable[[], datetime],
    ) -> None:
        self._pledges = pledges
        self._reports = reports
        self._own = own_tenders
        self._enterprises = enterprises
        self._invitations = invitations
        self._deadlines = deadlines
        self._audit = audit
        self._clock = clock

    def overview(self, actor: Actor) -> Overview:
        signatory = self.signatory(actor)
        reports = self._of(signatory)
        today = self._today()
        start = reports[-1].declared.period.start_month if reports else CALENDAR_START
        next_year = last_complete(start, today)
        done = {r.year for r in reports}
        region = signatory.institution.region
        due = tuple(
            (year, day)
            for year in range(next_year - 1, next_year + 2)
            if year not in done and (day := self._deadlines.deadline(year, region)) is not None
        )
        return Overview(signatory, tuple(reversed(reports)), bars(reports), due, next_year)

    def draft(self, actor: Actor, year: int, start_month: int | None = None) -> Draft:
        """The year's report to write or amend: as saved, or pre-filled; `start_month` chooses the period
        (calendar or fiscal) to pre-fill. Raises NotAllowed (hidden) for a year that cannot be reported."""
        signatory = self.signatory(actor)
        reports = self._of(signatory)
        saved = next((r for r in reports if r.year == year), None)
        month = start_month or (saved.declared.period.start_month if saved else _usual_start(reports))
        period = self._period(year, month)
        found = self._found(signatory, period)
        if saved is not None and saved.declared.period == period:
            form: ReportForm = Form(report_values(saved.declared, saved.version), (), None)
        else:
            prefilled = Declared(period, found.amount, found.count, None, found.enterprises)
            form = Form(report_values(prefilled, saved.version if saved else 0), (), None)
        earlier = tuple(r for r in reports if r.year < year)
        due = self._deadlines.deadline(year, signatory.institution.region)
        return Draft(signatory, period, saved, found, form, earlier, due)

    def save(self, actor: Actor, fields: Mapping[str, Sequence[str]]) -> Saved:
        signatory = self.signatory(actor)
        form = read_report_form(fields, today=self._today())
        declared = form.details
        if declared is None:
            return Saved(None, form)
        pledge = signatory.pledge
        expected = form_version(form)
        report = YearlyReport(
            institution=signatory.institution,
            declared=declared,
            found=self._found(signatory, declared.period),
            target_share=pledge.details.target_share,
            saved_at=self._clock(),
            saved_by=pledge.id,
            version=expected + 1,
        )
        if not self._reports.save(report, expected_version=expected):
            return Saved(None, form, conflict=True)
        details = {"year": str(declared.period.year), "version": str(report.version)}
        key = f"{signatory.institution.key}#{declared.period.year}"
        self._audit.record(actor, "report.save", Item("report", key), regions=(pledge.details.region,), details=details)
        return Saved(report, form)

    def signatory(self, actor: Actor) -> Signatory:
        """The actor's pledge, read again: only a verified one in force opens the space."""
        pledge = acting_pledge(actor, self._pledges, self._clock())
        return Signatory(pledge, Institution(pledge.details.institution_name, pledge.details.region))

    def _of(self, signatory: Signatory) -> list[YearlyReport]:
        """The institution's reports, the oldest year first (its key: never another institution's)."""
        found = self._reports.reports_of(signatory.institution.key)
        return sorted((r for r in found if r.institution.key == signatory.institution.key), key=lambda r: r.year)

    def _period(self, year: int, start_month: int) -> Period:
        today = self._today()
        if not (FIRST_YEAR <= year <= today.year + 1 and 1 <= start_month <= 12):
            raise NotAllowed("no such year to report", hidden=True)
        period = Period(year, start_month)
        if period.first > today:
            raise NotAllowed("a year not begun yet", hidden=True)
        return period

    def _found(self, signatory: Signatory, period: Period) -> Found:
        tenders = self._own.of(signatory.pledge, Status.AWARDED)
        won = contracts_won(tenders, SupplierDirectory(self._enterprises.load()[0])) if tenders else []
        awards = tuple(
            Award(
                w.tender_key,
                w.award_id,
                w.enterprise_id,
                w.enterprise_name,
                w.title.any(),
                w.amount,
                w.awarded_on.date(),
            )
            for w in won
            if w.awarded_on is not None and period.covers(w.awarded_on)
        )
        sent = self._invitations.of_institution(signatory.institution.key)
        return Found(awards, sum(1 for invitation in sent if period.covers(invitation.published_at)))

    def _today(self) -> date:
        return self._clock().astimezone(TIME_ZONE).date()


def last_complete(start_month: int, today: date) -> int:
    """The year of the latest period (starting `start_month`) that is over by `today`."""
    year = today.year + 1
    while Period(year, start_month).last >= today:
        year -= 1
    return year


def _usual_start(reports: Sequence[YearlyReport]) -> int:
    return reports[-1].declared.period.start_month if reports else CALENDAR_START


def bars(reports: Sequence[YearlyReport]) -> tuple[YearBar, ...]:
    """The chart's years, oldest first: amounts against the largest, shares and targets against 100 %."""
    largest = max((r.declared.amount for r in reports), default=Decimal(0))
    return tuple(
        YearBar(
            report,
            width(report.declared.amount, largest),
            width(report.declared.share or Decimal(0), Decimal(100)),
            width(Decimal(report.target_share or 0), Decimal(100)),
        )
        for report in reports
    )


def width(value: Decimal, whole: Decimal) -> int:
    """A bar's width in steps of 5 %: 0 for nothing, at least 5 for anything, at most 100."""
    if value <= 0 or whole <= 0:
        return 0
    return max(5, min(100, int((value * 20 / whole).to_integral_value()) * 5))
