"""remind_reports on moto, through its real handler and the schedule's event (events/remind_reports.json): on the
due date its region's organizers set, each verified signatory that has not reported gets one reminder; a replay
sends nothing twice; a month later one more; a report saved stops them."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from esja.signatory_space.invitation import Institution
from esja.signatory_space.report import Deadline, Declared, Found, Period, YearlyReport
from esja.store.pledges import PledgeStore
from esja.store.yearly_reports import ReportStore
from local.outbox import sent_emails
from local.runtime import LocalAws
from tests.integration.test_template import ROOT
from tests.space_builders import NOW, pledge

FUNCTION = "RemindReportsFunction"
ENV = {"PUBLIC_BASE_URL": "https://esja.example.org", "SES_MAX_SEND_RATE": "1000"}
CEGEP, VILLE = "achats@cegep.example.org", "dg@ville.example.org"


def run(aws: LocalAws, day: str) -> dict[str, Any]:
    event = json.loads((ROOT / "events" / "remind_reports.json").read_text(encoding="utf-8"))
    answer: dict[str, Any] = aws.invoke(FUNCTION, {**event, "scheduled_time": f"{day}T13:00:00Z"}, ENV)
    return answer


def test_reminders_go_on_the_due_date_then_once_more_a_month_later_never_twice(aws: LocalAws) -> None:
    dynamodb, names = aws.client("dynamodb"), aws.resources.names
    aws.client("sesv2").create_email_identity(EmailIdentity=aws.environment(FUNCTION)["SENDER_EMAIL"])
    pledges, reports = PledgeStore(names["PledgesTable"], dynamodb), ReportStore(names["SignatoriesTable"], dynamodb)
    pledges.add(pledge("p-cegep", CEGEP, institution="Cégep de Rimouski"))
    pledges.add(pledge("p-ville", VILLE, institution="Ville de Rimouski"))
    reports.set_deadlines([Deadline(2026, "01", date(2027, 3, 31), "esbsl", NOW)])

    assert run(aws, "2027-03-30")["sent"] == 0  # not due yet
    first = run(aws, "2027-03-31")
    replay = run(aws, "2027-03-31")

    assert (first["sent"], replay["sent"], replay["already_sent"]) == (2, 0, 2)
    subjects = sorted((e.to[0], e.subject) for e in sent_emails())
    assert subjects == [
        (CEGEP, "Votre rapport annuel 2026 est attendu"),
        (VILLE, "Votre rapport annuel 2026 est attendu"),
    ]
    text = sent_emails()[0].part("text/plain")
    assert "https://esja.example.org/signataire/rapports/2026?lang=fr" in text and "31 mars 2027" in text

    declared = Declared(Period(2026), Decimal(1000), 1)
    reports.save(
        YearlyReport(Institution("Cégep de Rimouski", "01"), declared, Found(), 10, NOW, "p-cegep"), expected_version=0
    )
    second = run(aws, "2027-04-30")

    assert (second["sent"], second["reported"]) == (1, 1)
    assert [e.to[0] for e in sent_emails()[2:]] == [VILLE] and "Rappel" in sent_emails()[2].subject
    assert run(aws, "2027-05-31")["sent"] == 0  # never a third
