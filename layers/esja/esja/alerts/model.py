"""The alerts' records: recipients, their preferences and state, and the Matches items they are told about."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from esja.model import Consent, Frequency, Language, Match, UpdateKind

SuppressionReason = Literal["bounce", "complaint"]


@dataclass(frozen=True, slots=True)
class ProfileRef:
    enterprise_id: str
    profile_id: str
    name: str

    @property
    def ref(self) -> str:
        """How a profile is named in a form and in the preferences: "enterprise/profile"."""
        return f"{self.enterprise_id}/{self.profile_id}"


@dataclass(frozen=True, slots=True)
class Preferences:
    frequency: Frequency
    language: Language
    reminders: bool = True  # the closing-soon section
    paused: bool = False
    profiles_off: frozenset[str] = frozenset()  # ProfileRef.ref of the profiles turned off
    # A signatory's invitation is e-mailed as soon as it is matched, whatever the frequency (off: it waits
    # for the next alert of the subscriber's frequency, like any tender).
    invitations_at_once: bool = True

    def without(self, enterprise_id: str) -> Preferences:
        """These choices once the enterprise is gone: its profiles are no longer theirs to turn off."""
        return replace(
            self, profiles_off=frozenset(r for r in self.profiles_off if not r.startswith(f"{enterprise_id}/"))
        )

    def wants(self, enterprise_id: str, profile_ids: tuple[str, ...]) -> bool:
        """A match is wanted while at least one of the profiles that matched it is on."""
        if not profile_ids:
            return True
        return any(f"{enterprise_id}/{p}" not in self.profiles_off for p in profile_ids)


@dataclass(frozen=True, slots=True)
class ConsentRef:
    enterprise_id: str
    consent: Consent


@dataclass(frozen=True, slots=True)
class Listing:
    """What a subscriber is registered for, as imported: shown by the preferences page, which cannot read
    the Enterprises table, and refreshed by every alert run."""

    enterprises: tuple[tuple[str, str], ...]  # (id, name)
    profiles: tuple[ProfileRef, ...]
    defaults: Preferences  # frequency and language from the import
    consents: tuple[ConsentRef, ...]

    def enterprise_names(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.enterprises)


@dataclass(frozen=True, slots=True)
class Recipient:
    """One address, with every enterprise that subscribed it: one e-mail per run, whatever their number."""

    address: str = field(repr=False)  # personal information: never in a repr, hence never in a log
    key: str = field(repr=False)  # its address key (esja.people.keys): everything about it is kept under it
    listing: Listing

    @property
    def enterprise_ids(self) -> tuple[str, ...]:
        return tuple(enterprise_id for enterprise_id, _ in self.listing.enterprises)


@dataclass(frozen=True, slots=True)
class SubscriberState:
    """What the Subscriptions table knows of an address."""

    subscriber_id: str | None = None  # the opaque id the links carry; None until the first run sees it
    listing: Listing | None = None
    preferences: Preferences | None = None  # the subscriber's own choices, over the import's defaults
    unsubscribed_at: datetime | None = None
    suppressed: SuppressionReason | None = None

    def effective(self, defaults: Preferences) -> Preferences:
        return self.preferences or defaults


@dataclass(frozen=True, slots=True)
class AlertItem:
    """A Matches item as the alerts see it: a match or an update, and who was already told."""

    enterprise_id: str
    item: str  # the table's sort key: "match#<tender>" or "update#<tender>#<hash>"
    tender_key: str
    recorded_at: datetime
    match: Match | None = None  # matches only
    profile_ids: tuple[str, ...] = ()
    change: UpdateKind | None = None  # updates only
    is_open: bool = True  # still in the open index (its tender may still concern someone)
    sent_to: frozenset[str] = frozenset()  # subscriber ids told about it
    reminded_to: frozenset[str] = frozenset()  # subscriber ids reminded that it closes soon

    @property
    def is_match(self) -> bool:
        return self.match is not None


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """One entry of the append-only log: what happened, when, how, under which wording."""

    kind: Literal["consent", "unsubscribe", "preferences"]
    at: datetime
    how: str
    wording_version: str
    details: dict[str, Any] = field(default_factory=dict)
    # Set once the relationship it proves has ended (esja.enterprises.removal): the table's TTL deletes the
    # record then. None while it may still be needed.
    expires_at: datetime | None = None
