"""Section 1: the calls for tenders that appeared in the week, beside the previous week's."""

from __future__ import annotations

from datetime import timedelta

from esja.digest.facts import WeekFacts
from esja.digest.sections import Figure, Row, new_tenders
from esja.model import Category, Regions, Scope, Status
from tests.digest_builders import CESIM, ESBSL, LAST_MONDAY, MONDAY, in_regions, seen, tender, week_data


def test_new_tenders_are_counted_by_source_region_and_category_with_last_weeks_beside() -> None:
    new = (
        seen(tender("a")),
        seen(tender("b", regions=in_regions("01", "11"))),
        seen(tender("c", source="canadabuys", regions=Regions(Scope.ALL_QUEBEC), category=Category.GOODS)),
        seen(tender("d", regions=in_regions("06"), category=None)),
        seen(tender("e"), LAST_MONDAY),
        seen(tender("f", source="canadabuys", regions=None), LAST_MONDAY),
    )

    section = new_tenders(WeekFacts(week_data(new=new)), ESBSL)

    assert section.total == Figure(4, 2)
    assert section.in_regions == Figure(2, 1)
    assert section.by_source == (Row("seao", 3, 1), Row("canadabuys", 1, 1))
    assert section.by_region == (
        Row("01", 2, 1, highlighted=True),
        Row("06", 1, 0),
        Row("11", 1, 0),
        Row("all-quebec", 1, 0),
        Row("unknown", 0, 1),
    )
    assert section.by_category == (Row("services", 2, 2), Row("goods", 1, 0), Row("none", 1, 0))


def test_the_organizers_own_regions_are_highlighted() -> None:
    new = (seen(tender("a")), seen(tender("d", regions=in_regions("06"))))

    section = new_tenders(WeekFacts(week_data(new=new)), CESIM)

    assert [(r.key, r.highlighted) for r in section.by_region] == [("01", False), ("06", True)]
    assert section.in_regions == Figure(1, 0)


def test_notices_of_old_awards_and_cancellations_are_no_new_tenders() -> None:
    old_award = seen(tender("award", status=Status.AWARDED, closing_at=MONDAY - timedelta(days=90)))
    cancelled_on_sight = seen(tender("gone", status=Status.CANCELLED))
    open_then_awarded = seen(tender("won", status=Status.AWARDED), MONDAY, MONDAY + timedelta(days=2))

    section = new_tenders(WeekFacts(week_data(new=(old_award, cancelled_on_sight, open_then_awarded))), ESBSL)

    assert section.total == Figure(1, 0)
