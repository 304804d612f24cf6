"""Enterprises' subscribers → recipients: one per address, whatever the number of enterprises that
subscribed it, so nobody gets two e-mails from one run or the same tender twice."""

from __future__ import annotations

from collections.abc import Iterable

from esja.alerts.model import ConsentRef, Listing, Preferences, ProfileRef, Recipient
from esja.model import Enterprise, Profile, Subscriber
from esja.people.keys import AddressKeys, normalise_address


def recipients_of(
    enterprises: Iterable[Enterprise], profiles: Iterable[Profile], address_keys: AddressKeys
) -> list[Recipient]:
    """Every subscribed address, in a stable order. The first enterprise (by id) gives the defaults."""
    profiles_of: dict[str, list[ProfileRef]] = {}
    for profile in profiles:
        if profile.active:
            profiles_of.setdefault(profile.enterprise_id, []).append(
                ProfileRef(profile.enterprise_id, profile.id, profile.name or profile.id)
            )
    subscriptions: dict[str, list[tuple[Enterprise, Subscriber]]] = {}
    for enterprise in sorted(enterprises, key=lambda e: e.id):
        for subscriber in enterprise.subscribers:
            subscriptions.setdefault(normalise_address(subscriber.email), []).append((enterprise, subscriber))
    return [
        Recipient(address, address_keys(address), _listing(entries, profiles_of))
        for address, entries in sorted(subscriptions.items())
    ]


def _listing(entries: list[tuple[Enterprise, Subscriber]], profiles_of: dict[str, list[ProfileRef]]) -> Listing:
    first = entries[0][1]
    enterprises = tuple(dict.fromkeys((e.id, e.name) for e, _ in entries))
    return Listing(
        enterprises=enterprises,
        profiles=tuple(p for enterprise_id, _ in enterprises for p in profiles_of.get(enterprise_id, [])),
        defaults=Preferences(frequency=first.frequency, language=first.language),
        consents=tuple(ConsentRef(e.id, s.consent) for e, s in entries),
    )
