"""Contracts won: the awards ESJA found for the enterprise — by its NEQ or its name (esja.digest.outcomes) — as
the weekly run recorded them. Its people confirm one, or say « ce n'est pas nous » (a namesake, a publisher's
mistake): a denied award is counted neither by the digest nor by the programme report (each reads the answer
with the award: esja.digest.week_data.EnterpriseActivity.denied). They may change their answer; each is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol

from esja.audit.log import Audit, Item
from esja.digest.outcomes import won_key
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role

Verdict = Literal["confirmed", "denied"]
CONFIRMED: Verdict = "confirmed"
DENIED: Verdict = "denied"


@dataclass(frozen=True, slots=True)
class RecordedWin:
    """An award as recorded for the enterprise, with its people's answer (None: not answered yet)."""

    enterprise_id: str
    tender_key: str
    award_id: str
    title: str
    buyer: str
    amount: Decimal | None  # CAD
    awarded_on: datetime | None
    supplier_name: str  # as the publisher wrote it
    recognised_by: str  # "neq" or "name"
    found_at: datetime
    verdict: Verdict | None = None

    @property
    def key(self) -> str:
        return won_key(self.tender_key, self.award_id)


class WinRecords(Protocol):
    def wins_of(self, enterprise_id: str) -> list[RecordedWin]: ...

    def set_verdict(self, enterprise_id: str, key: str, verdict: Verdict, at: datetime) -> bool:
        """Keep the answer on the recorded award; False when there is no such award."""
        ...


class ContractsWon:
    def __init__(self, *, wins: WinRecords, audit: Audit, clock: Callable[[], datetime]) -> None:
        self._wins = wins
        self._audit = audit
        self._clock = clock

    def list(self, actor: Actor) -> tuple[RecordedWin, ...]:
        """The enterprise's awards, the latest found first."""
        actor.require(Role.ENTERPRISE)
        return tuple(sorted(self._wins.wins_of(actor.item_id), key=lambda w: (w.found_at, w.key), reverse=True))

    def answer(self, actor: Actor, key: str, verdict: str) -> RecordedWin:
        """Confirm an award, or deny it; NotAllowed for an answer no button sends, hidden (404) for an award
        that is not the enterprise's."""
        found = next((w for w in self.list(actor) if w.key == key), None) if key else None
        if found is None:
            raise NotAllowed("no such award of this enterprise", hidden=True)
        answer = next((v for v in (CONFIRMED, DENIED) if v == verdict), None)
        if answer is None:
            raise NotAllowed("no such answer")
        if not self._wins.set_verdict(found.enterprise_id, key, answer, self._clock()):
            raise NotAllowed("the award is gone", hidden=True)
        self._audit.record(
            actor,
            f"contract.{'confirm' if answer == CONFIRMED else 'deny'}",
            Item("enterprise", found.enterprise_id),
            regions=actor.grant.regions,
            details={"tender": found.tender_key, "award": found.award_id},
        )
        return replace(found, verdict=answer)
