"""The digest's figures of a week, day by day and place by place, kept once the week is over: what the
programme report (esja.console.report) sums over any range of days.

They are worked out from the week's facts by the digest's own functions (esja.digest.sections: the new
calls for tenders, the pledges' moments, the awards by signatory buyers) and kept as lines — (figure,
day, places) → value — so that any organizer's share can be summed from them: a line counts for an
organizer when one of its places is theirs, for everyone when it has none (`places` is None). Kept, the
counts outlive what they were counted from: a withdrawn pledge is purged 30 days later, its week's
count stays.

Figures that are not sums (an enterprise alerted twice in a range is one enterprise) or that may still
change (a contract an enterprise says is not theirs) are read where they are kept, not here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from esja.digest.facts import WeekFacts
from esja.digest.organizers import tender_places
from esja.digest.sections import PLEDGE_MOMENTS, canada_wide, for_quebec, signatory_awards, verified_at
from esja.digest.weeks import Days, Week

# Raised when what a figure means changes: figures kept by an older version are worked out again.
FIGURES_VERSION = 1

TENDERS_IN_QUEBEC = "tenders.quebec"  # new calls for tenders in Québec (or not located), for everyone
TENDERS_IN_REGIONS = "tenders.regions"  # … located in regions: its places
PLEDGES = {name: f"pledges.{name}" for name in PLEDGE_MOMENTS}  # new, confirmed, verified, withdrawn
TARGETS = "pledges.targets"  # pledges verified that day with a target share
TARGET_TOTAL = "pledges.target_total"  # the sum of those targets (percent)
SIGNATORY_AWARDS = "signatory_awards.count"  # awards by signatory buyers: the tender's places and the signatory's
SIGNATORY_AMOUNT = "signatory_awards.amount"


@dataclass(frozen=True, slots=True)
class Line:
    figure: str
    day: date
    places: tuple[str, ...] | None  # region codes; None: the line counts for every organizer
    value: Decimal

    def counts_for(self, covers: Iterable[str] | None) -> bool:
        """`covers`: the region codes an organizer covers, None for all of them."""
        if self.places is None or covers is None:
            return True
        return not set(self.places).isdisjoint(covers)


@dataclass(frozen=True, slots=True)
class WeekFigures:
    week: Week
    lines: tuple[Line, ...]
    computed_at: datetime
    version: int = FIGURES_VERSION

    def to_json(self) -> str:
        lines = [[line.figure, line.day.isoformat(), line.places, str(line.value)] for line in self.lines]
        return json.dumps({"week": str(self.week), "lines": lines}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, *, computed_at: datetime, version: int) -> WeekFigures:
        data = json.loads(text)
        lines = tuple(
            Line(figure, date.fromisoformat(day), tuple(places) if places is not None else None, Decimal(value))
            for figure, day, places, value in data["lines"]
        )
        return cls(Week.parse(data["week"]), lines, computed_at, version)


def week_figures(facts: WeekFacts, computed_at: datetime) -> WeekFigures:
    """The week's figures as its digest counts them: each new call for tenders the day it was first seen,
    each pledge the day it moved, each award the day it was found."""
    week = facts.week
    counted: dict[tuple[str, date, tuple[str, ...] | None], Decimal] = {}

    def add(figure: str, moment: datetime, places: tuple[str, ...] | None, value: Decimal = Decimal(1)) -> None:
        key = (figure, Days.of(moment), places)
        counted[key] = counted.get(key, Decimal(0)) + value

    for seen in for_quebec(facts.new_in(week)):
        if not canada_wide(seen.tender):
            add(TENDERS_IN_QUEBEC, seen.first_seen_at, None)
        if places := tender_places(seen.tender):
            add(TENDERS_IN_REGIONS, seen.first_seen_at, places)
    for pledge in facts.data.pledges:
        region = (pledge.details.region,)
        for name, moment in PLEDGE_MOMENTS.items():
            if (at := moment(pledge)) is not None and week.contains(at):
                add(PLEDGES[name], at, region)
        verified = verified_at(pledge)
        target = pledge.details.target_share
        if verified is not None and week.contains(verified) and target is not None:
            add(TARGETS, verified, region)
            add(TARGET_TOTAL, verified, region, Decimal(target))
    for award in signatory_awards(facts, week):
        places = tuple(sorted({*tender_places(award.seen.tender), award.signatory.region}))
        add(SIGNATORY_AWARDS, award.seen.status_since, places)
        add(SIGNATORY_AMOUNT, award.seen.status_since, places, award.amount)
    lines = (Line(figure, day, places, value) for (figure, day, places), value in counted.items())
    return WeekFigures(week, tuple(sorted(lines, key=_order)), computed_at)


def _order(line: Line) -> tuple[str, date, tuple[str, ...]]:
    return line.figure, line.day, line.places or ()
