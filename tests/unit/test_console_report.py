"""The programme report on fakes (esja.console.report): the digest's figures summed over any range and month by
month — months cut in Montréal's time, a range across a year, distinct counts counted once over the range —
for the organizer's regions; kept figures read once, the week going on worked out, the weeks never kept said."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from esja.clock import TIME_ZONE
from esja.console.report import (
    ROWS,
    ProgrammeReport,
    ProgrammeReports,
    RangeError,
    edition_of,
    read_range,
)
from esja.console.report_csv import Table, report_csv
from esja.digest.figure_book import FigureBook
from esja.digest.outcomes import ContractWon
from esja.digest.weeks import Days, Week
from esja.enterprise_space.contracts import DENIED, ContractsWon
from esja.model import Buyer, Match, Supplier, Text
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from esja.signatory_space.invitation import Institution
from esja.signatory_space.report import Declared, Found, Period, YearlyReport
from esja.web.organizer_report_routes import REPORT_TABLES
from tests.digest_builders import awarded, in_regions, tender
from tests.space_builders import CESIM, ESBSL, EVERYWHERE, FJORD, JULIE, MON_CHOIX, People

NOW = datetime(2026, 12, 4, 15, tzinfo=UTC)  # a Friday: week 2026-W49 is going on
OCTOBER_NIGHT = datetime(2026, 10, 31, 23, 30, tzinfo=TIME_ZONE)  # 03:30 UTC on November 1: still October here
NOVEMBER = datetime(2026, 11, 1, 0, 30, tzinfo=TIME_ZONE)
AUTUMN = Days(date(2026, 10, 1), date(2026, 12, 31))


def value(report: ProgrammeReport, key: str) -> tuple[object, object]:
    """A row's months and total (numbers compare equal whatever their type: 2 == Decimal(2))."""
    [line] = [line for line in report.lines if line.row.key == key]
    return line.months, line.total


@pytest.fixture
def people() -> People:
    """ESBSL's region (01) and CÉSIM's (06) through the autumn: tenders, alerts, a contract won, the pledges of
    tests.space_builders (signed in week 2026-W47); the weeks' figures kept as the weekly run keeps them."""
    people = People()
    world = people.world
    tenders = [
        (tender("rimouski"), OCTOBER_NIGHT),
        (tender("matane"), NOVEMBER),
        (tender("montreal", regions=in_regions("06")), NOVEMBER + timedelta(days=3)),
        (tender("now", regions=in_regions("01")), NOW - timedelta(days=2)),  # this week: not kept yet
    ]
    for item, seen_at in tenders:
        world.tenders.publish(item, seen_at.astimezone(UTC))
    for enterprise, item, at, told in (
        (MON_CHOIX, tenders[0][0], OCTOBER_NIGHT + timedelta(minutes=10), True),
        (MON_CHOIX, tenders[1][0], NOVEMBER + timedelta(days=1), True),
        (FJORD, tenders[1][0], NOVEMBER + timedelta(days=1), False),  # matched, nobody told
    ):
        found = Match(enterprise.id, "p", item.key, 1.0, ())
        world.matches.record_match(found, ("p",), "h", at.astimezone(UTC))
        if told:
            world.matches.mark_told(enterprise.id, f"match#{item.key}", "julie", sent=True, reminded=False)
    won = ContractWon(
        MON_CHOIX.id, MON_CHOIX.name, "seao:won", "A1", Text("Ménage"), Text("Ville de Rimouski"),
        Decimal("45990"), None, MON_CHOIX.name, "name", found_at=datetime(2026, 11, 10, 15, tzinfo=UTC),
    )  # fmt: skip
    world.matches.record_won(won, datetime(2026, 11, 16, 13, tzinfo=UTC))
    world.clock.now = NOW
    book = world.build(FigureBook)
    for week in Days(date(2026, 10, 26), date(2026, 11, 29)).weeks:  # October's last week → 2026-W48
        book.record(week)
    return people


def reports(people: People) -> ProgrammeReports:
    return people.world.build(ProgrammeReports, book=people.world.build(FigureBook))


def test_a_regional_organizer_gets_their_regions_figures_month_by_month(people: People) -> None:
    report = reports(people).report(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"), AUTUMN)

    assert [m.label for m in report.months] == ["2026-10", "2026-11", "2026-12"]
    # Seen at 23:30 on October 31 in Montréal (November 1 in UTC): October's. This week's: worked out now.
    assert value(report, "tenders.regions") == ((1, 1, 1), 3)
    assert value(report, "alerts.tenders") == ((1, 1, 0), 2)
    assert value(report, "alerts.enterprises") == ((1, 1, 0), 1)  # one enterprise over the autumn, not two
    assert value(report, "pledges.new") == ((0, 4, 0), 4)  # region 01's; Montréal's is CÉSIM's
    assert value(report, "pledges.verified") == ((0, 2, 0), 2)  # one withdrawn since: it was verified then
    assert value(report, "pledges.withdrawn") == ((0, 1, 0), 1)
    assert value(report, "pledges.target") == ((None, Decimal("15.0"), None), Decimal("15.0"))
    assert value(report, "won.count") == ((0, 1, 0), 1) and value(report, "won.amount")[1] == Decimal("45990")
    assert [p.institution for p in report.verified] == ["Cégep de Rimouski"]  # those still in force


def test_another_regions_organizer_sees_only_theirs_and_one_with_every_region_sees_all(people: People) -> None:
    cesim = reports(people).report(people.actor(CESIM.email, Role.ORGANIZER, "cesim"), AUTUMN)
    everywhere = reports(people).report(people.actor(EVERYWHERE.email, Role.ORGANIZER, "chantier"), AUTUMN)

    assert value(cesim, "tenders.regions")[1] == 1 and value(everywhere, "tenders.regions")[1] == 4
    assert value(cesim, "alerts.enterprises")[1] == 0 and value(cesim, "won.count")[1] == 0
    # Coop du Fjord (region 02) matched a tender nobody there was told about: not alerted.
    assert value(everywhere, "alerts.tenders")[1] == 2 and value(everywhere, "alerts.enterprises")[1] == 1
    assert value(cesim, "pledges.new")[1] == 1 and value(everywhere, "pledges.new")[1] == 5
    assert [p.institution for p in cesim.verified] == ["Ville de Montréal"]
    # Québec's new tenders count for everyone, whatever their regions.
    assert value(cesim, "tenders.quebec") == value(everywhere, "tenders.quebec") == ((1, 2, 1), 4)


def test_a_range_across_a_year_cuts_its_first_month_and_leaves_months_to_come_empty(people: People) -> None:
    days = Days(date(2026, 11, 2), date(2027, 1, 31))

    report = reports(people).report(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"), days)

    assert [(m.label, m.partial, m.to_come) for m in report.months] == [
        ("2026-11", True, False),
        ("2026-12", False, False),
        ("2027-01", False, True),
    ]
    assert value(report, "tenders.regions") == ((0, 1, None), 1)  # November 1's is outside the range
    assert value(report, "alerts.tenders") == ((1, 0, None), 1)


def test_kept_weeks_are_read_at_once_the_week_going_on_is_worked_out_and_older_gaps_are_said(people: People) -> None:
    figures = people.world.figures
    report = reports(people).report(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"), AUTUMN)

    assert figures.reads == 1
    assert report.worked_out == (Week.parse("2026-W49"),)
    assert report.missing == tuple(Week.parse(f"2026-W{n}") for n in range(40, 44))  # October before the 26th


def test_the_last_week_is_worked_out_until_its_digest_kept_it(people: People) -> None:
    del people.world.figures.kept[Week.parse("2026-W48")]

    report = reports(people).report(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"), AUTUMN)

    assert report.worked_out == (Week.parse("2026-W48"), Week.parse("2026-W49"))


def test_figures_kept_outlive_the_pledges_they_counted(people: People) -> None:
    """A withdrawn pledge is purged 30 days later (Law 25): its week's count stays."""
    people.world.pledges.by_id.pop("p-withdrawn")

    report = reports(people).report(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"), AUTUMN)

    assert value(report, "pledges.withdrawn")[1] == 1


def test_a_contract_found_this_week_counts_before_the_weekly_run_records_it(people: People) -> None:
    people.world.enterprises.save([replace(MON_CHOIX, neq="1140000017"), FJORD], [])
    cegep = Buyer(Text("Cégep de Rimouski"))  # its pledge was verified in November
    found = awarded("fresh", Supplier("Les Ateliers Mon Choix", neq="1140000017"), "1200", buyer=cegep)
    people.world.tenders.publish(found, NOW - timedelta(days=1))

    report = reports(people).report(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"), AUTUMN)

    assert value(report, "won.count") == ((0, 1, 1), 2)
    assert value(report, "won.amount") == ((0, Decimal("45990"), Decimal("1200")), Decimal("47190"))
    assert value(report, "signatory_awards.count") == ((0, 0, 1), 1)


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.SIGNATORY])
def test_only_organizers_get_the_report(people: People, role: Role) -> None:
    actor = (
        people.actor(JULIE.email, Role.ENTERPRISE, MON_CHOIX.id)
        if role is Role.ENTERPRISE
        else people.actor("achats@cegep.example.org", Role.SIGNATORY, "p-verified")
    )

    with pytest.raises(NotAllowed):
        reports(people).report(actor, AUTUMN)


def test_every_row_has_a_value_for_every_month_and_a_total(people: People) -> None:
    report = reports(people).report(people.actor(EVERYWHERE.email, Role.ORGANIZER, "chantier"), AUTUMN)

    assert [line.row.key for line in report.lines] == [row.key for row in ROWS]
    assert all(len(line.months) == len(report.months) for line in report.lines)


@pytest.mark.parametrize(
    ("first", "last", "reason", "fields"),
    [
        ("2026-13-01", "2027-05-31", "not_a_day", ("du",)),
        ("2026-10-01", "demain", "not_a_day", ("au",)),
        ("2027-05-31", "2026-10-01", "reversed", ("du", "au")),
        ("2022-10-01", "2025-10-01", "too_long", ("du", "au")),
        ("1999-12-31", "2000-01-02", "out_of_bounds", ("du",)),
        ("2026-10-01", "", "not_a_day", ("au",)),
    ],
)
def test_dates_that_cannot_make_a_report_say_which_and_why(
    first: str, last: str, reason: str, fields: tuple[str, ...]
) -> None:
    with pytest.raises(RangeError) as refused:
        read_range(first, last, NOW.date())

    assert (refused.value.reason, refused.value.fields) == (reason, fields)


def test_the_pilots_edition_and_the_default_edition() -> None:
    assert read_range("2022-10-01", "2023-05-23", NOW.date()) == Days(date(2022, 10, 1), date(2023, 5, 23))
    assert read_range("", "", NOW.date()) == Days(date(2026, 10, 1), date(2027, 5, 31))
    assert edition_of(date(2026, 7, 1)) == Days(date(2025, 10, 1), date(2026, 5, 31))  # between two: the last


def test_the_csv_holds_the_tables_numbers_plain_and_no_formula(people: People) -> None:
    people.world.pledges.by_id["p-verified"] = replace(
        people.world.pledges.by_id["p-verified"],
        details=replace(people.world.pledges.by_id["p-verified"].details, institution_name="=HYPERLINK(1)"),
    )
    report = reports(people).report(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"), AUTUMN)

    figures = report_csv(report, "fr").splitlines()
    pledges = report_csv(report, "en", Table.PLEDGES).splitlines()

    assert figures[0] == "chiffre,code,2026-10,2026-11,2026-12,total"
    assert "Valeur des contrats obtenus,won.amount,0.00,45990.00,0.00,45990.00" in figures
    assert "Cible moyenne des engagements vérifiés (part des achats),pledges.target,,15,,15" in figures
    assert pledges == ["institution,region,verified on,target (%)", "'=HYPERLINK(1),01 Bas-Saint-Laurent,2026-11-19,15"]


def test_the_pages_tables_are_the_csvs_tables() -> None:
    assert tuple(Table) == REPORT_TABLES  # the OpenAPI's list, kept apart from the report's modules (cold start)


def test_the_report_adds_what_the_signatories_reported_against_their_targets(people: People) -> None:
    for name, region, amount, total, target in (
        ("Cégep de Rimouski", "01", "45990", "300000", 10),  # 15.3 %: target met
        ("Ville de Rimouski", "01", "12000", "400000", 5),  # 3 %: not met
        ("Ville de Montréal", "06", "99000", None, 5),
    ):
        declared = Declared(
            Period(2026, 7 if region == "01" else 1), Decimal(amount), 3, Decimal(total) if total else None
        )
        saved = YearlyReport(Institution(name, region), declared, Found(), target, NOW, "p")
        people.world.reports.save(saved, expected_version=0)

    esbsl = reports(people).report(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"), AUTUMN)
    everywhere = reports(people).report(people.actor(EVERYWHERE.email, Role.ORGANIZER, "chantier"), AUTUMN)

    [year] = esbsl.reported
    assert (year.year, year.reports, year.amount, year.purchases) == (2026, 2, Decimal("57990"), 6)
    assert (year.with_share, year.meeting_target, year.average_target) == (2, 1, Decimal("7.5"))
    assert [y.reports for y in everywhere.reported] == [3]
    assert report_csv(esbsl, "fr", Table.REPORTED).splitlines() == [
        "année,rapports,dont exercices financiers,achats auprès d'entreprises d'économie sociale ($),nombre d'achats,"
        "rapports avec le total des achats,cible atteinte,cible moyenne (%)",
        "2026,2,2,57990.00,6,2,1,7.5",  # both fiscal years (July to June) ending in 2026
    ]
    last_year = Days(date(2025, 1, 1), date(2025, 12, 31))
    assert reports(people).report(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"), last_year).reported == ()


def test_an_award_its_enterprise_denied_is_not_counted(people: People) -> None:
    esbsl = people.actor(ESBSL.email, Role.ORGANIZER, "esbsl")
    julie = people.actor(JULIE.email, Role.ENTERPRISE, MON_CHOIX.id)
    contracts = people.world.build(ContractsWon)
    assert value(reports(people).report(esbsl, AUTUMN), "won.count")[1] == 1

    [won] = contracts.list(julie)
    contracts.answer(julie, won.key, DENIED)  # « ce n'est pas nous »

    assert value(reports(people).report(esbsl, AUTUMN), "won.count")[1] == 0
