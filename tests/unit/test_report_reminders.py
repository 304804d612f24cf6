"""The reports' reminders, on fakes: on the due date, then once more a month later, never a third; only to the
institutions that have not reported; each once whatever the runs (the send ledger)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from esja.signatory_space.invitation import Institution
from esja.signatory_space.reminders import ReportReminders, month_later, reminder_due
from esja.signatory_space.report import Deadline, Declared, Found, Period, YearlyReport
from tests.fakes import REJECTED
from tests.space_builders import NOW, People

DUE = date(2027, 3, 31)
CEGEP = "achats@cegep.example.org"


def at(day: date, hour: int = 14) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def people() -> People:
    people = People()
    people.world.deadlines.set_deadlines([Deadline(2026, "01", DUE), Deadline(2026, "06", date(2027, 9, 30))])
    return people


def reminders(people: People) -> ReportReminders:
    return people.world.build(ReportReminders, public_base_url="https://esja.example.org")


def run_on(people: People, day: date) -> dict[str, object]:
    people.world.clock.now = at(day)
    return reminders(people).send_due(at(day, 13)).as_dict()


def test_the_windows_of_the_two_reminders() -> None:
    deadline = Deadline(2026, "01", date(2027, 1, 31))

    assert [reminder_due(deadline, d) for d in (date(2027, 1, 30), date(2027, 1, 31), date(2027, 2, 27))] == [0, 1, 1]
    assert [reminder_due(deadline, d) for d in (date(2027, 2, 28), date(2027, 3, 27), date(2027, 3, 28))] == [2, 2, 0]
    assert month_later(date(2026, 12, 15)) == date(2027, 1, 15)


def test_a_reminder_on_the_due_date_then_one_more_a_month_later_never_more(people: People) -> None:
    sent = [run_on(people, day)["sent"] for day in (date(2027, 3, 30), DUE, date(2027, 4, 1), date(2027, 4, 30))]
    later = [run_on(people, day)["sent"] for day in (date(2027, 5, 1), date(2027, 5, 31), date(2027, 7, 1))]

    # Region 01: the Cégep de Rimouski (verified); the pledges to verify, rejected or withdrawn get nothing.
    assert sent == [0, 1, 0, 1] and later == [0, 0, 0]
    first, second = people.world.mailer.to(CEGEP)
    assert "2026" in first.subject and "attendu" in first.subject
    assert "Rappel" in second.subject and "dernier rappel" in second.text
    assert "https://esja.example.org/signataire/rapports/2026?lang=fr" in first.text
    assert people.world.mailer.to("achats@montreal.example.org") == []  # its region's date is later


def test_a_replayed_or_retried_run_sends_nothing_twice(people: People) -> None:
    run_on(people, DUE)
    again = run_on(people, DUE)

    assert again["sent"] == 0 and again["already_sent"] == 1 and len(people.world.mailer.to(CEGEP)) == 1


def test_an_institution_that_reported_gets_no_reminder(people: People) -> None:
    report = YearlyReport(
        Institution("CÉGEP DE RIMOUSKI", "01"), Declared(Period(2026), Decimal(1), 1), Found(), 10, NOW, "p-verified"
    )
    people.world.reports.save(report, expected_version=0)

    outcome = run_on(people, DUE)

    assert outcome["sent"] == 0 and outcome["reported"] == 1 and people.world.mailer.sent == []


def test_ses_refusing_leaves_the_reminder_for_a_later_run_of_its_window(people: People) -> None:
    people.world.mailer.refuse(REJECTED)
    assert run_on(people, DUE)["failed"] == 1

    assert run_on(people, date(2027, 4, 1))["sent"] == 1


def test_no_deadline_set_no_reminder(people: People) -> None:
    people.world.deadlines.due.clear()

    assert run_on(people, DUE) == {"day": DUE.isoformat(), "sent": 0, "already_sent": 0, "reported": 0, "failed": 0}
