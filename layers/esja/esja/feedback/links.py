"""The « Pertinent » / « Pas pertinent » links of each tender in an alert.

A link carries a signed token naming the subscriber (the opaque id the other links of the alert carry: no
address, no name), the tender, and the profiles that matched it — each with its enterprise — and which
answer the person clicked. Its GET shows a page with both buttons; only their POST records the vote. Valid as
long as the alert's other links (90 days), across key rotations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from esja.alerts.links import LINK_LIFETIME, TOKEN_FIELD
from esja.alerts.model import ProfileRef
from esja.tokens import InvalidToken, KeySource, TokenSigner

FEEDBACK_PATH = "/pertinence"
RELEVANT, NOT_RELEVANT = "oui", "non"  # the buttons' values, and the links' own answer
ANSWERS = (RELEVANT, NOT_RELEVANT)


@dataclass(frozen=True, slots=True)
class Ballot:
    """What a valid link names."""

    subscriber_id: str
    tender_key: str
    profiles: tuple[tuple[str, str], ...]  # (enterprise id, profile id)
    relevant: bool  # the answer the link was for (the page offers both)
    link_expires_at: datetime

    @property
    def enterprise_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(enterprise_id for enterprise_id, _ in self.profiles))

    def profile_ids(self, enterprise_id: str) -> tuple[str, ...]:
        return tuple(p for e, p in self.profiles if e == enterprise_id)


class FeedbackLinks:
    def __init__(self, public_base_url: str, keys: KeySource) -> None:
        self._base = public_base_url.rstrip("/")
        self._signer = TokenSigner(keys, "feedback")

    def url(
        self, subscriber_id: str, tender_key: str, profiles: tuple[ProfileRef, ...], *, relevant: bool, lang: str
    ) -> str:
        payload = {
            "s": subscriber_id,
            "t": tender_key,
            "p": [[p.enterprise_id, p.profile_id] for p in profiles],
            "v": int(relevant),
        }
        query = {TOKEN_FIELD: self._signer.sign(payload), "lang": lang}
        return f"{self._base}{FEEDBACK_PATH}?{urlencode(query)}"

    def ballot(self, token: str) -> Ballot:
        """What the token names; raises InvalidToken or ExpiredToken."""
        verified = self._signer.verify(token, int(LINK_LIFETIME.total_seconds()))
        payload = verified.payload
        sid, tender, profiles, answer = payload.get("s"), payload.get("t"), payload.get("p"), payload.get("v")
        if not (isinstance(sid, str) and sid and isinstance(tender, str) and tender and isinstance(profiles, list)):
            raise InvalidToken("the link is not valid")
        pairs = tuple(
            (p[0], p[1])
            for p in profiles
            if isinstance(p, list) and len(p) == 2 and all(isinstance(part, str) and part for part in p)
        )
        if not pairs or len(pairs) != len(profiles) or answer not in (0, 1):
            raise InvalidToken("the link is not valid")
        return Ballot(sid, tender, pairs, bool(answer), verified.expires_at)
