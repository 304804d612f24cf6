"""Removing enterprises: all that is theirs goes, but the evidence of consent, kept for a stated time.

One use case for every way an enterprise leaves: `esja enterprises remove ID`, `esja enterprises import
--prune` (the spreadsheet is the whole truth) and the organizers' console, which checks that its actor covers
the enterprise (esja.console.enterprises) before it removes. Whoever removes — an organizer, or the person at
the terminal (esja.people.actor.at_the_terminal) — each enterprise removed writes one audit record here,
`enterprise.remove`, filed under its regions: its name and counts, no personal information.

What goes at once:
- the enterprise and its profiles (Enterprises table), and with them what the spreadsheet gave of its
  subscribers: their addresses, names, languages and frequencies;
- its alert items (Matches table: its matches and updates, with who was told of each) and the answers its
  people gave to « was it relevant? » (esja.feedback: one vote per person and tender, under the alerts'
  opaque subscriber id) — kept while the enterprise is registered, never after;
- its listing in the public directory (esja.directory): it leaves the directory at once;
- in the Subscriptions table, what its subscribers' addresses hold for it. An address that another
  enterprise also subscribes keeps what that one needs: only this enterprise and its profiles leave its
  listing and preferences. An address that nothing else needs loses all of it: listing, preferences, the
  id its links carry, its send records.

What stays, CONSENT_EVIDENCE_RETENTION after the relationship ends, then goes by the table's TTL: the
consent log's records of the relationship (the consents the spreadsheet gave, unsubscribes, preference
changes: when, how, under which wording, keyed by a hash of the address and never the address) and the
marks that the address unsubscribed, bounced or complained, so that a later import never writes to an
address that said no; and the log of the enterprise's choices to be listed in the directory (when, by whose
address key, under which wording), the proof of that consent. Why three years: CASL puts the proof of
consent on the sender (s. 13), and the CRTC may open proceedings up to three years after a violation comes
to its knowledge; three years after the last message the relationship allowed is our reading of « as long
as it may be asked for ». Law 25 (s. 23 of the private-sector Act) keeps personal information only while
its purpose needs it: proving consent is that purpose, and the TTL ends it without anyone having to
remember.

Contracts won (public award data about the enterprise, no personal information) stay with the
programme's results.

Order: the addresses, then the alert items (so that no vote can be recorded any more: a vote needs its
match), the votes and the listing, then the enterprise. A removal cut short (AWS
failing) is run again: it finds the enterprise still there, and each step done already is done again harmlessly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from esja.alerts.model import Listing
from esja.alerts.recipients import recipients_of
from esja.audit.log import Audit, Item
from esja.model import Enterprise, Profile
from esja.people.actor import Actor
from esja.people.keys import AddressKeys

CONSENT_EVIDENCE_RETENTION = timedelta(days=3 * 365 + 1)  # three years, a leap day included


class EnterpriseRecords(Protocol):
    def load(self) -> tuple[list[Enterprise], list[Profile]]: ...
    def remove(self, enterprise_ids: Collection[str]) -> int: ...


class AlertItemRecords(Protocol):
    def remove_alert_items(self, enterprise_id: str) -> int: ...


class VoteRecords(Protocol):
    def remove_votes(self, enterprise_id: str) -> int:
        """Delete every vote about the enterprise's tenders; how many were deleted."""
        ...


class SubscriberRecords(Protocol):
    def leave(self, address_key: str, enterprise_id: str, listing: Listing, *, purge_at: datetime) -> None: ...
    def forget(self, address_key: str, *, purge_at: datetime) -> None: ...


class DirectoryListings(Protocol):
    def forget(self, enterprise_id: str, *, purge_at: datetime) -> None:
        """Its listing off the directory at once; its log of choices kept until `purge_at`."""
        ...


class UnknownEnterprises(LookupError):
    def __init__(self, enterprise_ids: Iterable[str]) -> None:
        self.enterprise_ids = tuple(enterprise_ids)
        super().__init__(", ".join(self.enterprise_ids))


@dataclass(frozen=True, slots=True)
class Leaving:
    """One enterprise removed, or to be: names and counts, nothing personal."""

    enterprise_id: str
    name: str
    regions: tuple[str, ...]  # the regions it serves: whose organizers may remove it
    profiles: int
    addresses_forgotten: int  # nothing else subscribes them: all their personal information goes
    addresses_kept: int  # another enterprise subscribes them too: only this one's part goes
    alert_items: int | None = None  # removed; None in a plan
    votes: int | None = None  # its people's answers to « was it relevant? », removed; None in a plan

    def details(self) -> dict[str, str]:
        """What an audit record says of it."""
        counts = ("profiles", "addresses_forgotten", "addresses_kept", "alert_items", "votes")
        return {"name": self.name} | {
            name: str(getattr(self, name)) for name in counts if getattr(self, name) is not None
        }


@dataclass(frozen=True, slots=True)
class Removal:
    enterprises: tuple[Leaving, ...]
    evidence_until: datetime  # when the consent log's records of these relationships are deleted
    done: bool = False


@dataclass(frozen=True, slots=True)
class _Survey:
    going: list[Enterprise]
    profiles: Counter[str]
    remaining: dict[str, Listing]  # address key → its listing once the enterprises are gone
    purge_at: datetime


class EnterpriseRemoval:
    def __init__(
        self,
        *,
        enterprises: EnterpriseRecords,
        matches: AlertItemRecords,
        votes: VoteRecords,
        subscriptions: SubscriberRecords,
        listings: DirectoryListings,
        address_keys: AddressKeys,
        audit: Audit,
        clock: Callable[[], datetime],
    ) -> None:
        self._enterprises = enterprises
        self._matches = matches
        self._votes = votes
        self._subscriptions = subscriptions
        self._listings = listings
        self._keys = address_keys
        self._audit = audit
        self._clock = clock

    def plan(self, enterprise_ids: Collection[str]) -> Removal:
        """What removing these enterprises would do; nothing is changed. UnknownEnterprises if one is not
        registered."""
        survey = self._survey(enterprise_ids)
        return Removal(tuple(self._leaving(e, survey) for e in survey.going), survey.purge_at)

    def plan_prune(self, kept: Sequence[Enterprise], kept_profiles: Sequence[Profile]) -> Removal:
        """What making these enterprises the whole list would remove (an import with --prune, before or after
        it saves them): every other one. An address one of these subscribes is kept, even if the table does
        not know it subscribes it yet."""
        enterprises, profiles = self._enterprises.load()
        names = {e.id for e in kept}
        survey = self._survey_of([e for e in enterprises if e.id not in names], kept, kept_profiles, profiles)
        return Removal(tuple(self._leaving(e, survey) for e in survey.going), survey.purge_at)

    def remove(self, actor: Actor, enterprise_ids: Collection[str]) -> Removal:
        """Remove these enterprises (see the module's docstring for what goes and what stays), each audited as
        the actor's doing."""
        survey = self._survey(enterprise_ids)
        done = []
        for enterprise in survey.going:
            for key in self._addresses(enterprise):
                if key in survey.remaining:
                    self._subscriptions.leave(key, enterprise.id, survey.remaining[key], purge_at=survey.purge_at)
                else:
                    self._subscriptions.forget(key, purge_at=survey.purge_at)
            alert_items = self._matches.remove_alert_items(enterprise.id)
            votes = self._votes.remove_votes(enterprise.id)
            self._listings.forget(enterprise.id, purge_at=survey.purge_at)
            leaving = self._leaving(enterprise, survey, alert_items, votes)
            # Written as soon as its people's information is gone, before the enterprise's own items: a removal
            # cut short after this is audited already, and its second run is audited again.
            item = Item("enterprise", leaving.enterprise_id)
            self._audit.record(actor, "enterprise.remove", item, regions=leaving.regions, details=leaving.details())
            done.append(leaving)
        if survey.going:
            self._enterprises.remove([e.id for e in survey.going])
        return Removal(tuple(done), survey.purge_at, done=True)

    def _survey(self, enterprise_ids: Collection[str]) -> _Survey:
        enterprises, profiles = self._enterprises.load()
        registered = {e.id: e for e in enterprises}
        unknown = sorted(set(enterprise_ids) - registered.keys())
        if unknown:
            raise UnknownEnterprises(unknown)
        going = set(enterprise_ids)
        staying = [e for e in enterprises if e.id not in going]
        staying_profiles = [p for p in profiles if p.enterprise_id not in going]
        return self._survey_of([registered[i] for i in sorted(going)], staying, staying_profiles, profiles)

    def _survey_of(
        self,
        going: list[Enterprise],
        staying: Sequence[Enterprise],
        staying_profiles: Sequence[Profile],
        profiles: Sequence[Profile],
    ) -> _Survey:
        return _Survey(
            going=going,
            profiles=Counter(p.enterprise_id for p in profiles),
            remaining={r.key: r.listing for r in recipients_of(staying, staying_profiles, self._keys)},
            purge_at=self._clock() + CONSENT_EVIDENCE_RETENTION,
        )

    def _addresses(self, enterprise: Enterprise) -> list[str]:
        return sorted({self._keys(s.email) for s in enterprise.subscribers})

    def _leaving(
        self, enterprise: Enterprise, survey: _Survey, alert_items: int | None = None, votes: int | None = None
    ) -> Leaving:
        keys = self._addresses(enterprise)
        kept = sum(1 for key in keys if key in survey.remaining)
        return Leaving(
            enterprise.id,
            enterprise.name,
            enterprise.regions_served,
            survey.profiles[enterprise.id],
            len(keys) - kept,
            kept,
            alert_items,
            votes,
        )
