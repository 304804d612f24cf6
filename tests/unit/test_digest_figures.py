"""The digest's figures of a week, day by day and place by place (esja.digest.figures): the same counts as the
digest's, so that the programme report sums what the digests said."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from esja.digest.facts import WeekFacts
from esja.digest.figure_book import FigureBook, keep_if_over
from esja.digest.figures import (
    PLEDGES,
    SIGNATORY_AMOUNT,
    SIGNATORY_AWARDS,
    TARGET_TOTAL,
    TARGETS,
    TENDERS_IN_QUEBEC,
    TENDERS_IN_REGIONS,
    Line,
    WeekFigures,
    week_figures,
)
from esja.digest.organizers import Organizer
from esja.digest.sections import build_digest
from esja.digest.weeks import Days
from esja.model import Regions, Scope, Supplier
from esja.pledges.model import Verdict, Verification
from tests.digest_builders import (
    CESIM,
    ESBSL,
    LAST_MONDAY,
    MONDAY,
    WEEK,
    awarded,
    enterprise,
    in_regions,
    pledge,
    seen,
    tender,
    week_data,
)
from tests.fakes import FakeWorld

MON_CHOIX = Supplier("Les Ateliers Mon Choix", "FO-1140000017", "1140000017")
QUEBEC = Organizer("chantier", "Chantier", "c@example.org", "fr", ("QC",))


def a_busy_week() -> WeekFacts:
    verified = Verdict(Verification.VERIFIED, MONDAY + timedelta(days=2), "esbsl", "organizer")
    return WeekFacts(
        week_data(
            new=(
                seen(tender("rimouski")),  # 01, Monday
                seen(tender("montreal", regions=in_regions("06")), MONDAY + timedelta(days=1)),
                seen(tender("two", regions=in_regions("01", "06")), MONDAY + timedelta(days=1)),
                seen(tender("everywhere", regions=Regions(Scope.ALL_QUEBEC))),
                seen(tender("canada", regions=Regions(Scope.CANADA))),
                seen(tender("ontario", regions=Regions(Scope.OUTSIDE_QUEBEC))),
                seen(tender("last-week"), LAST_MONDAY),
            ),
            awarded_=(
                seen(awarded("won", MON_CHOIX, "1000.50")),  # by Ville de Rimouski, a signatory
                seen(awarded("old", MON_CHOIX, "99", buyer=None), LAST_MONDAY),
            ),
            enterprises=(enterprise("monchoix", "Les Ateliers Mon Choix", neq="1140000017"),),
            pledges=(
                pledge("rimouski", confirmed_at=LAST_MONDAY),
                pledge(
                    "new",
                    "Ville de Montréal",
                    "06",
                    created_at=MONDAY,
                    confirmed_at=MONDAY + timedelta(hours=1),
                    verified=Verification.TO_VERIFY,
                ),
                pledge("gone", "MRC de La Mitis", created_at=LAST_MONDAY, withdrawn_at=MONDAY),
                replace(pledge("checked", "Cégep de Rimouski", confirmed_at=LAST_MONDAY), verdict=verified),
            ),
        )
    )


def summed(figures: WeekFigures, figure: str, covers: tuple[str, ...] | None = None) -> Decimal:
    return sum((line.value for line in figures.lines if line.figure == figure and line.counts_for(covers)), Decimal(0))


def test_each_new_call_for_tenders_counts_on_the_day_it_was_first_seen_in_its_places() -> None:
    figures = week_figures(a_busy_week(), WEEK.end)

    regions = [line for line in figures.lines if line.figure == TENDERS_IN_REGIONS]
    assert [(line.day, line.places, line.value) for line in regions] == [
        (WEEK.monday, ("01",), Decimal(1)),
        (WEEK.monday + timedelta(days=1), ("01", "06"), Decimal(1)),
        (WEEK.monday + timedelta(days=1), ("06",), Decimal(1)),
    ]
    # In Québec: located or not, not Canada-wide, not another province; and not the previous week's.
    assert summed(figures, TENDERS_IN_QUEBEC) == 4


@pytest.mark.parametrize("organizer", [ESBSL, CESIM, QUEBEC], ids=lambda o: o.id)
def test_an_organizers_share_of_the_lines_is_their_digests_figure(organizer: Organizer) -> None:
    facts = a_busy_week()
    figures = week_figures(facts, WEEK.end)
    digest = build_digest(facts, organizer)
    covers = None if "QC" in organizer.regions else organizer.regions

    assert summed(figures, TENDERS_IN_REGIONS, covers) == digest.new_tenders.in_regions.this
    assert summed(figures, TENDERS_IN_QUEBEC, covers) == digest.new_tenders.in_quebec.this
    # The digest counts pledges and awards for all of Québec: every line together.
    assert summed(figures, PLEDGES["new"]) == digest.pledges.new.this
    assert summed(figures, PLEDGES["confirmed"]) == digest.pledges.confirmed.this
    assert summed(figures, PLEDGES["withdrawn"]) == digest.pledges.withdrawn.this
    assert summed(figures, SIGNATORY_AWARDS) == digest.outcomes.signatory_awards.this
    assert summed(figures, SIGNATORY_AMOUNT) == digest.outcomes.signatory_amount.this


def test_pledges_count_in_their_region_and_verified_ones_bring_their_target() -> None:
    figures = week_figures(a_busy_week(), WEEK.end)

    assert summed(figures, PLEDGES["new"], ("01",)) == 0 and summed(figures, PLEDGES["new"], ("06",)) == 1
    assert summed(figures, PLEDGES["withdrawn"], ("01",)) == 1
    assert summed(figures, PLEDGES["verified"], ("01",)) == 1
    assert (summed(figures, TARGETS), summed(figures, TARGET_TOTAL)) == (Decimal(1), Decimal(10))


def test_an_award_by_a_signatory_counts_for_the_tenders_places_and_the_signatorys_region() -> None:
    figures = week_figures(a_busy_week(), WEEK.end)

    [count] = [line for line in figures.lines if line.figure == SIGNATORY_AWARDS]
    assert count.places == ("01",) and count.day == WEEK.monday
    assert summed(figures, SIGNATORY_AMOUNT, ("01",)) == Decimal("1000.50")
    assert summed(figures, SIGNATORY_AMOUNT, ("06",)) == 0


def test_figures_keep_their_meaning_through_json() -> None:
    figures = week_figures(a_busy_week(), WEEK.end)

    again = WeekFigures.from_json(figures.to_json(), computed_at=figures.computed_at, version=figures.version)

    assert again == figures


def test_a_line_without_places_counts_for_everyone_one_with_places_for_who_covers_one() -> None:
    everyone = Line("x", WEEK.monday, None, Decimal(1))
    there = Line("x", WEEK.monday, ("01", "06"), Decimal(1))

    assert everyone.counts_for(("11",)) and everyone.counts_for(None)
    assert there.counts_for(("06",)) and there.counts_for(None) and not there.counts_for(("11",))


def test_the_weekly_run_keeps_a_weeks_figures_only_once_it_is_over() -> None:
    world = FakeWorld(MONDAY)
    facts = a_busy_week()

    assert not keep_if_over(world.figures, facts, MONDAY)
    assert keep_if_over(world.figures, facts, WEEK.end + timedelta(hours=8))
    assert world.figures.figures_of([WEEK])[WEEK].lines == week_figures(facts, WEEK.end).lines


def test_a_week_worked_out_from_the_tables_is_the_digests_own() -> None:
    world = FakeWorld(WEEK.end + timedelta(hours=8))
    world.enterprises.save([enterprise("monchoix", "Les Ateliers Mon Choix", neq="1140000017")], [])
    world.pledges.add(pledge("rimouski", confirmed_at=LAST_MONDAY))
    world.tenders.publish(tender("rimouski"), MONDAY)
    world.tenders.publish(awarded("won", MON_CHOIX, "1000.50"), MONDAY)
    book = world.build(FigureBook)

    worked, recorded = book.record(WEEK)

    assert recorded == 1 and [w.found_at for w in worked.won] == [MONDAY]
    assert summed(worked.figures, TENDERS_IN_REGIONS, ("01",)) == 1
    assert summed(worked.figures, SIGNATORY_AMOUNT) == Decimal("1000.50")
    assert book.kept([WEEK])[WEEK].lines == worked.figures.lines
    with pytest.raises(ValueError, match="not over"):
        book.record(WEEK.back(-1))


def test_days_cut_a_range_at_each_months_end_in_montreal() -> None:
    days = Days(datetime(2022, 10, 1).date(), datetime(2023, 5, 23).date())

    months = days.months

    assert [(m.first.isoformat(), m.last.isoformat()) for m in (months[0], months[3], months[-1])] == [
        ("2022-10-01", "2022-10-31"),
        ("2023-01-01", "2023-01-31"),
        ("2023-05-01", "2023-05-23"),
    ]
    assert len(months) == 8 and days.weeks[0].monday.isoformat() == "2022-09-26"
