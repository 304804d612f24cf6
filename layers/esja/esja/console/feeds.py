"""The feeds as organizers watch them (/organisation/flux): each feed's last success, last error, the files
it read and what it counted, the fields it repaired and the linked releases still to fetch — and whether
it is late against its schedule, so that a feed that stopped arriving shows at a glance.

A feed is late when no poll succeeded since its last scheduled run (an hour's grace: the schedule's retries
come within it). SEAO can also be late while every poll succeeds: it publishes a weekly file every Monday
for the week before; when the newest file read ends more than SEAO_WEEKLY_DELAY ago, the files stopped
coming. Feeds are the whole programme's: every organizer sees them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

from esja.clock import TIME_ZONE
from esja.ingest.feed_state import FeedState
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.sources.catalogue import DEFAULT_FEEDS, FeedConfig
from esja.sources.ckan import file_period

GRACE = timedelta(hours=1)  # the schedules retry a failed run within the hour (template.yaml)
SEAO_WEEKLY_DELAY = timedelta(days=8)  # a week's file comes the Monday after its Sunday: a day's slack
FILES_SHOWN = 5  # SEAO's latest files read


class FeedStates(Protocol):
    def all(self) -> list[FeedState]: ...


class State(StrEnum):
    UP_TO_DATE = "up-to-date"
    LATE = "late"
    FAILING = "failing"
    NEVER_READ = "never-read"


_DAYS = {"SUN": 6, "MON": 0, "TUE": 1, "WED": 2, "THU": 3, "FRI": 4, "SAT": 5}
_CRON = re.compile(r"cron\((\S+) (\S+) \? \* (\S+) \*\)")


@dataclass(frozen=True, slots=True)
class Schedule:
    """A poll's schedule, as template.yaml writes it for EventBridge Scheduler (Montréal's time): the subset of
    cron it uses — a minute, hours (`7`, `7-19/2`), days of the week (`*`, `MON-FRI`, `SAT,SUN`)."""

    cron: str
    minute: int
    hours: tuple[int, ...]
    weekdays: frozenset[int]  # Monday = 0

    @classmethod
    def parse(cls, cron: str) -> Schedule:
        found = _CRON.fullmatch(cron)
        if found is None:
            raise ValueError(f"not a schedule this page reads: {cron!r}")
        minute, hours, days = found.groups()
        return cls(cron, int(minute), tuple(sorted(_hours(hours))), frozenset(_weekdays(days)))

    def last_run(self, before: datetime) -> datetime:
        """The last scheduled run at or before `before`."""
        local = before.astimezone(TIME_ZONE)
        for back in range(8):
            day = local.date() - timedelta(days=back)
            if day.weekday() not in self.weekdays:
                continue
            for hour in reversed(self.hours):
                run = datetime.combine(day, time(hour, self.minute), TIME_ZONE)
                if run <= local:
                    return run
        raise ValueError(f"{self.cron} never runs")


def _hours(field: str) -> range | list[int]:
    if field == "*":
        return range(24)
    span, _, step = field.partition("/")
    first, _, last = span.partition("-")
    return range(int(first), int(last or first) + 1, int(step or 1))


def _weekdays(field: str) -> list[int]:
    if field == "*":
        return list(range(7))
    found: list[int] = []
    for part in field.split(","):
        first, _, last = part.partition("-")
        found += range(_DAYS[first], _DAYS[last or first] + 1)
    return found


# The built-in feeds' schedules: the same expressions as template.yaml's (a test holds them equal).
SCHEDULES = {
    "seao": Schedule.parse("cron(15 7 ? * * *)"),
    "canadabuys-new": Schedule.parse("cron(0 7-19/2 ? * MON-FRI *)"),
    "canadabuys-open": Schedule.parse("cron(30 6 ? * * *)"),
}


@dataclass(frozen=True, slots=True)
class FileRead:
    name: str
    first: date | None  # the days a SEAO file covers
    last: date | None


@dataclass(frozen=True, slots=True)
class Repair:
    kind: str  # « tender.value.amount (empty: no value) »
    count: int
    records: tuple[str, ...]  # the first few, by position and id


@dataclass(frozen=True, slots=True)
class FeedStatus:
    feed: str
    state: State
    last_success_at: datetime | None
    failing_since: datetime | None  # the last error, when it came after the last success
    last_error: str | None
    last_error_at: datetime | None
    expected_at: datetime | None  # the last scheduled run it should have read by now; None: no known schedule
    missed_run: bool  # no success since `expected_at`
    data_until: date | None  # SEAO: the last day its newest file covers
    stale_data: bool  # SEAO: no weekly file for more than SEAO_WEEKLY_DELAY
    files: tuple[FileRead, ...]
    file_version: str  # a single-file feed: the ETag or Last-Modified of the version last read
    last_counts: Mapping[str, int]
    totals: Mapping[str, int]
    repairs: tuple[Repair, ...]
    linked_next: int  # a file that only links to its releases, read over several runs: the next record

    @property
    def late(self) -> bool:
        return self.missed_run or self.stale_data

    @classmethod
    def of(cls, state: FeedState, now: datetime, schedule: Schedule | None) -> FeedStatus:
        success = _moment(state.last_success_at)
        error = _moment(state.last_error_at)
        failing = error if error and (success is None or error > success) else None
        expected = schedule.last_run(now - GRACE) if schedule else None
        missed = expected is not None and (success is None or success < expected)
        periods = [(name, period) for name in state.processed if (period := file_period(name))]
        weekly_ends = [period[1] for _, period in periods if period[2]]
        data_until = max(weekly_ends, default=None)
        stale = data_until is not None and now.astimezone(TIME_ZONE).date() > data_until + SEAO_WEEKLY_DELAY
        if failing:
            shown = State.FAILING
        elif success is None:
            shown = State.NEVER_READ
        else:
            shown = State.LATE if missed or stale else State.UP_TO_DATE
        files = [FileRead(name, period[0], period[1]) for name, period in periods]
        return cls(
            feed=state.feed,
            state=shown,
            last_success_at=success,
            failing_since=failing,
            last_error=state.last_error,
            last_error_at=error,
            expected_at=expected,
            missed_run=missed,
            data_until=data_until,
            stale_data=stale,
            files=tuple(sorted(files, key=lambda f: (f.last or date.min, f.name), reverse=True)[:FILES_SHOWN]),
            file_version=state.etag or state.last_modified or "",
            last_counts=dict(state.last_counts),
            totals=dict(state.totals),
            repairs=tuple(_repairs(state.last_repairs)),
            linked_next=state.linked_next if state.linked_file else 0,
        )


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _repairs(tally: Mapping[str, Mapping[str, object]]) -> list[Repair]:
    found = []
    for kind, counted in tally.items():
        count, records = counted.get("count", 0), counted.get("records", ())
        found.append(
            Repair(
                kind,
                count if isinstance(count, int) else 0,
                tuple(map(str, records)) if isinstance(records, list) else (),
            )
        )
    return sorted(found, key=lambda r: (-r.count, r.kind))


@dataclass(frozen=True, slots=True)
class FeedsPage:
    feeds: tuple[FeedStatus, ...]
    now: datetime

    @property
    def to_look_into(self) -> tuple[FeedStatus, ...]:
        """Late, failing or never read."""
        return tuple(f for f in self.feeds if f.state is not State.UP_TO_DATE)


class FeedWatch:
    def __init__(
        self,
        *,
        feeds: FeedStates,
        clock: Callable[[], datetime],
        configured: Mapping[str, FeedConfig] = DEFAULT_FEEDS,
    ) -> None:
        self._feeds = feeds
        self._clock = clock
        self._configured = configured

    def statuses(self, actor: Actor) -> FeedsPage:
        """Every feed polled at least once, and every feed configured that never was; built-in ones first."""
        actor.require(Role.ORGANIZER)
        return FeedsPage(tuple(feed_statuses(self._feeds.all(), self._clock(), self._configured)), self._clock())


def feed_statuses(
    states: list[FeedState], now: datetime, configured: Mapping[str, FeedConfig] = DEFAULT_FEEDS
) -> list[FeedStatus]:
    known = {state.feed: state for state in states}
    for name in configured:
        known.setdefault(name, FeedState(name))
    order = list(SCHEDULES)
    ranked = sorted(known.values(), key=lambda s: (order.index(s.feed) if s.feed in order else len(order), s.feed))
    return [FeedStatus.of(state, now, SCHEDULES.get(state.feed)) for state in ranked]
