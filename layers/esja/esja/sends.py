"""One e-mail per recipient and period, at most: claim the period's send record, send, confirm.

Alerts (a subscriber's hour, day or week) and digests (an organizer's week) share it. The record goes
« preparing » (claimed: ours to render and send) → « sending » (SES is being asked) → « sent », or
« failed » when nothing went out (SES said no, or the run failed before asking), which a later run may
claim again. A run that dies while « preparing » is taken over after PREPARING_TIMEOUT; one that dies
while « sending » leaves the message in doubt: perhaps accepted by SES, so never sent twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from esja.emails import Email, Sender
from esja.errors import REFUSED

# A claim still « preparing » after this long belongs to a run that died before asking SES (a Lambda
# runs 15 minutes at the most): the next run may take it over.
PREPARING_TIMEOUT = timedelta(minutes=15)


class Claim(StrEnum):
    CLAIMED = "claimed"  # ours to send
    SENT = "already_sent"
    IN_FLIGHT = "in_flight"  # another run is preparing it right now
    IN_DOUBT = "in_doubt"  # a run died while SES was being asked: it may or may not have gone


@dataclass(frozen=True, slots=True)
class SendKey:
    recipient: str  # an address key (alerts) or an organizer id (digests): never an address
    period: str  # « daily#2026-11-20 », « 2026-W47 »…


class SendLedger(Protocol):
    def claim(self, key: SendKey, now: datetime) -> Claim: ...
    def sending(self, key: SendKey, now: datetime, details: Mapping[str, str]) -> None: ...
    def sent(self, key: SendKey, message_id: str, now: datetime, details: Mapping[str, str]) -> None: ...
    def failed(self, key: SendKey, reason: str, now: datetime) -> None: ...


class SendOnce:
    """The ledger and the mailer together: what both use cases do around the one call to SES."""

    def __init__(self, ledger: SendLedger, mailer: Sender | None, clock: Callable[[], datetime]) -> None:
        self._ledger = ledger
        self._mailer = mailer
        self._clock = clock

    def claim(self, key: SendKey) -> Claim:
        return self._ledger.claim(key, self._clock())

    def release(self, key: SendKey, reason: str) -> None:
        """Nothing went out: a later run may claim the period again."""
        self._ledger.failed(key, reason, self._clock())

    def send(self, key: SendKey, email: Email, **details: str) -> str:
        """SES's message id. SES refusing (Throttled, SendingPaused, Rejected) releases the claim and is
        raised; any other error (a lost answer) may hide an accepted message: the claim stays, and it is
        raised too."""
        if self._mailer is None:
            raise RuntimeError("built for previews only: no mailer")
        self._ledger.sending(key, self._clock(), details)
        try:
            return self._mailer.send(email)
        except REFUSED as error:
            self.release(key, type(error).__name__)
            raise

    def confirm(self, key: SendKey, message_id: str, **details: str) -> None:
        self._ledger.sent(key, message_id, self._clock(), details)
