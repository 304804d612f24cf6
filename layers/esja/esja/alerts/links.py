"""The links every alert carries: unsubscribe (page and RFC 8058 one-click), preferences, and each
tender's « Ajouter à mon agenda ».

A link holds a signed token with the subscriber's opaque id and nothing else: no address, no name.
Tokens live 90 days — CASL wants an unsubscribe mechanism to keep working at least 60 days after
sending — and every signing key still listed verifies, so a key rotation breaks no link already sent.
A calendar link names a tender, nobody: signed so that the endpoint serves only the events of tenders
we alerted about, never text of someone else's choosing; it lives as long as a tender may stay open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlencode

from esja.tokens import InvalidToken, KeySource, TokenSigner

UNSUBSCRIBE_PATH = "/desabonnement"
ONE_CLICK_PATH = "/desabonnement/un-clic"  # POSTed by mail providers' servers (List-Unsubscribe-Post)
PREFERENCES_PATH = "/preferences"
CALENDAR_PATH = "/agenda"
TOKEN_FIELD = "jeton"  # noqa: S105 - the name of the query parameter and form field, not a secret
LINK_LIFETIME = timedelta(days=90)
CALENDAR_LINK_LIFETIME = timedelta(days=400)


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
        self._calendar = TokenSigner(keys, "calendar")
        # One token per tender and language for the container's life: every e-mail of a run that lists
        # the tender carries the same link, so its card is rendered once (esja.alerts.compose).
        self.calendar_url = lru_cache(maxsize=4096)(self._calendar_url)

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

    def _calendar_url(self, tender_key: str, lang: str) -> str:
        return self._url(CALENDAR_PATH, {TOKEN_FIELD: self._calendar.sign({"t": tender_key}), "lang": lang})

    def calendar_tender(self, token: str) -> str:
        """The tender key a calendar token names; raises InvalidToken or ExpiredToken."""
        tender_key = self._calendar.verify(token, int(CALENDAR_LINK_LIFETIME.total_seconds())).payload.get("t")
        if not isinstance(tender_key, str) or not tender_key:
            raise InvalidToken("the link is not valid")
        return tender_key

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
