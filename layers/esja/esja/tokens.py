"""Signed, opaque, expiring tokens for the links in e-mails (unsubscribe, preferences, withdrawal).

No login and no personal data in the URL: a token carries an opaque reference, signed with HMAC by
itsdangerous. Keys rotate: new tokens are signed with the newest key, and every key still listed
verifies, so links already sent keep working after a rotation (for as long as `max_age` allows).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class InvalidToken(Exception):
    """Forged, altered, or meant for another purpose."""


class ExpiredToken(InvalidToken):
    """Genuine, but older than the link's lifetime."""


class TokenSigner:
    def __init__(self, keys: Sequence[str], purpose: str) -> None:
        """`keys`: oldest first, newest last (the one that signs). `purpose` keeps an unsubscribe token
        from being replayed as, say, a withdrawal token."""
        if not keys or not all(keys):
            raise ValueError("at least one non-empty signing key is required")
        # itsdangerous signs with the last key and verifies with any of them.
        self._serializer = URLSafeTimedSerializer(list(keys), salt=f"esja.{purpose}")

    def sign(self, payload: dict[str, Any]) -> str:
        return str(self._serializer.dumps(payload))

    def verify(self, token: str, max_age_seconds: int) -> dict[str, Any]:
        try:
            payload = self._serializer.loads(token, max_age=max_age_seconds)
        except SignatureExpired as error:
            raise ExpiredToken("the link has expired") from error
        except BadSignature as error:
            raise InvalidToken("the link is not valid") from error
        if not isinstance(payload, dict):
            raise InvalidToken("the link is not valid")
        return payload
