"""The console's home: what needs an organizer now — pledges waiting to be verified in their regions, and
whether each feed still arrives (its last success, a failure since, late against its schedule: esja.console.feeds)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.console.feeds import SCHEDULES, FeedStates, FeedStatus
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.pledges.model import Pledge


class PledgesToVerify(Protocol):
    def to_verify(self, now: datetime) -> list[Pledge]:
        """Confirmed pledges nobody verified or rejected yet, oldest first."""
        ...


@dataclass(frozen=True, slots=True)
class ConsoleHome:
    to_verify: int  # in the organizer's regions
    oldest_to_verify: datetime | None  # when the longest-waiting of them was confirmed
    feeds: tuple[FeedStatus, ...]  # each feed polled: its last success, a failure since, late or not


class Console:
    def __init__(self, *, pledges: PledgesToVerify, feeds: FeedStates, clock: Callable[[], datetime]) -> None:
        self._pledges = pledges
        self._feeds = feeds
        self._clock = clock

    def home(self, actor: Actor) -> ConsoleHome:
        actor.require(Role.ORGANIZER)
        now = self._clock()
        waiting = [p for p in self._pledges.to_verify(now) if actor.covers(p.details.region)]
        confirmed = [p.confirmed_at for p in waiting if p.confirmed_at]
        polled = sorted(self._feeds.all(), key=lambda s: s.feed)
        feeds = tuple(FeedStatus.of(state, now, SCHEDULES.get(state.feed)) for state in polled)
        return ConsoleHome(len(waiting), min(confirmed, default=None), feeds)
