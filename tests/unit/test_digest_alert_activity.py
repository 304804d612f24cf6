"""Section 2: tenders alerted to each of the organizer's enterprises; the flooded and the quiet flagged."""

from __future__ import annotations

from datetime import timedelta

from esja.digest.facts import WeekFacts
from esja.digest.sections import Figure, alert_activity
from esja.model import FLOOD_THRESHOLD
from tests.digest_builders import CESIM, ESBSL, LAST_MONDAY, MONDAY, WEEK, enterprise, matched, tender, week_data


def test_alerts_per_enterprise_this_week_beside_last_week() -> None:
    matches = (
        matched("coop", tender("a")),
        matched("coop", tender("b")),
        matched("coop", tender("c"), LAST_MONDAY),
        matched("coop", tender("d"), alerted=False),  # matched, but no subscriber was told
        matched("verger", tender("a"), LAST_MONDAY),
    )
    data = week_data(matches=matches, enterprises=(enterprise("coop", "Coop de propreté"), enterprise("verger")))

    section = alert_activity(WeekFacts(data), ESBSL)

    coop, verger = section.enterprises
    assert (coop.name, coop.alerted, coop.flooded, coop.quiet) == ("Coop de propreté", Figure(2, 1), False, False)
    assert (verger.alerted, verger.quiet) == (Figure(0, 1), False)


def test_an_enterprise_told_more_than_the_threshold_in_a_week_is_flooded() -> None:
    matches = tuple(matched("large", tender(str(n))) for n in range(FLOOD_THRESHOLD + 1))
    just_enough = tuple(matched("fine", tender(str(n))) for n in range(FLOOD_THRESHOLD))
    data = week_data(matches=matches + just_enough, enterprises=(enterprise("large"), enterprise("fine")))

    section = alert_activity(WeekFacts(data), ESBSL)

    assert section.threshold == FLOOD_THRESHOLD == 15
    assert [e.enterprise_id for e in section.flooded] == ["large"]


def test_an_enterprise_told_nothing_for_four_weeks_is_flagged_quiet() -> None:
    four_weeks_ago = WEEK.back(3).start + timedelta(hours=1)  # still within the four weeks
    five_weeks_ago = WEEK.back(4).start + timedelta(hours=1)
    matches = (matched("recent", tender("a"), four_weeks_ago), matched("silent", tender("b"), five_weeks_ago))
    data = week_data(matches=matches, enterprises=(enterprise("recent"), enterprise("silent"), enterprise("new")))

    section = alert_activity(WeekFacts(data), ESBSL)

    assert sorted(e.enterprise_id for e in section.quiet) == ["new", "silent"]


def test_only_the_enterprises_serving_the_organizers_regions_are_listed() -> None:
    enterprises = (
        enterprise("bsl", regions=("01",)),
        enterprise("mtl", regions=("06",)),
        enterprise("quebec", regions=("QC",)),
        enterprise("anywhere", regions=()),
    )
    data = week_data(enterprises=enterprises, matches=(matched("mtl", tender("a"), MONDAY),))

    assert [e.enterprise_id for e in alert_activity(WeekFacts(data), CESIM).enterprises] == [
        "mtl",
        "anywhere",
        "quebec",
    ]
