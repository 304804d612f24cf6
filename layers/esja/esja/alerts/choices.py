"""What a subscriber decides through the links in every alert: unsubscribe, and the preferences.

A link carries a signed token naming the subscriber's opaque id. A forged, altered or expired token, or
one signed by us for nobody we know, is a LinkProblem and changes nothing. Every decision is appended
to the consent log with how it was made and which wording the person saw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Literal, Protocol

from esja.alerts.links import Holder, SubscriberLinks
from esja.alerts.model import Listing, Preferences, SubscriberState
from esja.alerts.preferences_form import read_preferences
from esja.tokens import ExpiredToken, InvalidToken

PREFERENCES_WORDING = "preferences-page-2026-11"  # which words the person saw, kept in the consent log


class Unsubscribing(Enum):
    """How a person unsubscribed, and the wording they saw: (how, wording version) in the consent log."""

    PAGE = ("page de désabonnement", "desabonnement-page-2026-11")
    ONE_CLICK = ("un clic (RFC 8058)", "rfc8058-one-click")


class SubscriptionBook(Protocol):
    def address_of(self, subscriber_id: str) -> str | None: ...
    def state(self, address_key: str) -> SubscriberState: ...
    def unsubscribe(
        self, address_key: str, *, how: str, wording_version: str, language: str, now: datetime
    ) -> bool: ...
    def save_preferences(
        self, address_key: str, preferences: Preferences, *, how: str, wording_version: str, now: datetime
    ) -> None: ...


class LinkProblem(Exception):
    def __init__(self, kind: Literal["invalid", "expired"]) -> None:
        super().__init__(kind)
        self.kind: Literal["invalid", "expired"] = kind


@dataclass(frozen=True, slots=True)
class Visitor:
    """Whom a valid link names, and what the Subscriptions table knows of them; the links its page hands
    out expire with it (`link_expires_at`)."""

    subscriber_id: str
    address_key: str
    state: SubscriberState
    listing: Listing
    link_expires_at: datetime

    @property
    def enterprises(self) -> tuple[str, ...]:
        return self.listing.enterprise_names()

    @property
    def preferences(self) -> Preferences:
        return self.state.effective(self.listing.defaults)

    @property
    def stopped(self) -> bool:
        """Unsubscribed, or suppressed after a bounce or a complaint: no alert goes out whatever the choices."""
        return self.state.unsubscribed_at is not None or self.state.suppressed is not None


@dataclass(frozen=True, slots=True)
class PreferencesSaved:
    visitor: Visitor  # as stored after the save (or as before, when nothing was saved)
    saved: Preferences | None  # None: not saved, see the errors
    errors: tuple[str, ...] = ()  # wording keys


class SubscriberChoices:
    def __init__(self, subscriptions: SubscriptionBook, links: SubscriberLinks, clock: Callable[[], datetime]) -> None:
        self._subscriptions = subscriptions
        self._links = links
        self._clock = clock

    def unsubscribing(self, token: str) -> Visitor:
        """Whom an unsubscribe link names; raises LinkProblem."""
        return self._visitor(token, self._links.unsubscribing)

    def managing(self, token: str) -> Visitor:
        """Whom a preferences link names; raises LinkProblem."""
        return self._visitor(token, self._links.managing)

    def unsubscribe(self, token: str, *, way: Unsubscribing, language: str) -> Visitor:
        """Unsubscribed for good (again, harmlessly, if already); raises LinkProblem."""
        visitor = self.unsubscribing(token)
        how, wording = way.value
        self._subscriptions.unsubscribe(
            visitor.address_key, how=how, wording_version=wording, language=language, now=self._clock()
        )
        return visitor

    def save_preferences(self, token: str, fields: Mapping[str, Sequence[str]]) -> PreferencesSaved:
        """The preferences form as posted (esja.alerts.preferences_form); raises LinkProblem."""
        visitor = self.managing(token)
        form = read_preferences(fields, visitor.listing)
        if form.preferences is None:
            return PreferencesSaved(visitor, None, form.errors)
        self._subscriptions.save_preferences(
            visitor.address_key,
            form.preferences,
            how="page de préférences",
            wording_version=PREFERENCES_WORDING,
            now=self._clock(),
        )
        saved = replace(visitor, state=self._subscriptions.state(visitor.address_key))
        return PreferencesSaved(saved, form.preferences)

    def preferences_url(self, visitor: Visitor, lang: str) -> str:
        token = self._links.preferences_token(visitor.subscriber_id, not_after=visitor.link_expires_at)
        return self._links.preferences_url(token, lang)

    def unsubscribe_url(self, visitor: Visitor, lang: str) -> str:
        token = self._links.unsubscribe_token(visitor.subscriber_id, not_after=visitor.link_expires_at)
        return self._links.unsubscribe_url(token, lang)

    def _visitor(self, token: str, verify: Callable[[str], Holder]) -> Visitor:
        try:
            holder = verify(token)
        except ExpiredToken:
            raise LinkProblem("expired") from None
        except InvalidToken:
            raise LinkProblem("invalid") from None
        address_key = self._subscriptions.address_of(holder.subscriber_id)
        if address_key is None:  # signed by us, yet for nobody we know
            raise LinkProblem("invalid")
        state = self._subscriptions.state(address_key)
        if state.listing is None:
            raise LinkProblem("invalid")
        return Visitor(holder.subscriber_id, address_key, state, state.listing, holder.link_expires_at)
