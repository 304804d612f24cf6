"""The unsubscribe links of the notices ESJA sends for the signatories (esja.signatory_space.fits), and what
following one does: the address never receives a notice again.

A link carries a signed token naming the address's keyed hash (esja.people.keys) — no address, no name —
valid as long as the alerts' links (90 days: CASL wants an unsubscribe to work 60 days after sending) and
across a key rotation. A GET shows a page with a button; only the POST (the page's, or the one-click POST mail
clients send, RFC 8058) records the choice, once, with when and how: the notices' own stop list, checked
before every notice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from urllib.parse import urlencode

from esja.alerts.links import LINK_LIFETIME, TOKEN_FIELD
from esja.tokens import InvalidToken, KeySource, TokenSigner

UNSUBSCRIBE_PATH = "/avis/desabonnement"
ONE_CLICK_PATH = "/avis/desabonnement/un-clic"  # POSTed by mail providers' servers (List-Unsubscribe-Post)


class NoticeLinks:
    def __init__(self, public_base_url: str, keys: KeySource) -> None:
        self._base = public_base_url.rstrip("/")
        self._signer = TokenSigner(keys, "notice-unsubscribe")

    def token(self, address_key: str) -> str:
        return self._signer.sign({"a": address_key})

    def unsubscribe_url(self, token: str, lang: str) -> str:
        return f"{self._base}{UNSUBSCRIBE_PATH}?{urlencode({TOKEN_FIELD: token, 'lang': lang})}"

    def one_click_url(self, token: str) -> str:
        return f"{self._base}{ONE_CLICK_PATH}?{urlencode({TOKEN_FIELD: token})}"

    def holder(self, token: str) -> str:
        """The address key a token names; raises InvalidToken (ExpiredToken for an old one)."""
        address_key = self._signer.verify(token, int(LINK_LIFETIME.total_seconds())).payload.get("a")
        if not isinstance(address_key, str) or not address_key:
            raise InvalidToken("the link is not valid")
        return address_key


class NoticeStopList(Protocol):
    def opted_out(self, address_key: str) -> bool: ...

    def opt_out(self, address_key: str, *, how: str, at: datetime) -> bool:
        """Recorded once (True); False when it already was."""
        ...


class NoticeUnsubscribe:
    def __init__(self, *, notice_stops: NoticeStopList, notice_links: NoticeLinks, clock: Callable[[], datetime]):
        self._stops = notice_stops
        self._links = notice_links
        self._clock = clock

    def valid(self, token: str) -> bool:
        try:
            self._links.holder(token)
        except InvalidToken:
            return False
        return True

    def unsubscribe(self, token: str, *, how: str) -> bool:
        """Stopped for good (again, harmlessly, if it was); False for a link that is not valid."""
        try:
            address_key = self._links.holder(token)
        except InvalidToken:
            return False
        self._stops.opt_out(address_key, how=how, at=self._clock())
        return True
