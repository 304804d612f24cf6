"""The links every alert carries: unsubscribe (page and RFC 8058 one-click) and preferences.

A link holds a signed token with the subscriber's opaque id and nothing else: no address, no name.
Tokens live 90 days — CASL wants an unsubscribe mechanism to keep working at least 60 days after
sending — and every signing key still listed verifies, so a key rotation breaks no link already sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from urllib.parse import urlencode

from esja.tokens import InvalidToken, TokenSigner

UNSUBSCRIBE_PATH = "/desabonnement"
ONE_CLICK_PATH = "/desabonnement/un-clic"  # POSTed by mail providers' servers (List-Unsubscribe-Post)
PREFERENCES_PATH = "/preferences"
TOKEN_FIELD = "jeton"  # noqa: S105 - the name of the query parameter and form field, not a secret
LINK_LIFETIME = timedelta(days=90)


class SubscriberLinks:
    def __init__(self, public_base_url: str, keys: Sequence[str]) -> None:
        self._base = public_base_url.rstrip("/")
        self._unsubscribe = TokenSigner(keys, "unsubscribe")
        self._preferences = TokenSigner(keys, "preferences")

    def unsubscribe_token(self, subscriber_id: str) -> str:
        return self._unsubscribe.sign({"s": subscriber_id})

    def preferences_token(self, subscriber_id: str) -> str:
        return self._preferences.sign({"s": subscriber_id})

    def unsubscribe_url(self, token: str, lang: str) -> str:
        return self._url(UNSUBSCRIBE_PATH, {TOKEN_FIELD: token, "lang": lang})

    def one_click_url(self, token: str) -> str:
        return self._url(ONE_CLICK_PATH, {TOKEN_FIELD: token})

    def preferences_url(self, token: str, lang: str) -> str:
        return self._url(PREFERENCES_PATH, {TOKEN_FIELD: token, "lang": lang})

    def unsubscribing(self, token: str) -> str:
        """The subscriber id an unsubscribe token names; raises InvalidToken or ExpiredToken."""
        return _subscriber(self._unsubscribe, token)

    def managing(self, token: str) -> str:
        """The subscriber id a preferences token names; raises InvalidToken or ExpiredToken."""
        return _subscriber(self._preferences, token)

    def _url(self, path: str, query: dict[str, str]) -> str:
        return f"{self._base}{path}?{urlencode(query)}"


def _subscriber(signer: TokenSigner, token: str) -> str:
    payload = signer.verify(token, int(LINK_LIFETIME.total_seconds()))
    subscriber_id = payload.get("s")
    if not isinstance(subscriber_id, str) or not subscriber_id:
        raise InvalidToken("the link is not valid")
    return subscriber_id
