"""The console's home: what needs an organizer now — pledges waiting to be verified in their regions, and
whether each feed still arrives (its last success, and a failure since)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.ingest.feed_state import FeedState
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.pledges.model import Pledge


class PledgesToVerify(Protocol):
    def to_verify(self, now: datetime) -> list[Pledge]:
        """Confirmed pledges nobody verified or rejected yet, oldest first."""
        ...


class FeedStates(Protocol):
    def all(self) -> list[FeedState]: ...


@dataclass(frozen=True, slots=True)
class FeedHealth:
    feed: str
    last_success_at: datetime | None
    failing_since: datetime | None  # the last error, when it came after the last success

    @classmethod
    def of(cls, state: FeedState) -> FeedHealth:
        success = datetime.fromisoformat(state.last_success_at) if state.last_success_at else None
        error = datetime.fromisoformat(state.last_error_at) if state.last_error_at else None
        failing = error if error and (success is None or error > success) else None
        return cls(state.feed, success, failing)


@dataclass(frozen=True, slots=True)
class ConsoleHome:
    to_verify: int  # in the organizer's regions
    oldest_to_verify: datetime | None  # when the longest-waiting of them was confirmed
    feeds: tuple[FeedHealth, ...]


class Console:
    def __init__(self, *, pledges: PledgesToVerify, feeds: FeedStates, clock: Callable[[], datetime]) -> None:
        self._pledges = pledges
        self._feeds = feeds
        self._clock = clock

    def home(self, actor: Actor) -> ConsoleHome:
        actor.require(Role.ORGANIZER)
        waiting = [p for p in self._pledges.to_verify(self._clock()) if actor.covers(p.details.region)]
        confirmed = [p.confirmed_at for p in waiting if p.confirmed_at]
        feeds = tuple(FeedHealth.of(state) for state in sorted(self._feeds.all(), key=lambda s: s.feed))
        return ConsoleHome(len(waiting), min(confirmed, default=None), feeds)
