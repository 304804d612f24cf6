"""The audit log as organizers read it (/organisation/journal): by dates and action, each organizer the
records of their regions and their own; one with every region sees everything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from esja.audit.log import AuditLog, AuditRecord
from esja.clock import TIME_ZONE
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role

MAX_DAYS = 366  # one query spans at most a year of months
MAX_SHOWN = 500  # newest first; the page says when there were more


@dataclass(frozen=True, slots=True)
class JournalPage:
    first: date
    last: date
    action: str
    records: tuple[AuditRecord, ...]
    more: bool  # more records than shown: narrow the dates


class Journal:
    def __init__(self, *, log: AuditLog, clock: Callable[[], datetime]) -> None:
        self._log = log
        self._clock = clock

    def default_range(self) -> tuple[date, date]:
        today = self._clock().astimezone(TIME_ZONE).date()
        return today - timedelta(days=30), today

    def read(self, actor: Actor, first: date, last: date, action: str = "") -> JournalPage:
        actor.require(Role.ORGANIZER)
        if last < first or (last - first).days >= MAX_DAYS:
            raise NotAllowed("a range of one day to a year")
        since = datetime.combine(first, time.min, TIME_ZONE)
        until = datetime.combine(last + timedelta(days=1), time.min, TIME_ZONE)
        records = [r for r in self._log.between(since, until, action=action) if _sees(actor, r)]
        return JournalPage(first, last, action, tuple(records[:MAX_SHOWN]), len(records) > MAX_SHOWN)


def _sees(actor: Actor, record: AuditRecord) -> bool:
    """An organizer sees what touched their regions, and what they did themselves (in any role)."""
    mine = record.address_key == actor.address_key
    return actor.covers_all or mine or any(actor.covers(region) for region in record.regions)
