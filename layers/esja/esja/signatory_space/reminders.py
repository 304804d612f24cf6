"""remind_reports: the e-mail that tells a signatory its yearly report is due, and one more a month later —
never a third.

Each day (a schedule), for each region's deadline (a date its organizers set for a year's reports: the
console), each verified pledge in force of that region whose institution has not reported that year gets:
the first reminder from the due date until a month later, the second from then until a month after. Each is
sent at most once per pledge and year through the send ledger (esja.sends: claimed, sent, confirmed), so a
run replayed, retried or overlapping sends nothing twice, and a pledge verified late gets at most the one
still in its window. A report saved in between stops what is left.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Protocol
from urllib.parse import urlencode

from esja.clock import TIME_ZONE
from esja.config import SenderIdentity
from esja.emails import Email, Sender
from esja.errors import REFUSED
from esja.pledges.model import Pledge
from esja.rendering import render, wording
from esja.sends import Claim, SendKey, SendLedger, SendOnce
from esja.signatory_space.invitation import Institution
from esja.signatory_space.report import Deadline, YearlyReport

logger = logging.getLogger(__name__)

REPORTS_PATH = "/signataire/rapports"


class PledgeList(Protocol):
    def everything(self, now: datetime) -> Iterable[Pledge]: ...


class ReportsAndDeadlines(Protocol):
    def deadlines(self) -> list[Deadline]: ...
    def reports_of(self, institution_key: str) -> list[YearlyReport]: ...


@dataclass(slots=True)
class RemindersReport:
    day: str
    sent: int = 0
    already_sent: int = 0  # by an earlier run (or one running now)
    reported: int = 0  # the institution's report is in: nothing to remind
    failed: int = 0  # SES said no: a later run of the window tries again

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def month_later(day: date) -> date:
    """The same day a month later (the month's last day when it has fewer: 31 January → 28 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reminder_due(deadline: Deadline, today: date) -> int:
    """Which reminder is due today: 1 in the month from the due date, 2 in the month after, else 0."""
    second = month_later(deadline.due)
    if deadline.due <= today < second:
        return 1
    return 2 if second <= today < month_later(second) else 0


class ReportReminders:
    def __init__(
        self,
        *,
        pledges: PledgeList,
        reports: ReportsAndDeadlines,
        sends: SendLedger,
        mailer: Sender | None,
        sender: SenderIdentity,
        public_base_url: str,
        clock: Callable[[], datetime],
    ) -> None:
        self._pledges = pledges
        self._reports = reports
        self._sends = SendOnce(sends, mailer, clock)
        self._sender = sender
        self._base = public_base_url.rstrip("/")
        self._clock = clock

    def send_due(self, scheduled_at: datetime | None = None) -> RemindersReport:
        """The reminders due on the schedule's day (today when run by hand)."""
        today = (scheduled_at or self._clock()).astimezone(TIME_ZONE).date()
        report = RemindersReport(today.isoformat())
        due = [(d, n) for d in self._reports.deadlines() if (n := reminder_due(d, today))]
        if not due:
            return report
        now = self._clock()
        pledges = [p for p in self._pledges.everything(now) if p.is_verified_signatory and not p.is_purged(now)]
        for deadline, number in sorted(due, key=lambda d: (d[0].year, d[0].region)):
            for pledge in (p for p in pledges if p.details.region == deadline.region):
                self._remind(pledge, deadline, number, report)
        return report

    def _remind(self, pledge: Pledge, deadline: Deadline, number: int, report: RemindersReport) -> None:
        institution = Institution(pledge.details.institution_name, pledge.details.region)
        if any(r.year == deadline.year for r in self._reports.reports_of(institution.key)):
            report.reported += 1
            return
        key = SendKey(pledge.id, f"reminder#{deadline.year}#{number}")
        if self._sends.claim(key) is not Claim.CLAIMED:
            report.already_sent += 1
            return
        try:
            message_id = self._sends.send(key, self._compose(pledge, deadline, number))
        except REFUSED as error:
            logger.warning(
                "report reminder refused by SES", extra={"pledge_id": pledge.id, "error": type(error).__name__}
            )
            report.failed += 1
            return
        self._sends.confirm(key, message_id)
        report.sent += 1

    def _compose(self, pledge: Pledge, deadline: Deadline, number: int) -> Email:
        lang = pledge.language
        query = urlencode({"lang": lang})
        context = {
            "institution": pledge.details.institution_name,
            "year": deadline.year,
            "due": deadline.due,
            "second": number == 2,
            "url": f"{self._base}{REPORTS_PATH}/{deadline.year}?{query}",
            "sender": self._sender,
        }
        return Email(
            to=pledge.details.email,
            subject=wording(f"reminder.email.subject_{'second' if number == 2 else 'first'}", lang, year=deadline.year),
            text=render("email/report_reminder.txt", lang, **context),
            html=render("email/report_reminder.html", lang, **context),
            language=lang,
        )
