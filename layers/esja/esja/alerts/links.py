"""The links every alert carries: unsubscribe (page and RFC 8058 one-click) and preferences.

A link holds a signed token with the subscriber's opaque id and nothing else: no address, no name.
Tokens live 90 days — CASL wants an unsubscribe mechanism to keep working at least 60 days after
sending — and every signing key still listed verifies, so a key rotation breaks no link already sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from esja.tokens import InvalidToken, KeySource, TokenSigner

UNSUBSCRIBE_PATH = "/desabonnement"
ONE_CLICK_PATH = "/desabonnement/un-clic"  # POSTed by mail providers' servers (List-Unsubscribe-Post)
PREFERENCES_PATH = "/preferences"
TOKEN_FIELD = "jeton"  # noqa: S105 - the name of the query parameter and form field, not a secret
LINK_LIFETIME = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class Holder:
    """Whom a valid link names, and until when it is good."""

    subscriber_id: str
    link_expires_at: datetime


class SubscriberLinks:
    def __init__(self, public_base_url: str, keys: KeySource) -> None:
        self._base = public_base_url.rstrip("/")
        self._unsubscribe = TokenSigner(keys, "unsubscribe")
        self._preferences = TokenSigner(keys, "preferences")

    def unsubscribe_token(self, subscriber_id: str, *, not_after: datetime | None = None) -> str:
        """`not_after`: a page opened with a link hands out links that do not outlive it."""
        return self._unsubscribe.sign({"s": subscriber_id}, not_after=not_after)

    def preferences_token(self, subscriber_id: str, *, not_after: datetime | None = None) -> str:
        return self._preferences.sign({"s": subscriber_id}, not_after=not_after)

    def unsubscribe_url(self, token: str, lang: str) -> str:
        return self._url(UNSUBSCRIBE_PATH, {TOKEN_FIELD: token, "lang": lang})

    def one_click_url(self, token: str) -> str:
        return self._url(ONE_CLICK_PATH, {TOKEN_FIELD: token})

    def preferences_url(self, token: str, lang: str) -> str:
        return self._url(PREFERENCES_PATH, {TOKEN_FIELD: token, "lang": lang})

    def unsubscribing(self, token: str) -> Holder:
        """Whom an unsubscribe token names; raises InvalidToken or ExpiredToken."""
        return _holder(self._unsubscribe, token)

    def managing(self, token: str) -> Holder:
        """Whom a preferences token names; raises InvalidToken or ExpiredToken."""
        return _holder(self._preferences, token)

    def _url(self, path: str, query: dict[str, str]) -> str:
        return f"{self._base}{path}?{urlencode(query)}"


def _holder(signer: TokenSigner, token: str) -> Holder:
    verified = signer.verify(token, int(LINK_LIFETIME.total_seconds()))
    subscriber_id = verified.payload.get("s")
    if not isinstance(subscriber_id, str) or not subscriber_id:
        raise InvalidToken("the link is not valid")
    return Holder(subscriber_id, verified.expires_at)
