"""What stops simple bots without bothering people: a honeypot field and a signed time-trap.

The honeypot is a text field hidden from people (CSS, aria-hidden, out of the tab order); a bot that
fills every field fills it. The time-trap is the moment the form was shown, signed so it cannot be
forged: a person takes more than a few seconds to fill the form, and does not send it days later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum

from esja.tokens import InvalidToken, KeySource, TokenSigner

HONEYPOT_FIELD = "website"
TIME_TRAP_FIELD = "form_token"
MIN_SECONDS = 3
MAX_SECONDS = 24 * 3600
_PURPOSE = "pledge-form"


class Trap(StrEnum):
    PASSED = "passed"
    HONEYPOT = "honeypot"  # a bot: answered as if all went well, nothing done
    TOO_FAST = "too-fast"  # sent less than MIN_SECONDS after the form was shown
    STALE = "stale"  # missing, forged, or older than MAX_SECONDS: the form is shown again, fresh


class TimeTrap:
    def __init__(self, keys: KeySource, clock: Callable[[], datetime]) -> None:
        self._signer = TokenSigner(keys, _PURPOSE)
        self._clock = clock

    def issue(self) -> str:
        return self._signer.sign({"at": int(self._clock().timestamp())})

    def check(self, fields: Mapping[str, Sequence[str]]) -> Trap:
        if any(v.strip() for v in fields.get(HONEYPOT_FIELD, ())):
            return Trap.HONEYPOT
        sent = fields.get(TIME_TRAP_FIELD, ())
        if len(sent) != 1:
            return Trap.STALE
        try:
            # itsdangerous bounds the age on its own clock too; ours decides (tests move it).
            at = self._signer.verify(sent[0], max_age_seconds=MAX_SECONDS).payload.get("at")
        except InvalidToken:
            return Trap.STALE
        if not isinstance(at, int):
            return Trap.STALE
        age = self._clock().timestamp() - at
        if age > MAX_SECONDS:
            return Trap.STALE
        return Trap.TOO_FAST if age < MIN_SECONDS else Trap.PASSED
