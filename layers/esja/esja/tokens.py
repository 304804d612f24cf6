"""Signed, opaque, expiring tokens for the links in e-mails (unsubscribe, preferences, withdrawal).

No login and no personal data in the URL: a token carries an opaque reference, signed with HMAC-SHA256
by itsdangerous (whose default is SHA-1). Links signed with SHA-1 before the switch still verify, never
signed again: HMAC-SHA1 is not forgeable without the key, and those links are in inboxes (an unsubscribe
link must work 60 days after sending, CASL). They die with their keys: two rotations after the switch,
no key that signed one is accepted, and LEGACY_SIGNERS can go.

Keys rotate (SigningKeys): `current` signs; `previous` and `next` also verify, so links already sent
keep working after a rotation, and so does a link signed by a container that already promoted `next`.
A token may also carry its own end (`not_after`), earlier than its lifetime: a page opened with a token
hands out new links that never outlive it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SIGNER: dict[str, Any] = {"digest_method": hashlib.sha256}
LEGACY_SIGNERS: tuple[dict[str, Any], ...] = ({"digest_method": hashlib.sha1},)  # links sent before SHA-256
_NOT_AFTER = "na"  # the payload field holding a token's own end (epoch seconds)


class InvalidToken(Exception):
    """Forged, altered, or meant for another purpose."""


class ExpiredToken(InvalidToken):
    """Genuine, but older than the link's lifetime."""


@dataclass(frozen=True, slots=True)
class SigningKeys:
    """The three slots of the signing-keys secret. Fixed keys are their own source (local runs, tests)."""

    current: str
    previous: str = ""
    next: str = ""

    def __post_init__(self) -> None:
        if not self.current:
            raise ValueError("a current signing key is required")

    @classmethod
    def from_secret(cls, value: Mapping[str, Any]) -> SigningKeys:
        """{"previous": …, "current": …, "next": …}, the secret's JSON (empty slots allowed but current)."""
        return cls(**{slot: str(value.get(slot) or "") for slot in ("current", "previous", "next")})

    @classmethod
    def from_list(cls, keys: Sequence[str]) -> SigningKeys:
        """Oldest first, as SIGNING_KEYS lists them: [current], [previous, current] or [previous, current, next]."""
        if not 1 <= len(keys) <= 3 or not all(keys):
            raise ValueError("one to three non-empty signing keys: previous, current, next")
        if len(keys) == 1:
            return cls(current=keys[0])
        return cls(previous=keys[0], current=keys[1], next=keys[2] if len(keys) == 3 else "")

    def __call__(self) -> SigningKeys:
        return self

    def verifying(self) -> list[str]:
        """Every key that verifies, the one that signs last (itsdangerous signs with the last)."""
        return [key for key in (self.previous, self.next) if key] + [self.current]


# Where the keys come from: fixed keys, or the secret re-read now and then (esja.store.signing_keys).
KeySource = Callable[[], SigningKeys]


@dataclass(frozen=True, slots=True)
class Verified:
    payload: dict[str, Any]
    expires_at: datetime  # the earlier of its lifetime's end and its own end


class TokenSigner:
    def __init__(self, keys: KeySource, purpose: str) -> None:
        """`purpose` keeps an unsubscribe token from being replayed as, say, a withdrawal token."""
        self._keys = keys
        self._salt = f"esja.{purpose}"
        self._serializer: tuple[SigningKeys, URLSafeTimedSerializer] | None = None

    def sign(self, payload: dict[str, Any], *, not_after: datetime | None = None) -> str:
        """A token for `payload`; with `not_after`, it also expires then (if its lifetime ends later)."""
        if not_after is not None:
            payload = {**payload, _NOT_AFTER: int(not_after.timestamp())}
        return str(self._current().dumps(payload))

    def verify(self, token: str, max_age_seconds: int) -> Verified:
        try:
            payload, signed_at = self._current().loads(token, max_age=max_age_seconds, return_timestamp=True)
        except SignatureExpired as error:
            raise ExpiredToken("the link has expired") from error
        except BadSignature as error:
            raise InvalidToken("the link is not valid") from error
        if not isinstance(payload, dict):
            raise InvalidToken("the link is not valid")
        end = signed_at.timestamp() + max_age_seconds
        not_after = payload.pop(_NOT_AFTER, None)
        if not_after is not None:
            if not isinstance(not_after, int):
                raise InvalidToken("the link is not valid")
            end = min(end, not_after)
        if time.time() > end:  # itsdangerous' own clock, as for max_age
            raise ExpiredToken("the link has expired")
        return Verified(payload, datetime.fromtimestamp(end, UTC))

    def _current(self) -> URLSafeTimedSerializer:
        """The serializer for the keys as they are now; rebuilt only when they change."""
        keys = self._keys()
        if self._serializer is None or self._serializer[0] != keys:
            serializer = URLSafeTimedSerializer(
                keys.verifying(), salt=self._salt, signer_kwargs=SIGNER, fallback_signers=[*LEGACY_SIGNERS]
            )
            self._serializer = (keys, serializer)
        return self._serializer[1]
