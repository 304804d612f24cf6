"""The digest's figures of any week (esja.digest.figures): kept once the week is over — by the weekly run,
or by `esja digest figures` for the weeks before it — and worked out from the tables for a week still
going on. The programme report reads them; what it finds kept costs one read for a year of weeks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.digest.facts import WeekFacts
from esja.digest.figures import FIGURES_VERSION, WeekFigures, week_figures
from esja.digest.outcomes import ContractWon
from esja.digest.signatories import SignatoryLink
from esja.digest.week_data import SeenTender, WeekData
from esja.digest.weeks import Week
from esja.model import Enterprise, Profile
from esja.pledges.model import Pledge


class FigureStore(Protocol):
    def figures_of(self, weeks: Sequence[Week]) -> dict[Week, WeekFigures]:
        """The figures kept for these weeks (whatever their version); weeks without are left out."""
        ...

    def save_figures(self, figures: WeekFigures) -> None: ...


class WeekTenders(Protocol):
    def first_seen_in(self, week: Week) -> list[SeenTender]: ...
    def awarded_in(self, week: Week) -> list[SeenTender]: ...


class EnterpriseList(Protocol):
    def load(self) -> tuple[list[Enterprise], list[Profile]]: ...


class PledgeList(Protocol):
    def everything(self, now: datetime) -> Iterable[Pledge]: ...


class SignatoryLinks(Protocol):
    def links(self) -> list[SignatoryLink]: ...


class ContractsWon(Protocol):
    def record_won(self, won: ContractWon, now: datetime) -> bool: ...


@dataclass(frozen=True, slots=True)
class WorkedOut:
    figures: WeekFigures
    won: tuple[ContractWon, ...]  # the awards to registered enterprises found in the week


class FigureBook:
    def __init__(
        self,
        *,
        tenders: WeekTenders,
        enterprises: EnterpriseList,
        pledges: PledgeList,
        organizers: SignatoryLinks,
        figures: FigureStore,
        clock: Callable[[], datetime],
        matches: ContractsWon | None = None,  # only to record contracts won (`record`)
    ) -> None:
        self._tenders = tenders
        self._enterprises = enterprises
        self._pledges = pledges
        self._links = organizers
        self._figures = figures
        self._matches = matches
        self._clock = clock

    def kept(self, weeks: Sequence[Week]) -> dict[Week, WeekFigures]:
        """The figures kept for these weeks by this version of ESJA (older ones mean something else)."""
        return {week: f for week, f in self._figures.figures_of(weeks).items() if f.version == FIGURES_VERSION}

    def work_out(self, week: Week) -> WorkedOut:
        """The week's figures from the tables, as of now (the week's end once it is over): the tenders first
        seen and found awarded in it, the pledges, who signed and which enterprises are registered."""
        return self.work_out_weeks([week])[0]

    def work_out_weeks(self, weeks: Sequence[Week]) -> list[WorkedOut]:
        """`work_out` for each week, the enterprises, pledges and signatories' links read once."""
        if not weeks:
            return []
        now = self._clock()
        enterprises = tuple(self._enterprises.load()[0])
        pledges = tuple(self._pledges.everything(now))
        links = tuple(self._links.links())
        worked = []
        for week in weeks:
            data = WeekData(
                week=week,
                as_of=min(week.end, now),
                new_tenders=tuple(self._tenders.first_seen_in(week)),
                awarded=tuple(self._tenders.awarded_in(week)),
                enterprises=enterprises,
                pledges=pledges,
                links=links,
            )
            facts = WeekFacts(data)
            worked.append(WorkedOut(week_figures(facts, now), tuple(facts.won_this)))
        return worked

    def record(self, week: Week) -> tuple[WorkedOut, int]:
        """Work out a week that is over, keep its figures and record its contracts won (as the weekly run
        does); how many contracts were recorded for the first time. ValueError for a week not over."""
        now = self._clock()
        if week.end > now:
            raise ValueError(f"{week} is not over: its figures are kept once it is")
        if self._matches is None:
            raise RuntimeError("this FigureBook was built to read figures only")
        worked = self.work_out(week)
        self._figures.save_figures(worked.figures)
        return worked, sum(self._matches.record_won(won, now) for won in worked.won)


def keep_if_over(figures: FigureStore, facts: WeekFacts, now: datetime) -> bool:
    """The weekly run keeps the figures of the week it sent, once that week is over; True when kept."""
    if facts.week.end > now:
        return False
    figures.save_figures(week_figures(facts, now))
    return True
