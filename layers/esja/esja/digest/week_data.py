"""What a digest is computed from: plain records read once per run, for a week and the one before.

Every section compares the week with the previous one, so each record keeps the moments that say
where it stood at either week's end: when a tender was first seen and reached its status, when a
match was recorded, when a pledge was confirmed or withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from esja.digest.signatories import SignatoryLink
from esja.digest.weeks import Week
from esja.feedback.model import Vote
from esja.model import Enterprise, Profile, Status, Tender
from esja.pledges.model import Pledge

# The kinds of SubscriptionEvent (esja.store.digest_sources reads them from the Subscriptions table).
EventKind = Literal["alert-sent", "bounce", "complaint", "unsubscribe"]
ALERT_SENT: EventKind = "alert-sent"
BOUNCE: EventKind = "bounce"
COMPLAINT: EventKind = "complaint"
UNSUBSCRIBE: EventKind = "unsubscribe"


@dataclass(frozen=True, slots=True)
class SeenTender:
    """A tender as stored, with when it was first seen and when it reached its current status."""

    tender: Tender
    first_seen_at: datetime
    status_since: datetime
    opened_at: datetime | None = None  # when first stored open for bids, and so matched; None: never

    @property
    def was_open_when_first_seen(self) -> bool:
        """A call for tenders when it appeared, not the notice of an award or cancellation of an old one
        (SEAO's weekly files carry those too)."""
        closing = self.tender.closing_at
        if closing is not None and closing <= self.first_seen_at:
            return False
        return self.tender.status is Status.OPEN or self.status_since > self.first_seen_at

    def open_at(self, moment: datetime) -> bool:
        """Known, not yet closed, and neither cancelled nor awarded yet at `moment`."""
        closing = self.tender.closing_at
        if closing is None or not self.first_seen_at <= moment < closing:
            return False
        return self.tender.status is Status.OPEN or self.status_since > moment


@dataclass(frozen=True, slots=True)
class MatchRecord:
    enterprise_id: str
    tender_key: str
    matched_at: datetime
    alerted: bool  # at least one subscriber was told


@dataclass(frozen=True, slots=True)
class WonRecord:
    """A contract won as recorded (esja.digest.outcomes.ContractWon), counted by when it was found awarded."""

    enterprise_id: str
    tender_key: str
    award_id: str
    amount: Decimal | None  # CAD
    found_at: datetime

    @property
    def award(self) -> tuple[str, str]:
        return self.tender_key, self.award_id


@dataclass(frozen=True, slots=True)
class EnterpriseActivity:
    """What an enterprise's Matches items say: the tenders it matched (and whether anyone was told), the
    contracts it won."""

    matches: tuple[MatchRecord, ...] = ()
    won: tuple[WonRecord, ...] = ()  # not the denied
    denied: frozenset[tuple[str, str]] = frozenset()  # (tender key, award id): « ce n'est pas nous »


@dataclass(frozen=True, slots=True)
class SubscriptionEvent:
    """What befell an alert address, counted by the digest (never the address itself)."""

    kind: EventKind
    at: datetime


@dataclass(frozen=True, slots=True)
class WeekData:
    week: Week
    as_of: datetime  # the digest's « now »: the week's end, or the present for a week not over yet
    new_tenders: tuple[SeenTender, ...] = ()  # first seen in the week or the previous one
    awarded: tuple[SeenTender, ...] = ()  # reached « awarded » in the week or the previous one
    closing: tuple[SeenTender, ...] = ()  # closing after the previous week's end: open then, or since
    matches: tuple[MatchRecord, ...] = ()
    enterprises: tuple[Enterprise, ...] = ()
    pledges: tuple[Pledge, ...] = ()
    links: tuple[SignatoryLink, ...] = ()
    events: tuple[SubscriptionEvent, ...] = ()  # the week's and the previous week's
    profiles: tuple[Profile, ...] = ()
    votes: tuple[Vote, ...] = ()  # every « Pertinent » / « Pas pertinent » answer kept
    denied: frozenset[tuple[str, str, str]] = frozenset()  # (enterprise id, tender key, award id) denied

    @property
    def previous_as_of(self) -> datetime:
        """The previous week's « now »: its end, which is this week's start."""
        return self.week.start
