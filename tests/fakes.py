"""In-memory implementations of every port the use cases declare (their Protocols), for fast unit tests.

Each fake is as strict as the adapter it stands for (esja.store, esja.mail): a conditional write that
DynamoDB would refuse is refused here too, a missing item is missing, and what is read back is a copy,
never the object that was written. `fail(operation)` makes the next calls of an operation raise what
AWS would make the adapter raise (Throttled by default). The adapters themselves are tested on moto.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import itertools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from esja.alerts.model import (
    AlertItem,
    ConsentRecord,
    ConsentRef,
    Listing,
    Preferences,
    SubscriberState,
    SuppressionReason,
)
from esja.audit.log import Audit, AuditRecord
from esja.config import SenderIdentity
from esja.console.enterprise_import import FileTooLarge, HeldFile
from esja.digest.figures import WeekFigures
from esja.digest.organizers import Organizer
from esja.digest.outcomes import ContractWon
from esja.digest.setup import SavedOrganizers
from esja.digest.signatories import SignatoryLink
from esja.digest.week_data import (
    BOUNCE,
    COMPLAINT,
    UNSUBSCRIBE,
    EnterpriseActivity,
    MatchRecord,
    SeenTender,
    SubscriptionEvent,
    WonRecord,
)
from esja.digest.weeks import Week
from esja.directory.listing import ListingChoice, ListingRecord
from esja.emails import Email, Sender
from esja.enterprise_space.colleagues import Invited, Team
from esja.enterprise_space.contracts import DENIED, RecordedWin
from esja.enterprise_space.contracts import Verdict as WinVerdict
from esja.enterprise_space.profile_store import StoredProfile
from esja.enterprise_space.recent_tenders import NOT_MODIFIED, NotModified, StoredSnapshot
from esja.errors import Rejected, SendingPaused, StoreError, Throttled
from esja.feedback.model import Vote
from esja.folding import fold_name
from esja.ingest.changes import Change, StoredVersion, plan_change
from esja.ingest.feed_state import FeedState
from esja.ingest.reference_data import CachedFile
from esja.joining.model import JoinRequest, JoinState
from esja.matching.enterprise_book import SaveSummary
from esja.model import Category, Enterprise, Match, Profile, Status, Tender, UpdateKind
from esja.people.actor import Actor
from esja.people.keys import AddressKeys
from esja.people.roles import Role, RoleGrant, Roles
from esja.pledges.domains import InstitutionDomain, domain_key
from esja.pledges.model import Pledge, PledgeStatus, RegistryEntry, Verdict, Verification
from esja.sends import PREPARING_TIMEOUT, Claim, SendKey, SendLedger
from esja.signatory_space.colleagues import Colleague, ColleagueState, PledgePeople
from esja.signatory_space.invitation import Invitation
from esja.signatory_space.own_tenders import indexed_buyer
from esja.signatory_space.publication import Publication
from esja.signatory_space.report import Deadline, YearlyReport
from esja.signin.model import Chosen, Session, SignInLink
from esja.sources.http import Fetched, FetchError

if TYPE_CHECKING:
    from esja.alerts import choices, suppressions
    from esja.alerts import service as alerts
    from esja.audit import log as audit
    from esja.console import buyer_links, domains, enterprise_import, enterprises, pledge_export, report
    from esja.console import digests as past_digests
    from esja.console import feeds as console_feeds
    from esja.console import home as console
    from esja.console import pledges as console_pledges
    from esja.digest import figure_book, setup
    from esja.digest import service as digest
    from esja.directory import moderation, public
    from esja.enterprise_space import colleagues as enterprise_colleagues
    from esja.enterprise_space import contracts, profile_store, recent_tenders
    from esja.enterprise_space import feedback as enterprise_feedback
    from esja.enterprise_space import home as enterprise_space
    from esja.enterprises import removal
    from esja.feedback import service as feedback
    from esja.ingest import poll, recent, reference_data
    from esja.joining import requests as join_requests
    from esja.matching import enterprise_book
    from esja.matching import service as matching
    from esja.people import rekey, roles
    from esja.pledges import service as pledges
    from esja.signatory_space import colleagues, commitments, fits, invitations, own_tenders, reports
    from esja.signatory_space import home as signatory_space
    from esja.signin import service as signin

T = TypeVar("T")
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

# The address keys of the unit tests (esja.people.keys): a fixed secret.
TEST_KEYS = AddressKeys.fixed("test-address-key-secret")


@dataclass
class Fake:
    """What every fake shares: injected failures, and the calls it received."""

    calls: list[str] = field(default_factory=list)
    _failures: dict[str, list[Exception]] = field(default_factory=lambda: defaultdict(list))

    def fail(self, operation: str, error: Exception | None = None, *, times: int = 1) -> None:
        """The next `times` calls of `operation` raise `error` (AWS throttling outlasting the retries)."""
        self._failures[operation] += [error or Throttled(f"{operation}: ThrottlingException")] * times

    def _call(self, operation: str) -> None:
        self.calls.append(operation)
        if self._failures[operation]:
            raise self._failures[operation].pop(0)


# --- poll_tenders ---


@dataclass(slots=True)
class Published:
    body: bytes | FetchError
    etag: str | None = None
    hits: int = 0


@dataclass
class FakePublisher:
    """The feeds' web servers: a URL answers its body, an error, or « not modified » to its own ETag."""

    files: dict[str, Published] = field(default_factory=dict)

    def publish(self, url: str, body: bytes | FetchError, etag: str | None = None) -> None:
        self.files[url] = Published(body, etag)

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        published = self.files.get(url)
        if published is None:
            raise FetchError(f"{url}: HTTP 404")
        published.hits += 1
        if isinstance(published.body, FetchError):
            raise published.body
        if etag is not None and etag == published.etag:
            return Fetched(url, not_modified=True, etag=etag, last_modified=last_modified)
        return Fetched(url, body=published.body, etag=published.etag)


@dataclass
class FakeFeedStates(Fake):
    saved: dict[str, FeedState] = field(default_factory=dict)

    def load(self, feed: str) -> FeedState:
        self._call("load")
        return copy.deepcopy(self.saved.get(feed, FeedState(feed)))

    def save(self, state: FeedState) -> None:
        self._call("save")
        self.saved[state.feed] = copy.deepcopy(state)

    def all(self) -> list[FeedState]:
        self._call("all")
        return [copy.deepcopy(state) for state in self.saved.values()]


@dataclass(frozen=True, slots=True)
class StoredTender:
    tender: Tender
    version: StoredVersion


@dataclass
class FakeTenders(Fake):
    """The Tenders table: what the poll writes, the matcher and the alerts read, and the digest by week."""

    stored: dict[str, StoredTender] = field(default_factory=dict)

    def stored_versions(self, keys: Sequence[str]) -> dict[str, StoredVersion]:
        self._call("stored_versions")
        return {key: self.stored[key].version for key in keys if key in self.stored}

    def write(self, changes: Sequence[Change]) -> int:
        self._call("write")
        for change in changes:
            version = StoredVersion(
                change.content_hash,
                change.tender.revision,
                change.tender.status,
                change.change_count,
                change.first_seen_at,
                change.status_since,
                change.opened_at,
            )
            self.stored[change.tender.key] = StoredTender(change.tender, version)
        return len(changes)

    def get(self, key: str) -> tuple[Tender, StoredVersion] | None:
        self._call("get")
        found = self.stored.get(key)
        return (found.tender, found.version) if found else None

    def open_tenders(self) -> Iterator[tuple[Tender, StoredVersion]]:
        self._call("open_tenders")
        for stored in list(self.stored.values()):
            if stored.version.status is Status.OPEN:
                yield stored.tender, stored.version

    def publish(self, tender: Tender, at: datetime) -> Change:
        """Stored as the poll stores it, seen at `at`."""
        stored = self.stored.get(tender.key)
        change = plan_change(tender, stored.version if stored else None, at)
        assert isinstance(change, Change), "a tender published again must have changed"
        self.write([change])
        return change

    def first_seen_in(self, week: Week) -> list[SeenTender]:
        return [_seen(s) for s in self.stored.values() if Week.containing(s.version.first_seen_at) == week]

    def awarded_in(self, week: Week) -> list[SeenTender]:
        return [
            _seen(s)
            for s in self.stored.values()
            if s.version.status is Status.AWARDED and Week.containing(s.version.status_since) == week
        ]

    def closing_after(self, moment: datetime) -> list[SeenTender]:
        closing = [s for s in self.stored.values() if s.tender.closing_at and s.tender.closing_at > moment]
        return [_seen(s) for s in closing]

    def of_buyer(self, name_keys: Collection[str], buyer_ids: Collection[str], status: Status) -> list[Tender]:
        """As the store's buyer indexes: the keys `indexed_buyer` writes on each tender."""
        self._call("of_buyer")
        found = []
        for stored in self.stored.values():
            name, buyer_id = indexed_buyer(stored.tender)
            if stored.version.status is status and (
                (name and name in name_keys) or (buyer_id and buyer_id in buyer_ids)
            ):
                found.append(stored.tender)
        return found


def _seen(stored: StoredTender) -> SeenTender:
    version = stored.version
    return SeenTender(stored.tender, version.first_seen_at, version.status_since, version.opened_at)


@dataclass
class FakeMatchQueue(Fake):
    announced: list[Change] = field(default_factory=list)

    def announce(self, changes: Sequence[Change]) -> int:
        self._call("announce")
        self.announced += changes
        return len(changes)


@dataclass
class FakeReferenceCache:
    files: dict[str, CachedFile] = field(default_factory=dict)

    def read(self, name: str) -> CachedFile | None:
        return self.files.get(name)

    def write(self, name: str, file: CachedFile) -> None:
        self.files[name] = file


# --- match_tenders, the enterprises' spreadsheet ---


@dataclass
class FakeEnterprises(Fake):
    """The Enterprises table: the spreadsheet's enterprises and profiles, and a version that moves with them."""

    enterprises: dict[str, Enterprise] = field(default_factory=dict)
    profiles: dict[tuple[str, str], Profile] = field(default_factory=dict)
    address_keys: AddressKeys = TEST_KEYS  # what keys the manager index, as the store's
    _version: int = 0

    def save(self, enterprises: Sequence[Enterprise], profiles: Sequence[Profile]) -> SaveSummary:
        self._call("save")
        listed = {e.id for e in enterprises}
        wanted = {(p.enterprise_id, p.id): p for p in profiles}
        changed_enterprises = [e for e in enterprises if self.enterprises.get(e.id) != e]
        changed_profiles = [p for key, p in wanted.items() if self.profiles.get(key) != p]
        removed = [key for key in self.profiles if key[0] in listed and key not in wanted]
        self.enterprises |= {e.id: e for e in enterprises}
        self.profiles = {k: p for k, p in self.profiles.items() if k not in removed} | wanted
        summary = SaveSummary(
            len(changed_enterprises),
            len(changed_profiles),
            len(removed),
            len(enterprises) + len(wanted) - len(changed_enterprises) - len(changed_profiles),
        )
        self._version += summary.changed
        return summary

    def load(self) -> tuple[list[Enterprise], list[Profile]]:
        self._call("load")
        return sorted(self.enterprises.values(), key=lambda e: e.id), sorted(
            self.profiles.values(), key=lambda p: (p.enterprise_id, p.id)
        )

    def remove(self, enterprise_ids: Collection[str]) -> int:
        self._call("remove")
        gone = [e for e in enterprise_ids if e in self.enterprises]
        profiles = [key for key in self.profiles if key[0] in enterprise_ids]
        for enterprise_id in gone:
            del self.enterprises[enterprise_id]
        for key in profiles:
            del self.profiles[key]
        self._version += bool(gone or profiles)
        return len(gone) + len(profiles)

    def version(self) -> int:
        return self._version

    def enterprise(self, enterprise_id: str) -> Enterprise | None:
        self._call("enterprise")
        return self.enterprises.get(enterprise_id)

    def profiles_of(self, enterprise_id: str) -> list[Profile]:
        return sorted((p for (e, _), p in self.profiles.items() if e == enterprise_id), key=lambda p: p.id)

    def all_enterprises(self) -> list[Enterprise]:
        self._call("all_enterprises")
        return sorted(self.enterprises.values(), key=lambda e: e.id)

    def managed_by(self, address_key: str) -> list[str]:
        self._call("managed_by")
        return sorted(
            e.id
            for e in self.enterprises.values()
            if any(self.address_keys(m.email) == address_key for m in e.managers)
        )

    # The enterprises' own changes (esja.enterprise_space.profile_store.ProfileStore).

    def stored_profiles(self, enterprise_id: str) -> list[StoredProfile]:
        self._call("stored_profiles")
        mine = [p for (e, _), p in self.profiles.items() if e == enterprise_id]
        return [_stored_profile(p) for p in sorted(mine, key=lambda p: p.id)]

    def add(self, profile: Profile) -> StoredProfile | None:
        self._call("add")
        key = (profile.enterprise_id, profile.id)
        if key in self.profiles or profile.enterprise_id not in self.enterprises:
            return None
        return self._changed(profile)

    def replace(self, profile: Profile, version: str) -> StoredProfile | None:
        self._call("replace")
        stored = self.profiles.get((profile.enterprise_id, profile.id))
        if stored is None or _stored_profile(stored).version != version:
            return None
        return self._changed(profile)

    def remove_profile(self, enterprise_id: str, profile_id: str, version: str) -> bool:
        self._call("remove_profile")
        stored = self.profiles.get((enterprise_id, profile_id))
        if stored is None or _stored_profile(stored).version != version:
            return False
        del self.profiles[(enterprise_id, profile_id)]
        self._version += 1
        return True

    def _changed(self, profile: Profile) -> StoredProfile:
        self.profiles[(profile.enterprise_id, profile.id)] = profile
        self._version += 1
        return _stored_profile(profile)


def _stored_profile(profile: Profile) -> StoredProfile:
    """As the adapter versions a profile: a hash of what is stored."""
    return StoredProfile(profile, hashlib.sha256(repr(profile).encode()).hexdigest()[:16])


@dataclass
class FakeSnapshots(Fake):
    """The recent tenders' snapshot object: conditional writes and reads, as S3 answers them."""

    data: bytes | None = None
    _etag: int = 0

    def version(self) -> str | None:
        self._call("version")
        return self._stored_version()

    def replace(self, data: bytes, version: str | None) -> bool:
        self._call("replace")
        if version != self._stored_version():
            return False
        self.data, self._etag = data, self._etag + 1
        return True

    def read(self, unless: str | None) -> StoredSnapshot | NotModified | None:
        self._call("read")
        version = self._stored_version()
        if self.data is None or version is None:
            return None
        return NOT_MODIFIED if unless == version else StoredSnapshot(self.data, version)

    def _stored_version(self) -> str | None:
        return f'"{self._etag}"' if self.data is not None else None


@dataclass
class FakeTeams(Fake):
    """An enterprise's people as its space changes them, over FakeEnterprises' own enterprises (the roles see the
    changes), each change only over the version read; the colleagues asked for beside them."""

    enterprises: FakeEnterprises = field(default_factory=FakeEnterprises)
    invitations: dict[tuple[str, str], Invited] = field(default_factory=dict)

    def team(self, enterprise_id: str) -> Team | None:
        self._call("team")
        enterprise = self.enterprises.enterprises.get(enterprise_id)
        if enterprise is None:
            return None
        invited = sorted(
            (i for (e, _), i in self.invitations.items() if e == enterprise_id), key=lambda i: i.invited_at
        )
        return Team(enterprise, _team_version(enterprise), tuple(invited))

    def invite(self, invited: Invited) -> bool:
        self._call("invite")
        if invited.enterprise_id not in self.enterprises.enterprises:
            return False
        self.invitations[(invited.enterprise_id, invited.id)] = invited
        return True

    def invitation(self, enterprise_id: str, invitation_id: str) -> Invited | None:
        self._call("invitation")
        return self.invitations.get((enterprise_id, invitation_id))

    def change(self, team: Team, enterprise: Enterprise, confirmed: Invited | None = None) -> bool:
        self._call("change")
        current = self.enterprises.enterprises.get(enterprise.id)
        if current is None or _team_version(current) != team.version:
            return False
        if confirmed is not None:
            key = (confirmed.enterprise_id, confirmed.id)
            stored = self.invitations.get(key)
            if stored is None or stored.confirmed_at is not None:
                return False
            self.invitations[key] = replace(stored, confirmed_at=confirmed.confirmed_at)
        self.enterprises.enterprises[enterprise.id] = enterprise
        return True


def _team_version(enterprise: Enterprise) -> str:
    return hashlib.sha256(repr(astuple(enterprise)).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class MatchItem:
    """A Matches item: the AlertItem the alerts read, with the state the adapter keeps beside it."""

    alert: AlertItem
    tender_hash: str
    alert_state: str = "pending"  # pending | sent | closed


@dataclass
class FakeMatches(Fake):
    """The Matches table: matches and updates written once, who was told, and the contracts won with the
    enterprise's answer."""

    items_by_key: dict[tuple[str, str], MatchItem] = field(default_factory=dict)
    won: dict[tuple[str, str], ContractWon] = field(default_factory=dict)
    recorded_at: dict[tuple[str, str], datetime] = field(default_factory=dict)
    verdicts: dict[tuple[str, str], WinVerdict] = field(default_factory=dict)

    def record_match(self, match: Match, profile_ids: Sequence[str], tender_hash: str, now: datetime) -> bool:
        self._call("record_match")
        alert = AlertItem(
            match.enterprise_id, f"match#{match.tender_key}", match.tender_key, now, match, tuple(profile_ids)
        )
        return self._put_once(MatchItem(alert, tender_hash))

    def record_update(
        self, enterprise_id: str, tender_key: str, change: UpdateKind, tender_hash: str, now: datetime
    ) -> bool:
        self._call("record_update")
        item = f"update#{tender_key}#{tender_hash}"
        return self._put_once(MatchItem(AlertItem(enterprise_id, item, tender_key, now, change=change), tender_hash))

    def enterprises_matched(self, tender_key: str) -> list[str]:
        return sorted({e for (e, item) in self.items_by_key if item == f"match#{tender_key}"})

    def open_items(self, enterprise_id: str) -> list[AlertItem]:
        self._call("open_items")
        return [m.alert for (e, _), m in self.items_by_key.items() if e == enterprise_id and m.alert.is_open]

    def items(self, keys: Iterable[tuple[str, str]]) -> list[AlertItem]:
        self._call("items")
        return [self.items_by_key[key].alert for key in dict.fromkeys(keys) if key in self.items_by_key]

    def mark_told(self, enterprise_id: str, item: str, subscriber_id: str, *, sent: bool, reminded: bool) -> None:
        self._call("mark_told")
        stored = self.items_by_key.get((enterprise_id, item))
        if stored is None:  # the adapter's condition: never create a half item
            return
        alert = stored.alert
        alert = replace(alert, sent_to=alert.sent_to | {subscriber_id}) if sent else alert
        alert = replace(alert, reminded_to=alert.reminded_to | {subscriber_id}) if reminded else alert
        state = "sent" if sent else stored.alert_state
        self.items_by_key[(enterprise_id, item)] = replace(stored, alert=alert, alert_state=state)

    def close(self, enterprise_id: str, item: str) -> None:
        self._call("close")
        stored = self.items_by_key.get((enterprise_id, item))
        if stored is not None and stored.alert.is_open:
            self.items_by_key[(enterprise_id, item)] = MatchItem(
                replace(stored.alert, is_open=False), stored.tender_hash, "closed"
            )

    def records_of(self, enterprise_id: str) -> list[MatchRecord]:
        return [
            MatchRecord(e, m.alert.tender_key, m.alert.recorded_at, bool(m.alert.sent_to))
            for (e, _), m in self.items_by_key.items()
            if e == enterprise_id and m.alert.is_match
        ]

    def record_won(self, won: ContractWon, now: datetime) -> bool:
        self._call("record_won")
        key = (won.enterprise_id, won.record_key)
        if key in self.won:
            return False
        self.won[key] = won
        self.recorded_at[key] = now
        return True

    def activities_of(self, enterprise_ids: Sequence[str]) -> dict[str, EnterpriseActivity]:
        return {enterprise_id: self.activity_of(enterprise_id) for enterprise_id in enterprise_ids}

    def activity_of(self, enterprise_id: str) -> EnterpriseActivity:
        """The enterprise's matches and contracts won, as the store reads them (a won contract recorded
        without its finding moment counts by when it was recorded)."""
        self._call("activity_of")
        mine = [(key, w) for (e, key), w in self.won.items() if e == enterprise_id]
        won = tuple(
            WonRecord(enterprise_id, w.tender_key, w.award_id, w.amount, w.found_at or self._recorded(w))
            for key, w in mine
            if self.verdicts.get((enterprise_id, key)) != DENIED
        )
        denied = frozenset(
            (w.tender_key, w.award_id) for key, w in mine if self.verdicts.get((enterprise_id, key)) == DENIED
        )
        return EnterpriseActivity(tuple(self.records_of(enterprise_id)), won, denied)

    def _recorded(self, won: ContractWon) -> datetime:
        return self.recorded_at.get((won.enterprise_id, won.record_key), _EPOCH)

    def wins_of(self, enterprise_id: str) -> list[RecordedWin]:
        self._call("wins_of")
        return [
            RecordedWin(
                enterprise_id,
                w.tender_key,
                w.award_id,
                w.title.any(),
                w.buyer.any(),
                w.amount,
                w.awarded_on,
                w.supplier_name,
                w.recognised_by,
                w.found_at or self._recorded(w),
                self.verdicts.get((e, key)),
            )
            for (e, key), w in self.won.items()
            if e == enterprise_id
        ]

    def set_verdict(self, enterprise_id: str, key: str, verdict: WinVerdict, at: datetime) -> bool:
        self._call("set_verdict")
        if (enterprise_id, key) not in self.won:
            return False
        self.verdicts[(enterprise_id, key)] = verdict
        return True

    def remove_alert_items(self, enterprise_id: str) -> int:
        self._call("remove_alert_items")
        return _remove_enterprises_items(self.items_by_key, enterprise_id)

    def _put_once(self, item: MatchItem) -> bool:
        key = (item.alert.enterprise_id, item.alert.item)
        if key in self.items_by_key:
            return False
        self.items_by_key[key] = item
        return True


# --- send_alerts, ses_events, the subscription pages ---


@dataclass(slots=True)
class Subscribed:
    subscriber_id: str | None  # None: never registered by an alert run, or forgotten since
    listing: Listing | None
    preferences: Preferences | None = None
    unsubscribed_at: datetime | None = None
    suppressed: SuppressionReason | None = None
    log: list[ConsentRecord] = field(default_factory=list)
    marks_expire_at: datetime | None = None  # the unsubscribe and suppression marks' TTL, once forgotten


@dataclass
class FakeSubscriptions(Fake):
    """The Subscriptions table, by address key: never an address. The alerts' send records live in the
    same table (`sends`): forgetting an address deletes them too."""

    by_address: dict[str, Subscribed] = field(default_factory=dict)
    events: list[SubscriptionEvent] = field(default_factory=list)
    sends: FakeSendLedger | None = None
    _ids: Iterator[str] = field(default_factory=lambda: (f"subscriber-{n}" for n in itertools.count(1)))

    def state(self, address_key: str) -> SubscriberState:
        self._call("state")
        known = self.by_address.get(address_key)
        if known is None:
            return SubscriberState()
        return SubscriberState(
            known.subscriber_id, known.listing, known.preferences, known.unsubscribed_at, known.suppressed
        )

    def address_of(self, subscriber_id: str) -> str | None:
        return next((key for key, s in self.by_address.items() if s.subscriber_id == subscriber_id), None)

    def enrol(self, address_key: str, listing: Listing, now: datetime) -> SubscriberState:
        self._call("enrol")
        known = self._known(address_key)
        if known.subscriber_id is None:
            known.subscriber_id = next(self._ids)
        for consent in listing.consents:
            record = _consent_record(consent)
            logged = next(
                (at for at, r in enumerate(known.log) if replace(r, how=record.how, expires_at=None) == record), None
            )
            if logged is None:
                known.log.append(record)
            else:  # the adapter's write keeps a record again while its enterprise is back
                known.log[logged] = replace(known.log[logged], expires_at=None)
        known.listing = listing
        return self.state(address_key)

    def leave(self, address_key: str, enterprise_id: str, listing: Listing, *, purge_at: datetime) -> None:
        self._call("leave")
        known = self.by_address.get(address_key)
        if known is None:
            return
        if known.listing is not None:
            known.listing = listing
        if known.preferences is not None:
            known.preferences = known.preferences.without(enterprise_id)
        known.log = [
            _expiring(r, purge_at) if r.kind == "consent" and r.details.get("enterprise_id") == enterprise_id else r
            for r in known.log
        ]

    def forget(self, address_key: str, *, purge_at: datetime) -> None:
        self._call("forget")
        known = self.by_address.get(address_key)
        if known is None:
            return
        known.subscriber_id, known.listing, known.preferences = None, None, None
        known.log = [_expiring(r, purge_at) for r in known.log]
        if known.unsubscribed_at or known.suppressed:
            known.marks_expire_at = known.marks_expire_at or purge_at
        if self.sends is not None:
            self.sends.records = {k: r for k, r in self.sends.records.items() if k.recipient != address_key}

    def unsubscribe(self, address_key: str, *, how: str, wording_version: str, language: str, now: datetime) -> bool:
        self._call("unsubscribe")
        known = self._known(address_key)
        if known.unsubscribed_at is not None:  # the adapter's conditional writes: the first one only
            return False
        known.unsubscribed_at = now
        known.log.append(ConsentRecord("unsubscribe", now, how, wording_version, {"language": language}))
        self.events.append(SubscriptionEvent(UNSUBSCRIBE, now))
        return True

    def save_preferences(
        self, address_key: str, preferences: Preferences, *, how: str, wording_version: str, now: datetime
    ) -> None:
        self._call("save_preferences")
        known = self._known(address_key)
        known.preferences = preferences
        known.log.append(ConsentRecord("preferences", now, how, wording_version, {"frequency": preferences.frequency}))

    def history(self, address_key: str) -> list[ConsentRecord]:
        return sorted(self.by_address[address_key].log, key=lambda r: r.at)

    def suppress(
        self, address_key: str, *, reason: SuppressionReason, detail: str, event_id: str, at: datetime
    ) -> bool:
        self._call("suppress")
        known = self._known(address_key)
        if known.suppressed is not None:
            return False
        known.suppressed = reason
        self.events.append(SubscriptionEvent(COMPLAINT if reason == "complaint" else BOUNCE, at))
        return True

    def rekey(self, old_key: str, new_key: str) -> int:
        self._call("rekey")
        moved = self.by_address.pop(old_key, None)
        if moved is None:
            return 0
        self.by_address.setdefault(new_key, moved)  # an item already under the new key stays
        return 1 + len(moved.log)

    def address_partitions(self) -> set[str]:
        return set(self.by_address)

    def since(self, moment: datetime) -> list[SubscriptionEvent]:
        return [event for event in self.events if event.at >= moment]

    def _known(self, address_key: str) -> Subscribed:
        """The address's items; the adapter writes them whether or not an alert run registered it."""
        return self.by_address.setdefault(address_key, Subscribed(None, None))


def _expiring(record: ConsentRecord, at: datetime) -> ConsentRecord:
    """As the adapter's TTL: set once, an earlier time kept."""
    return replace(record, expires_at=record.expires_at or at)


def _consent_record(consent: ConsentRef) -> ConsentRecord:
    given = consent.consent
    return ConsentRecord(
        "consent", given.at, given.how, given.wording_version, {"enterprise_id": consent.enterprise_id}
    )


@dataclass(slots=True)
class SendRecord:
    state: str  # preparing | sending | sent | failed
    claimed_at: datetime
    details: dict[str, str] = field(default_factory=dict)
    message_id: str | None = None


@dataclass
class FakeSendLedger(Fake):
    """Send records (esja.sends): the claim's condition as the adapter writes it."""

    records: dict[SendKey, SendRecord] = field(default_factory=dict)

    def claim(self, key: SendKey, now: datetime) -> Claim:
        self._call("claim")
        record = self.records.get(key)
        if (
            record is None
            or record.state == "failed"
            or (record.state == "preparing" and record.claimed_at < now - PREPARING_TIMEOUT)
        ):
            self.records[key] = SendRecord("preparing", now)
            return Claim.CLAIMED
        return {"sent": Claim.SENT, "preparing": Claim.IN_FLIGHT}.get(record.state, Claim.IN_DOUBT)

    def sending(self, key: SendKey, now: datetime, details: Mapping[str, str]) -> None:
        self._update(key, "sending", details)

    def sent(self, key: SendKey, message_id: str, now: datetime, details: Mapping[str, str]) -> None:
        self._update(key, "sent", details).message_id = message_id

    def failed(self, key: SendKey, reason: str, now: datetime) -> None:
        self._update(key, "failed", {"failure": reason})

    def state(self, key: SendKey) -> str | None:
        record = self.records.get(key)
        return record.state if record else None

    def _update(self, key: SendKey, state: str, details: Mapping[str, str]) -> SendRecord:
        self._call(state)
        record = self.records.setdefault(key, SendRecord(state, datetime.min.replace(tzinfo=UTC)))  # an update creates
        record.state = state
        record.details |= details
        return record


@dataclass
class FakeMailer:
    """SES: every accepted e-mail kept; `refuse` makes it answer no, as the adapter would raise."""

    sent: list[Email] = field(default_factory=list)
    _refusals: list[tuple[Exception, str | None]] = field(default_factory=list)

    def refuse(self, error: Exception, *, times: int = 1, only_to: str | None = None) -> None:
        self._refusals += [(error, only_to)] * times

    def send(self, email: Email) -> str:
        for refusal in self._refusals:
            if refusal[1] in (None, email.to):
                self._refusals.remove(refusal)
                raise refusal[0]
        self.sent.append(email)
        return f"message-{len(self.sent)}"

    def to(self, address: str) -> list[Email]:
        return [email for email in self.sent if email.to == address]


THROTTLED, PAUSED, REJECTED = Throttled("SES throttled"), SendingPaused("SES paused"), Rejected("SES refused")


# --- weekly_digest, the organizers' set-up ---


@dataclass
class FakeOrganizers(Fake):
    by_id: dict[str, Organizer] = field(default_factory=dict)
    links_by_key: dict[str, SignatoryLink] = field(default_factory=dict)
    domains_by_key: dict[str, InstitutionDomain] = field(default_factory=dict)

    def organizers(self) -> list[Organizer]:
        return sorted(self.by_id.values(), key=lambda o: o.id)

    def organizer(self, organizer_id: str) -> Organizer | None:
        self._call("organizer")
        return self.by_id.get(organizer_id)

    def save_organizers(self, organizers: Sequence[Organizer]) -> SavedOrganizers:
        self._call("save_organizers")
        wanted = {o.id: o for o in organizers}
        written = [o for o in organizers if self.by_id.get(o.id) != o]
        removed = [key for key in self.by_id if key not in wanted]
        self.by_id = wanted
        return SavedOrganizers(len(written), len(removed), len(wanted) - len(written))

    def links(self) -> list[SignatoryLink]:
        return list(self.links_by_key.values())

    def add_link(self, link: SignatoryLink, now: datetime) -> bool:
        self._call("add_link")
        key = link.key
        if key in self.links_by_key:
            return False
        name = " ".join(link.buyer_name.split()) if link.buyer_name else None
        self.links_by_key[key] = SignatoryLink(link.pledge_id, link.buyer_id and link.buyer_id.strip(), name)
        return True

    def remove_link(self, link: SignatoryLink, now: datetime, by: str) -> bool:
        self._call("remove_link")
        return self.links_by_key.pop(link.key, None) is not None

    def domains(self) -> list[InstitutionDomain]:
        return list(self.domains_by_key.values())

    def listed_domain(self, region: str, institution: str, domain: str) -> InstitutionDomain | None:
        self._call("listed_domain")
        return self.domains_by_key.get(domain_key(region, institution, domain))

    def add_domain(self, listed: InstitutionDomain) -> bool:
        self._call("add_domain")
        if listed.key in self.domains_by_key:
            return False
        self.domains_by_key[listed.key] = listed
        return True

    def remove_domain(self, key: str, now: datetime, by: str) -> InstitutionDomain | None:
        self._call("remove_domain")
        return self.domains_by_key.pop(key, None)


@dataclass
class FakeArchive(Fake):
    pages: dict[str, str] = field(default_factory=dict)

    def put(self, key: str, page: str) -> None:
        self._call("put")
        self.pages[key] = page

    def get(self, key: str) -> str | None:
        return self.pages.get(key)

    def keys(self, prefix: str) -> list[str]:
        self._call("keys")
        return sorted(key for key in self.pages if key.startswith(prefix))


@dataclass
class FakeFigures(Fake):
    """The weeks' figures kept in the Organizers table: a put replaces, a read leaves out weeks without."""

    kept: dict[Week, str] = field(default_factory=dict)  # as stored: JSON
    versions: dict[Week, int] = field(default_factory=dict)
    reads: int = 0

    def save_figures(self, figures: WeekFigures) -> None:
        self._call("save_figures")
        self.kept[figures.week] = figures.to_json()
        self.versions[figures.week] = figures.version

    def figures_of(self, weeks: Sequence[Week]) -> dict[Week, WeekFigures]:
        self._call("figures_of")
        self.reads += 1
        return {
            week: WeekFigures.from_json(self.kept[week], computed_at=_EPOCH, version=self.versions[week])
            for week in weeks
            if week in self.kept
        }


# --- the pledges ---


@dataclass
class FakePledges(Fake):
    """The Pledges table, with the adapter's conditions on each write and its reads past retention."""

    by_id: dict[str, Pledge] = field(default_factory=dict)

    def add(self, pledge: Pledge) -> None:
        self._call("add")
        if pledge.id in self.by_id:
            raise StoreError("saving a pledge: ConditionalCheckFailedException")
        self.by_id[pledge.id] = pledge

    def get(self, pledge_id: str) -> Pledge | None:
        self._call("get")
        return self.by_id.get(pledge_id)

    def confirm(self, pledge: Pledge, at: datetime, verdict: Verdict | None = None) -> Pledge | None:
        self._call("confirm")
        stored = self.by_id.get(pledge.id)
        still_pending = (
            stored is not None
            and stored.status is PledgeStatus.PENDING
            and stored.token_digest == pledge.token_digest
            and stored.token_expires_at is not None
            and stored.token_expires_at > at
        )
        confirmed = {"status": PledgeStatus.CONFIRMED, "confirmed_at": at, "purge_at": None}
        return self._update(pledge.id, still_pending, verdict=verdict or Verdict(), **confirmed)

    def record_verdict(self, pledge: Pledge, verdict: Verdict, purge_at: datetime | None = None) -> Pledge | None:
        """The adapter's condition: still confirmed, with the verdict and the name it was read with."""
        self._call("record_verdict")
        stored = self.by_id.get(pledge.id)
        if (
            stored is None
            or stored.status is not PledgeStatus.CONFIRMED
            or (stored.verdict or Verdict()).state is not (pledge.verdict or Verdict()).state
            or stored.details.institution_name != pledge.details.institution_name
        ):
            return None
        self.by_id[pledge.id] = replace(stored, verdict=verdict, purge_at=purge_at)
        return self.by_id[pledge.id]

    def rename(self, pledge: Pledge, institution_name: str) -> Pledge | None:
        """The adapter's condition: the name and the status it was read with."""
        self._call("rename")
        stored = self.by_id.get(pledge.id)
        if stored is None or (stored.details.institution_name, stored.status) != (
            pledge.details.institution_name,
            pledge.status,
        ):
            return None
        self.by_id[pledge.id] = replace(stored, details=replace(stored.details, institution_name=institution_name))
        return self.by_id[pledge.id]

    def to_verify(self, now: datetime) -> list[Pledge]:
        waiting = [
            p
            for p in self.by_id.values()
            if p.status is PledgeStatus.CONFIRMED and p.verdict and p.verdict.state is Verification.TO_VERIFY
        ]
        return sorted((p for p in waiting if not p.is_purged(now)), key=lambda p: (p.confirmed_at, p.id))

    def of_person(self, address_key: str) -> list[str]:
        return [p.id for p in self.by_id.values() if p.address_key == address_key]

    def queue_to_verify(self, pledge: Pledge) -> bool:
        """The adapter's condition: confirmed, and no verification recorded (as stored before it existed)."""
        stored = self.by_id.get(pledge.id)
        if stored is None or stored.status is not PledgeStatus.CONFIRMED or stored.verdict is not None:
            return False
        self.by_id[pledge.id] = replace(stored, verdict=Verdict())
        return True

    def set_address_key(self, pledge_id: str, address_key: str) -> bool:
        stored = self.by_id.get(pledge_id)
        if stored is None or stored.address_key:
            return False
        self.by_id[pledge_id] = replace(stored, address_key=address_key)
        return True

    def withdraw(
        self, pledge_id: str, at: datetime, purge_at: datetime, replaced_by: str | None = None, reason: str = ""
    ) -> Pledge | None:
        self._call("withdraw")
        stored = self.by_id.get(pledge_id)
        in_force = stored is not None and stored.status in (PledgeStatus.PENDING, PledgeStatus.CONFIRMED)
        changes = {"withdrawn_at": at, "purge_at": purge_at, "replaced_by": replaced_by, "withdrawal_reason": reason}
        return self._update(pledge_id, in_force, status=PledgeStatus.WITHDRAWN, **changes)

    def update_commitment(
        self, pledge_id: str, target_share: int | None, categories: Sequence[Category]
    ) -> Pledge | None:
        self._call("update_commitment")
        stored = self.by_id.get(pledge_id)
        if stored is None or stored.status is not PledgeStatus.CONFIRMED:
            return None
        details = replace(stored.details, target_share=target_share, categories=tuple(categories))
        self.by_id[pledge_id] = replace(stored, details=details)
        return self.by_id[pledge_id]

    def _update(self, pledge_id: str, condition: bool, **changes: Any) -> Pledge | None:
        """The adapter's conditional update: nothing written unless the condition holds; the link is spent."""
        if not condition:
            return None
        updated = replace(self.by_id[pledge_id], token_digest=None, token_expires_at=None, **changes)
        self.by_id[pledge_id] = updated
        return updated

    def confirmed_of(self, signatory_key: str) -> list[str]:
        return [
            p.id
            for p in self.by_id.values()
            if p.status is PledgeStatus.CONFIRMED and p.details.signatory_key == signatory_key
        ]

    def registry(self, now: datetime) -> list[RegistryEntry]:
        listed = sorted(
            (p for p in self.by_id.values() if p.listed and not p.is_purged(now)),
            key=lambda p: f"{fold_name(p.details.institution_name)}#{p.id}",
        )
        return [_entry(p) for p in listed]

    def everything(self, now: datetime) -> list[Pledge]:
        return [p for p in self.by_id.values() if not p.is_purged(now)]


def _entry(pledge: Pledge) -> RegistryEntry:
    details = pledge.details
    assert pledge.confirmed_at is not None
    return RegistryEntry(
        details.institution_name,
        details.institution_type,
        details.region,
        details.signatory_name,
        details.signatory_title,
        pledge.confirmed_at,
    )


@dataclass
class FakeRateLimits(Fake):
    """Counters per window: the adapter's condition lets a hit count only while under the limit."""

    hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def hit(self, key: str, limit: int, window: timedelta, now: datetime) -> bool:
        self._call("hit")
        seconds = int(window.total_seconds())
        counter = f"{key}#{int(now.timestamp()) // seconds * seconds}"
        if self.hits[counter] >= limit:
            return False
        self.hits[counter] += 1
        return True


# --- the signatories' invitations ---


@dataclass
class FakeInvitations(Fake):
    """The Invitations table, written with the Tenders table in one transaction, as the adapter does:
    both or neither, on the adapter's conditions."""

    tenders: FakeTenders = field(default_factory=FakeTenders)
    by_id: dict[str, Invitation] = field(default_factory=dict)
    unannounced: dict[str, int] = field(default_factory=dict)  # id → the version still to announce

    def add(self, invitation: Invitation, tender: Change) -> bool:
        self._call("add")
        if invitation.id in self.by_id:
            return False
        return self._write(invitation, tender)

    def replace(self, invitation: Invitation, tender: Change, *, expected_version: int) -> bool:
        self._call("replace")
        stored = self.by_id.get(invitation.id)
        if stored is None or stored.version != expected_version:
            return False
        return self._write(invitation, tender)

    def get(self, invitation_id: str) -> Invitation | None:
        self._call("get")
        return self.by_id.get(invitation_id)

    def of_institution(self, institution_key: str) -> list[Invitation]:
        return [i for i in self.by_id.values() if i.institution.key == institution_key]

    def published(self) -> list[Invitation]:
        return list(self.by_id.values())

    def announced(self, invitation_id: str, version: int) -> None:
        self._call("announced")
        if self.unannounced.get(invitation_id) == version:
            del self.unannounced[invitation_id]

    def to_announce(self, institution_key: str) -> list[Invitation]:
        return [i for i in self.of_institution(institution_key) if i.id in self.unannounced]

    def pending_announcements(self) -> list[Invitation]:
        return [i for i in self.published() if i.id in self.unannounced]

    def _write(self, invitation: Invitation, tender: Change) -> bool:
        self.tenders.write([tender])
        self.by_id[invitation.id] = invitation
        self.unannounced[invitation.id] = invitation.version
        return True


# --- sign-in, sessions, the audit log ---


@dataclass
class FakeSessions(Fake):
    """The Sessions table: a link opens while it is its person's latest; an ended session stays ended."""

    links: dict[str, SignInLink] = field(default_factory=dict)
    latest: dict[str, str] = field(default_factory=dict)  # address key → the digest of its latest link
    by_key: dict[str, Session] = field(default_factory=dict)

    def put_link(self, link: SignInLink) -> None:
        self._call("put_link")
        self.links[link.digest] = link
        self.latest[link.address_key] = link.digest

    def link(self, digest: str) -> SignInLink | None:
        link = self.links.get(digest)
        return link if link is not None and self.latest.get(link.address_key) == digest else None

    def open_session(self, link: SignInLink, session: Session) -> bool:
        self._call("open_session")
        if self.latest.get(link.address_key) != link.digest or session.key in self.by_key:
            return False
        del self.latest[link.address_key]
        self.by_key[session.key] = session
        return True

    def session(self, key: str) -> Session | None:
        self._call("session")
        return self.by_key.get(key)

    def touch(self, session: Session, now: datetime) -> None:
        self._update(session.key, last_seen_at=now)

    def choose(self, key: str, chosen: Chosen) -> None:
        self._update(key, chosen=chosen)

    def end(self, key: str, now: datetime) -> bool:
        return self._update(key, ended_at=now)

    def sessions_of(self, address_key: str) -> list[Session]:
        return [s for s in self.by_key.values() if s.address_key == address_key]

    def _update(self, key: str, **changes: Any) -> bool:
        """The adapter's condition: only an open (not ended) session changes."""
        self._call("update")
        stored = self.by_key.get(key)
        if stored is None or stored.ended_at is not None:
            return False
        self.by_key[key] = replace(stored, **changes)
        return True


@dataclass(frozen=True, slots=True)
class ListedContact:
    contact_email: str = ""


@dataclass(frozen=True, slots=True)
class Listed:
    enterprise_id: str
    name: str
    listing: ListedContact


@dataclass
class FakeDirectory:
    """The public directory: the enterprises that chose to be listed, with what they show."""

    listed_ids: set[str] = field(default_factory=set)
    by_id: dict[str, Listed] = field(default_factory=dict)

    def listed(self, enterprise_ids: Iterable[str]) -> set[str]:
        return set(enterprise_ids) & self.listed_ids

    def entries(self) -> list[Listed]:
        return sorted((self.by_id[e] for e in self.listed_ids if e in self.by_id), key=lambda e: e.name)

    def list(self, enterprise_id: str, name: str, contact_email: str = "") -> None:
        self.listed_ids.add(enterprise_id)
        self.by_id[enterprise_id] = Listed(enterprise_id, name, ListedContact(contact_email))


@dataclass
class FakeInvitationAlerts(Fake):
    """The invitation alert queue: what match_tenders asked the alerts to tell at once."""

    requested: list[str] = field(default_factory=list)

    def request(self, tender_key: str) -> None:
        self._call("request")
        self.requested.append(tender_key)


@dataclass
class FakeAuditLog(Fake):
    records: list[AuditRecord] = field(default_factory=list)

    def append(self, record: AuditRecord) -> None:
        self._call("append")
        self.records.append(record)

    def between(self, since: datetime, until: datetime, *, action: str = "") -> list[AuditRecord]:
        found = [r for r in self.records if since <= r.at < until and (not action or r.action == action)]
        return sorted(found, key=lambda r: r.at, reverse=True)

    def actions(self) -> list[str]:
        return [record.action for record in self.records]


@dataclass
class FakeVotes(Fake):
    """The votes among the Matches items: one per enterprise, tender and person, a new answer replacing it."""

    by_key: dict[tuple[str, str], Vote] = field(default_factory=dict)

    def record_vote(self, vote: Vote) -> None:
        self._call("record_vote")
        self.by_key[(vote.enterprise_id, vote.item)] = vote

    def vote_of(self, enterprise_id: str, tender_key: str, voter: str) -> Vote | None:
        return self.by_key.get((enterprise_id, f"feedback#{tender_key}#{voter}"))

    def votes_of(self, enterprise_id: str) -> list[Vote]:
        return sorted((v for (e, _), v in self.by_key.items() if e == enterprise_id), key=lambda v: (v.at, v.item))

    def remove_votes(self, enterprise_id: str) -> int:
        self._call("remove_votes")
        return _remove_enterprises_items(self.by_key, enterprise_id)


def _remove_enterprises_items(items: dict[tuple[str, str], Any], enterprise_id: str) -> int:
    """Delete an enterprise's items of a Matches-like table (keyed by enterprise and item); how many went."""
    gone = [key for key in items if key[0] == enterprise_id]
    for key in gone:
        del items[key]
    return len(gone)


# --- the signatories' space: yearly reports, colleagues ---


@dataclass
class FakeReports(Fake):
    """The Signatories table's reports (written at the version read) and the report deadlines."""

    by_key: dict[tuple[str, int], YearlyReport] = field(default_factory=dict)
    due: dict[tuple[int, str], Deadline] = field(default_factory=dict)

    def reports_of(self, institution_key: str) -> list[YearlyReport]:
        self._call("reports_of")
        return [r for (key, _), r in self.by_key.items() if key == institution_key]

    def save(self, report: YearlyReport, *, expected_version: int) -> bool:
        self._call("save")
        key = (report.institution.key, report.year)
        stored = self.by_key.get(key)
        if (stored.version if stored else 0) != expected_version:
            return False
        self.by_key[key] = report
        return True

    def of_year(self, year: int) -> list[YearlyReport]:
        return sorted((r for (_, y), r in self.by_key.items() if y == year), key=lambda r: r.institution.key)

    def deadline(self, year: int, region: str) -> date | None:
        found = self.due.get((year, region))
        return found.due if found else None

    def deadlines(self) -> list[Deadline]:
        return list(self.due.values())

    def set_deadlines(self, deadlines: Iterable[Deadline]) -> None:
        self._call("set_deadlines")
        self.due |= {(d.year, d.region): d for d in deadlines}


@dataclass
class FakeColleagues(Fake):
    """The Signatories table's colleagues: a pending invitation replaced by a new one, a confirmed one kept."""

    by_key: dict[tuple[str, str], Colleague] = field(default_factory=dict)

    def colleagues_of(self, pledge_id: str) -> list[Colleague]:
        self._call("colleagues_of")
        return [c for (p, _), c in self.by_key.items() if p == pledge_id]

    def invite(self, colleague: Colleague, purge_at: datetime) -> bool:
        self._call("invite")
        stored = self.by_key.get((colleague.pledge_id, colleague.address_key))
        if stored is not None and stored.confirmed:
            return False
        self.by_key[(colleague.pledge_id, colleague.address_key)] = colleague
        return True

    def pending(self, pledge_id: str, token_digest: str) -> Colleague | None:
        found = [c for c in self.colleagues_of(pledge_id) if not c.confirmed and c.token_digest == token_digest]
        return found[0] if len(found) == 1 else None

    def confirm(self, colleague: Colleague, at: datetime) -> Colleague | None:
        self._call("confirm")
        stored = self.by_key.get((colleague.pledge_id, colleague.address_key))
        if (
            stored is None
            or stored.confirmed
            or stored.token_digest != colleague.token_digest
            or stored.token_expires_at is None
            or stored.token_expires_at <= at
        ):
            return None
        confirmed = replace(
            stored, state=ColleagueState.CONFIRMED, confirmed_at=at, token_digest=None, token_expires_at=None
        )
        self.by_key[(colleague.pledge_id, colleague.address_key)] = confirmed
        return confirmed

    def remove(self, pledge_id: str, address_key: str, at: datetime) -> Colleague | None:
        self._call("remove")
        return self.by_key.pop((pledge_id, address_key), None)

    def pledges_of(self, address_key: str) -> list[str]:
        return sorted(p for (p, key), c in self.by_key.items() if key == address_key and c.confirmed)

    def colleague_email(self, pledge_id: str, address_key: str) -> str | None:
        found = self.by_key.get((pledge_id, address_key))
        return found.email if found is not None and found.confirmed else None


@dataclass
class FakeNotices(FakeSendLedger):
    """The notices' send records (one ledger with the reminders'), by tender."""

    def notified(self, tender_key: str) -> set[str]:
        period = f"notice#{tender_key}"
        return {k.recipient for k, r in self.records.items() if k.period == period and r.state != "failed"}


@dataclass
class FakeNoticeStops(Fake):
    stopped: dict[str, tuple[datetime, str]] = field(default_factory=dict)

    def opted_out(self, address_key: str) -> bool:
        return address_key in self.stopped

    def opt_out(self, address_key: str, *, how: str, at: datetime) -> bool:
        self._call("opt_out")
        if address_key in self.stopped:
            return False
        self.stopped[address_key] = (at, how)
        return True


@dataclass
class FakeHeldFiles(Fake):
    """Files held between an import's dry run and its confirmation, with the adapter's conditions: taken once,
    by their session, before they expire; `max_bytes` stands for what an item holds."""

    held: dict[str, HeldFile] = field(default_factory=dict)
    max_bytes: int = 10_000_000

    def hold(self, held: HeldFile) -> None:
        self._call("hold")
        if len(held.data) > self.max_bytes:
            raise FileTooLarge(str(len(held.data)))
        self.held[held.digest] = held

    def take(self, digest: str, session_id: str, now: datetime) -> HeldFile | None:
        self._call("take")
        held = self.held.get(digest)
        if held is None or held.session_id != session_id or held.expires_at <= now:
            return None
        return self.held.pop(digest)


def acting_for(enterprise_id: str, role: Role = Role.ENTERPRISE) -> Actor:
    """A person acting for `enterprise_id` (or, with another role, for that item), as `Sessions.actor` makes them
    (tests/space_builders.People goes through the sign-in's fakes)."""
    grant = RoleGrant(role, enterprise_id, enterprise_id)
    return Actor(grant, TEST_KEYS(f"someone@{enterprise_id}.example.org"), "fr", "session", "form-token")


# --- the directory ---


@dataclass
class FakeJoinRequests(Fake):
    """The requests to join: a decision written only over a request still pending (the store's condition)."""

    stored: dict[str, JoinRequest] = field(default_factory=dict)

    def add(self, request: JoinRequest) -> None:
        self._call("add")
        assert request.id not in self.stored
        self.stored[request.id] = request

    def requests(self, now: datetime) -> list[JoinRequest]:
        self._call("requests")
        return [r for r in self.stored.values() if r.expires_at > now]

    def get(self, request_id: str, now: datetime) -> JoinRequest | None:
        self._call("get")
        request = self.stored.get(request_id)
        return request if request is not None and request.expires_at > now else None

    def decide(self, request: JoinRequest, decided: JoinRequest) -> bool:
        self._call("decide")
        if self.stored[request.id].state is not JoinState.PENDING:
            return False
        self.stored[request.id] = decided
        return True


@dataclass
class FakeListings(Fake):
    """The Directory table: listings written on condition of their version, the append-only log of choices, and
    the directory's version, which moves with every change the public sees."""

    by_id: dict[str, ListingRecord] = field(default_factory=dict)
    log: list[ListingChoice] = field(default_factory=list)
    version: int = 0
    purge_at: dict[str, datetime] = field(default_factory=dict)  # the removed enterprises' logs

    def directory_version(self) -> int:
        self._call("directory_version")
        return self.version

    def published(self) -> list[ListingRecord]:
        self._call("published")
        return [r for r in self.by_id.values() if r.listed]

    def records(self) -> list[ListingRecord]:
        self._call("records")
        return list(self.by_id.values())

    def record(self, enterprise_id: str) -> ListingRecord | None:
        self._call("record")
        return self.by_id.get(enterprise_id)

    def write(self, record: ListingRecord, *, choice: ListingChoice | None = None, public: bool) -> bool:
        self._call("write")
        stored = self.by_id.get(record.enterprise_id)
        if (stored.version if stored else 0) != record.version - 1:
            return False
        self.by_id[record.enterprise_id] = record
        self.log += [choice] if choice else []
        self.version += 1 if public else 0
        return True

    def choices(self, enterprise_id: str) -> list[ListingChoice]:
        return sorted((c for c in self.log if c.enterprise_id == enterprise_id), key=lambda c: c.at)

    def forget(self, enterprise_id: str, *, purge_at: datetime) -> None:
        self._call("forget")
        if self.by_id.pop(enterprise_id, None) is not None:
            self.version += 1
        self.purge_at[enterprise_id] = purge_at


class Clock:
    """A clock the test moves: `clock()` is now, `clock.advance(...)` moves it on."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: Any) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class FakeWorld:
    """Every port's fake, shared as the tables are in AWS (what the poll writes, the matcher reads), and
    the use cases built on them by their constructors' parameter names, as esja.bootstrap builds the real
    ones: a parameter is the world's attribute of that name, unless given."""

    def __init__(self, now: datetime) -> None:
        self.clock = Clock(now)
        self.fetcher = FakePublisher()
        self.feed_states = FakeFeedStates()
        self.tenders = FakeTenders()
        self.announcer = FakeMatchQueue()
        self.enterprises = FakeEnterprises()
        self.profiles = self.enterprises  # the matcher's name for the same table
        self.snapshots = FakeSnapshots()  # the recent tenders' snapshot the previews read
        self.matches = FakeMatches()
        self.sends = FakeSendLedger()
        self.subscriptions = FakeSubscriptions(sends=self.sends)
        self.events = self.subscriptions  # the digest reads the alerts' records
        self.mailer = FakeMailer()
        self.organizers = FakeOrganizers()
        self.domains = self.organizers  # institutions' e-mail domains are kept with the organizers
        self.archive = FakeArchive()
        self.figures = FakeFigures()
        self.pledges = FakePledges()
        self.rate_limits = FakeRateLimits()
        self.sender = SenderIdentity(contact_email="info@esja.example.org")
        self.invitations = FakeInvitations(tenders=self.tenders)
        self.directory = FakeDirectory()
        self.invitation_alerts = FakeInvitationAlerts()
        self.publication = Publication("https://esja.example.org", "ocds-esja00")
        self.publisher = "Chantier de l'économie sociale"
        self.address_keys = TEST_KEYS
        self.sessions = FakeSessions()
        self.audit_log = FakeAuditLog()
        self.log = self.audit_log  # the journal's name for it
        self.audit = Audit(self.audit_log, self.clock)
        self.feeds = self.feed_states  # the console's name for them
        self.votes = FakeVotes()
        self.teams = FakeTeams(enterprises=self.enterprises)
        self.wins = self.matches  # the contracts won, as the enterprise's space reads and answers them
        self.reports = self.deadlines = FakeReports()  # one table: the reports and their deadlines
        self.colleagues = FakeColleagues()
        self.pledge_people = self.build(PledgePeople)  # a pledge's space closed as it stops being verified
        self.notices = FakeNotices()
        self.notice_stops = FakeNoticeStops()
        self.held_files = FakeHeldFiles()
        self.listings = FakeListings()
        self.requests = FakeJoinRequests()  # to join the programme
        self.roles = self.build(Roles)

    def build(self, use_case: Callable[..., T], **given: Any) -> T:
        wanted = inspect.signature(use_case).parameters
        return use_case(
            **{name: getattr(self, name) for name in wanted if name not in given and hasattr(self, name)}, **given
        )


def _each_fake_is_its_port(world: FakeWorld) -> None:
    """Never run: mypy checks here that each fake implements the Protocols of the use cases it serves."""
    fakes = (world.fetcher, world.feed_states, world.tenders, world.announcer, FakeReferenceCache())
    _poll: tuple[poll.Fetcher, poll.FeedStates, poll.TenderRepository, poll.Announcer, reference_data.ReferenceCache]
    _poll = fakes
    _match: tuple[
        matching.TenderReader, matching.ProfileSource, matching.MatchRecorder, enterprise_book.EnterpriseTable
    ]
    _match = (world.tenders, world.enterprises, world.matches, world.enterprises)
    _alerts: tuple[alerts.EnterpriseSource, alerts.AlertItems, alerts.Subscriptions, Sender, SendLedger]
    _alerts = (world.enterprises, world.matches, world.subscriptions, world.mailer, world.sends)
    _links: tuple[choices.SubscriptionBook, suppressions.SuppressionList] = (world.subscriptions, world.subscriptions)
    _removal: tuple[removal.EnterpriseRecords, removal.AlertItemRecords, removal.VoteRecords, removal.SubscriberRecords]
    _removal = (world.enterprises, world.matches, world.votes, world.subscriptions)
    _digest: tuple[digest.OrganizerBook, digest.TenderSource, digest.MatchSource, digest.PledgeSource]
    _digest = (world.organizers, world.tenders, world.matches, world.pledges)
    _week: tuple[digest.EventSource, digest.Archive, setup.OrganizerDirectory]
    _week = (world.subscriptions, world.archive, world.organizers)
    _pledges: tuple[pledges.PledgeRepository, pledges.RateLimits, pledges.InstitutionDomains]
    _pledges = (world.pledges, world.rate_limits, world.domains)
    _console: tuple[console_pledges.PledgeLedger, console_pledges.OrganizerNames, buyer_links.LinkBook]
    _console = (world.pledges, world.organizers, world.organizers)
    _console_more: tuple[pledge_export.PledgeReader, domains.DomainDirectory] = (world.pledges, world.organizers)
    _invitations: tuple[
        invitations.InvitationBook,
        invitations.TenderReader,
        invitations.Announcer,
        invitations.PledgeLookup,
        invitations.EnterpriseDirectory,
        invitations.RateLimits,
        matching.InvitationAlerts,
    ]
    _invitations = (
        world.invitations,
        world.tenders,
        world.announcer,
        world.pledges,
        world.directory,
        world.rate_limits,
        world.invitation_alerts,
    )
    _roles: tuple[roles.OrganizerDirectory, roles.MemberDirectory, roles.SignatoryDirectory]
    _roles = (world.organizers, world.enterprises, world.pledges)
    _spaces: tuple[signin.SessionStore, audit.AuditLog, console.PledgesToVerify, console_feeds.FeedStates]
    _spaces = (world.sessions, world.audit_log, world.pledges, world.feed_states)
    _homes: tuple[enterprise_space.EnterpriseReader, signatory_space.PledgeReader]
    _homes = (world.enterprises, world.pledges)
    _rekey: tuple[rekey.SubscriptionPartitions, rekey.PledgeKeys, rekey.EnterpriseIndex, rekey.OrganizerList]
    _rekey = (world.subscriptions, world.pledges, world.enterprises, world.organizers)
    _votes: tuple[feedback.VoteStore, enterprise_feedback.VoteReader, digest.VoteSource]
    _votes = (world.votes, world.votes, world.votes)
    _feedback: tuple[feedback.MatchReader, feedback.TenderReader, feedback.EnterpriseReader]
    _feedback = (world.matches, world.tenders, world.enterprises)
    _colleagues: tuple[enterprise_colleagues.TeamStore, enterprise_colleagues.RateLimits]
    _colleagues = (world.teams, world.rate_limits)
    _wins: contracts.WinRecords = world.matches
    _signatories: tuple[
        roles.ColleagueDirectory, colleagues.ColleagueBook, own_tenders.TendersByBuyer, own_tenders.BuyerLinks
    ] = (world.colleagues, world.colleagues, world.tenders, world.organizers)
    _reports: tuple[reports.ReportBook, reports.ReportDeadlines, reports.InvitationsSent, commitments.PledgeCommitments]
    _reports = (world.reports, world.deadlines, world.invitations, world.pledges)
    _fits: tuple[fits.MatchesOfTender, fits.ListedEnterprises, fits.NoticeLedger, fits.NoticeStops, fits.AlertStops]
    _fits = (world.matches, world.directory, world.notices, world.notice_stops, world.subscriptions)
    _console_enterprises: tuple[enterprises.EnterpriseDesk, enterprise_import.HeldFiles]
    _console_enterprises = (world.enterprises, world.held_files)
    _space: tuple[profile_store.ProfileStore, recent.SnapshotWriter, recent_tenders.SnapshotReader]
    _space = (world.enterprises, world.snapshots, world.snapshots)
    _recent: recent.TendersFirstSeen = world.tenders
    _directory: tuple[moderation.ListingRecords, public.ListingSource, removal.DirectoryListings]
    _directory = (world.listings, world.listings, world.listings)
    _figures: tuple[figure_book.FigureStore, figure_book.WeekTenders, figure_book.EnterpriseList]
    _figures = (world.figures, world.tenders, world.enterprises)
    _more_figures: tuple[figure_book.PledgeList, figure_book.SignatoryLinks, figure_book.ContractsWon]
    _more_figures = (world.pledges, world.organizers, world.matches)
    _report: tuple[report.ActivitySource, report.EnterpriseList, report.PledgeList]
    _report = (world.matches, world.enterprises, world.pledges)
    _digests: tuple[past_digests.ArchiveShelf, past_digests.OrganizerList] = (world.archive, world.organizers)
    _joining: tuple[join_requests.JoinRequestStore, join_requests.OrganizerList, pledges.RateLimits]
    _joining = (world.requests, world.organizers, world.rate_limits)
