"""The yearly reports in the console, on fakes: an organizer sees its regions' reports, exports them (audited,
formulas defused), and sets when its regions' reports are due (audited); other roles see nothing."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from esja.console.yearly_reports import BadYear, YearlyReportsConsole
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from esja.signatory_space.invitation import Institution
from esja.signatory_space.report import Declared, Found, Period, YearlyReport
from tests.space_builders import NOW, People

ESBSL, CESIM, EVERYWHERE = "sommaire@esbsl.example.org", "digest@cesim.example.org", "info@chantier.example.org"


@pytest.fixture
def people() -> People:
    people = People()
    for name, region, comment in (
        ("Cégep de Rimouski", "01", '=HYPERLINK("https://evil.example.com")'),
        ("Ville de Montréal", "06", ""),
    ):
        declared = Declared(Period(2025), Decimal("45990.50"), 4, Decimal(300000), ("Coop du Fjord",), comment)
        report = YearlyReport(Institution(name, region), declared, Found(invitations=2), 10, NOW, "p")
        people.world.reports.save(report, expected_version=0)
    return people


def console(people: People) -> YearlyReportsConsole:
    return people.world.build(YearlyReportsConsole)


def test_an_organizer_sees_the_reports_of_its_regions_and_one_of_every_region_all(people: People) -> None:
    esbsl = console(people).year(people.actor(ESBSL, Role.ORGANIZER, "esbsl"), 2025)
    everywhere = console(people).year(people.actor(EVERYWHERE, Role.ORGANIZER, "chantier"), 2025)

    assert [r.institution.name for r in esbsl.reports] == ["Cégep de Rimouski"]
    assert [r.institution.region for r in everywhere.reports] == ["01", "06"]
    assert console(people).year(people.actor(ESBSL, Role.ORGANIZER, "esbsl"), 2024).reports == ()


def test_the_export_is_audited_and_defuses_formulas(people: People) -> None:
    actor = people.actor(ESBSL, Role.ORGANIZER, "esbsl")

    exported = console(people).export(actor, 2025)

    rows = list(csv.DictReader(io.StringIO(exported.csv)))
    assert exported.count == 1 and rows[0]["institution"] == "Cégep de Rimouski"
    assert rows[0]["comment"].startswith("'=") and rows[0]["share"] == "15.3" and rows[0]["found_invitations"] == "2"
    [record] = people.world.audit_log.records[-1:]
    assert (record.action, record.details, record.regions) == (
        "reports.export",
        {"year": "2025", "count": "1"},
        ("01",),
    )


def test_an_organizer_sets_the_due_date_of_its_regions_audited(people: People) -> None:
    actor = people.actor(ESBSL, Role.ORGANIZER, "esbsl")

    set_ = console(people).set_deadline(actor, {"year": ["2025"], "due": ["2026-03-31"]})

    assert [(d.year, d.region, d.due, d.set_by) for d in set_] == [(2025, "01", date(2026, 3, 31), "esbsl")]
    assert people.world.deadlines.deadline(2025, "01") == date(2026, 3, 31)
    assert people.world.deadlines.deadline(2025, "06") is None
    assert people.world.audit_log.records[-1].action == "report.deadline"
    assert [d.region for d in console(people).year(actor, 2025).deadlines] == ["01"]


def test_an_organizer_of_every_region_sets_every_regions_date(people: People) -> None:
    everywhere = people.actor(EVERYWHERE, Role.ORGANIZER, "chantier")

    assert len(console(people).set_deadline(everywhere, {"year": ["2025"], "due": ["2026-04-30"]})) == 17


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"year": ["1999"], "due": ["2000-03-31"]}, BadYear),
        ({"year": ["2025"], "due": ["demain"]}, ValueError),
        ({"year": ["2025"], "due": ["2025-03-31"]}, ValueError),  # before the year is over
        ({"year": ["deux"], "due": ["2026-03-31"]}, BadYear),
    ],
)
def test_a_bad_year_or_date_changes_nothing(
    people: People, fields: dict[str, list[str]], error: type[Exception]
) -> None:
    with pytest.raises(error):
        console(people).set_deadline(people.actor(ESBSL, Role.ORGANIZER, "esbsl"), fields)

    assert people.world.deadlines.due == {} and "report.deadline" not in people.world.audit_log.actions()


@pytest.mark.parametrize(
    ("email", "role", "item_id"),
    [
        ("julie@monchoix.example.org", Role.ENTERPRISE, "ateliers-mon-choix"),
        ("achats@cegep.example.org", Role.SIGNATORY, "p-verified"),
    ],
)
def test_only_organizers_see_export_or_set(people: People, email: str, role: Role, item_id: str) -> None:
    actor = people.actor(email, role, item_id)

    for action in (
        lambda: console(people).year(actor, 2025),
        lambda: console(people).export(actor, 2025),
        lambda: console(people).set_deadline(actor, {"year": ["2025"], "due": ["2026-03-31"]}),
    ):
        with pytest.raises(NotAllowed):
            action()
    assert people.world.deadlines.due == {}
