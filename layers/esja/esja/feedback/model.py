"""A vote: one person's answer to « was this tender relevant? » for one enterprise's profiles.

One vote per person (the alert's opaque subscriber id, never an address) and tender, for each enterprise
whose profiles sent it; voting again replaces the answer. It keeps what the suggestions are worked out from,
as they were when the person answered: the tender, the reasons it was sent, and when it matched — the tender
may later change or leave the Tenders table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from esja.model import Reason, Tender


@dataclass(frozen=True, slots=True)
class Vote:
    enterprise_id: str
    tender_key: str
    voter: str  # the subscriber id of the alert's links: opaque, the same for one address in every alert
    profile_ids: tuple[str, ...]  # the enterprise's profiles that sent the tender
    relevant: bool
    at: datetime
    tender: Tender | None  # as it stood when the person answered; None if it was no longer stored
    reasons: tuple[Reason, ...] = ()  # why it was sent (the match's reasons)
    matched_at: datetime | None = None

    @property
    def item(self) -> str:
        """Its key among the enterprise's Matches items: one per tender and person."""
        return f"feedback#{self.tender_key}#{self.voter}"
