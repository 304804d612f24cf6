"""The pledges as a spreadsheet (CSV) — the console's button and `esja pledges export` alike: the pledges an
organizer may see, chosen as the console's list chooses them. Personal information (signers' names, addresses,
phones): every export writes its audit record, and the cells are safe to open in a spreadsheet
(esja.pledges.export)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.audit.log import Audit, Item
from esja.console.pledges import PledgeFilter
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.pledges.export import write_pledges_csv
from esja.pledges.model import Pledge


class PledgeReader(Protocol):
    def everything(self, now: datetime) -> Iterable[Pledge]: ...


@dataclass(frozen=True, slots=True)
class PledgeFile:
    csv: str
    count: int


class PledgeExport:
    def __init__(self, *, pledges: PledgeReader, audit: Audit, clock: Callable[[], datetime]) -> None:
        self._pledges = pledges
        self._audit = audit
        self._clock = clock

    def export(self, actor: Actor, chosen: PledgeFilter) -> PledgeFile:
        actor.require(Role.ORGANIZER)
        pledges = [p for p in self._pledges.everything(self._clock()) if chosen.keeps(actor, p)]
        regions = tuple(sorted({p.details.region for p in pledges})) or actor.grant.regions
        stages = ",".join(sorted(chosen.stages)) or "all"
        details = {"count": str(len(pledges)), "stages": stages, "region": chosen.region or "all"}
        self._audit.record(actor, "pledges.export", Item("pledges"), regions=regions, details=details)
        return PledgeFile(write_pledges_csv(pledges), len(pledges))
