"""send_alerts(frequency): one e-mail per recipient per run, each Matches item told exactly once.

For each recipient whose frequency is the run's:
1. read what is pending (open index) and plan the alert; nothing to say, no e-mail;
2. claim the period's send record (esja.sends): a replay of the run finds it and sends nothing;
3. re-read the items strongly consistent and plan again (the index lags a little);
4. send; SES refusing (throttled past the SDK's retries, paused, rejected) frees the claim and changes
   nothing;
5. only then mark the items told to this subscriber, and confirm the send record.
A crash between SES's acceptance and step 5 leaves the claim « sending »: the period is never sent
again, and the items, still pending, go in the next period's alert — nothing is lost, and a
duplicate needs a crash within that instant. Account-wide refusals (sending paused, throttling that
outlasts the retries) stop the run with everything else pending; any other failure costs only its
recipient. Suppressed, unsubscribed and paused addresses are skipped before anything is read.

send_invitation(tender key): a signatory's invitation, told as soon as match_tenders matched it (or a new
version of it) to the subscribers of the enterprises it concerns, whatever their frequency — unless they
turned that off (then it waits for their own run, like any tender). Its period is the invitation's version,
so each subscriber hears of each version once. Should that path fail, the scheduled instant runs also
carry the invitations a subscriber of another frequency has not been told yet: an invitation waits at most
until the next instant run.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal, Protocol, assert_never

from esja.alerts.compose import AlertLinks, compose_alert
from esja.alerts.links import SubscriberLinks
from esja.alerts.model import AlertItem, Listing, Preferences, Recipient, SubscriberState
from esja.alerts.periods import run_period
from esja.alerts.plan import AlertPlan, TenderEntry, plan_alert
from esja.alerts.recipients import recipients_of
from esja.config import SenderIdentity
from esja.digest.signatories import SignatoryIndex
from esja.emails import Email, Sender
from esja.errors import SendingPaused, Throttled
from esja.feedback.links import FeedbackLinks
from esja.ingest.changes import StoredVersion
from esja.model import Enterprise, Profile, Tender
from esja.people.keys import AddressKeys
from esja.sends import Claim, SendKey, SendLedger, SendOnce
from esja.sources.catalogue import is_invitation

logger = logging.getLogger(__name__)

RESERVE_SECONDS = 60.0  # stop starting recipients this close to the Lambda timeout; the rest stay pending
INVITATION_RUN = "invitation"  # a RunReport's frequency when it tells one invitation at once


class EnterpriseSource(Protocol):
    def load(self) -> tuple[list[Enterprise], list[Profile]]: ...


class TenderReader(Protocol):
    def get(self, key: str) -> tuple[Tender, StoredVersion] | None: ...


class AlertItems(Protocol):
    def open_items(self, enterprise_id: str) -> list[AlertItem]: ...
    def items(self, keys: Iterable[tuple[str, str]]) -> list[AlertItem]: ...
    def mark_told(self, enterprise_id: str, item: str, subscriber_id: str, *, sent: bool, reminded: bool) -> None: ...
    def close(self, enterprise_id: str, item: str) -> None: ...
    def enterprises_matched(self, tender_key: str) -> list[str]: ...


class Subscriptions(Protocol):
    def state(self, address_key: str) -> SubscriberState: ...
    def enrol(self, address_key: str, listing: Listing, now: datetime) -> SubscriberState: ...


class UnknownEnterprise(LookupError):
    pass


class NoSubscriber(UnknownEnterprise):
    """The enterprise is registered, but subscribes no address: there is no alert to show."""


class Outcome(StrEnum):
    """What became of one recipient in a run: each is a RunReport counter."""

    SENT = "sent"
    NOTHING_NEW = "nothing_new"
    ALREADY_SENT = "already_sent"
    OTHER_FREQUENCY = "other_frequency"
    PAUSED = "paused"
    UNSUBSCRIBED = "unsubscribed"
    SUPPRESSED = "suppressed"
    FAILED = "failed"
    DEFERRED = "deferred"


Status = Literal["active", "paused", "unsubscribed", "suppressed"]


@dataclass(slots=True)
class RunReport:
    frequency: str
    period: str
    recipients: int = 0
    sent: int = 0
    tenders: int = 0  # entries across the e-mails sent
    nothing_new: int = 0
    already_sent: int = 0  # this period's alert was sent (or attempted) before: a replay
    other_frequency: int = 0
    paused: int = 0
    unsubscribed: int = 0
    suppressed: int = 0
    failed: int = 0
    deferred: int = 0  # not reached (sending stopped, or out of time): pending for the next run
    stopped: Literal["sending-paused", "throttled"] | None = None  # why the run stopped early

    def count(self, outcome: Outcome) -> None:
        match outcome:
            case Outcome.SENT:
                self.sent += 1
            case Outcome.NOTHING_NEW:
                self.nothing_new += 1
            case Outcome.ALREADY_SENT:
                self.already_sent += 1
            case Outcome.OTHER_FREQUENCY:
                self.other_frequency += 1
            case Outcome.PAUSED:
                self.paused += 1
            case Outcome.UNSUBSCRIBED:
                self.unsubscribed += 1
            case Outcome.SUPPRESSED:
                self.suppressed += 1
            case Outcome.FAILED:
                self.failed += 1
            case Outcome.DEFERRED:
                self.deferred += 1
            case _:
                assert_never(outcome)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class AlertPreview:
    frequency: str
    language: str
    status: Status
    email: Email | None  # None: nothing to send


@dataclass(slots=True)
class _Run:
    report: RunReport
    now: datetime
    signatories: SignatoryIndex | None = None  # whose tenders get the « signatory » badge
    tenders: dict[str, Tender | None] = field(default_factory=dict)
    retired: set[tuple[str, str]] = field(default_factory=set)
    invitation: tuple[str, str] | None = None  # an at-once run: the invitation's tender key and content hash


class AlertService:
    def __init__(
        self,
        *,
        enterprises: EnterpriseSource,
        matches: AlertItems,
        tenders: TenderReader,
        subscriptions: Subscriptions,
        sends: SendLedger,
        mailer: Sender | None,  # None: previews only
        links: SubscriberLinks,
        sender: SenderIdentity,
        clock: Callable[[], datetime],
        address_keys: AddressKeys,
        signatories: Callable[[datetime], SignatoryIndex] | None = None,  # read once per run
        feedback_links: FeedbackLinks | None = None,  # each tender's « Pertinent » / « Pas pertinent »
    ) -> None:
        self._enterprises = enterprises
        self._matches = matches
        self._tenders = tenders
        self._subscriptions = subscriptions
        self._sends = SendOnce(sends, mailer, clock)
        self._previews_only = mailer is None
        self._links = links
        self._sender = sender
        self._clock = clock
        self._signatories = signatories
        self._keys = address_keys
        self._feedback = feedback_links

    def send_alerts(
        self,
        frequency: str,
        scheduled_at: datetime | None = None,
        *,
        time_left: Callable[[], float] = lambda: math.inf,
    ) -> RunReport:
        """`scheduled_at`: the schedule's time (the same on every retry of the invocation); now if None."""
        now = self._clock()
        run = _Run(RunReport(frequency, run_period(frequency, scheduled_at or now)), now, self._signatories_at(now))
        enterprises, profiles = self._enterprises.load()
        return self._serve_all(recipients_of(enterprises, profiles, self._keys), run, time_left)

    def send_invitation_message(self, body: str) -> RunReport:
        """A message of the invitation alert queue (esja.store.invitation_alert_queue): {"tender_key": …}."""
        return self.send_invitation(str(json.loads(body)["tender_key"]))

    def send_invitation(self, tender_key: str, *, time_left: Callable[[], float] = lambda: math.inf) -> RunReport:
        """The invitation's current version, told now to every subscriber of the enterprises it concerns."""
        now = self._clock()
        stored = self._tenders.get(tender_key)
        if stored is None:  # match_tenders read it before handing it over: never, but then nothing to say
            return RunReport(INVITATION_RUN, f"invitation#{tender_key}")
        tender, version = stored
        period = f"invitation#{tender_key}#{version.content_hash}"
        run = _Run(
            RunReport(INVITATION_RUN, period),
            now,
            self._signatories_at(now),
            invitation=(tender_key, version.content_hash),
        )
        run.tenders[tender_key] = tender
        concerned = set(self._matches.enterprises_matched(tender_key))
        enterprises, profiles = self._enterprises.load()
        # Whole recipients (every enterprise that subscribed them): their listing is enrolled as it is.
        everyone = recipients_of(enterprises, profiles, self._keys)
        recipients = [r for r in everyone if not concerned.isdisjoint(r.enterprise_ids)]
        return self._serve_all(recipients, run, time_left)

    def _serve_all(self, recipients: Iterable[Recipient], run: _Run, time_left: Callable[[], float]) -> RunReport:
        for recipient in recipients:
            run.report.recipients += 1
            if run.report.stopped or time_left() < RESERVE_SECONDS:
                run.report.count(Outcome.DEFERRED)
                continue
            run.report.count(self._serve_safely(recipient, run))
        return run.report

    def preview(self, enterprise_id: str, lang: str | None = None) -> AlertPreview:
        """The next alert of the enterprise's first subscriber, rendered, nothing written or sent."""
        enterprises, profiles = self._enterprises.load()
        chosen = [e for e in enterprises if e.id == enterprise_id]
        if not chosen:
            raise UnknownEnterprise(f"no enterprise {enterprise_id!r}")
        recipients = recipients_of(chosen, [p for p in profiles if p.enterprise_id == enterprise_id], self._keys)
        if not recipients:
            raise NoSubscriber(f"enterprise {enterprise_id!r} has no subscriber")
        recipient = recipients[0]
        state = self._subscriptions.state(recipient.key)
        preferences = state.effective(recipient.listing.defaults)
        now = self._clock()
        run = _Run(RunReport(preferences.frequency, "preview"), now, self._signatories_at(now))
        plan = self._plan(state.subscriber_id, self._gather(recipient), recipient, preferences, run)
        language = lang or preferences.language
        email = None if plan.empty else self._compose(recipient, state.subscriber_id or "preview", plan, language, run)
        return AlertPreview(preferences.frequency, language, _status(state, preferences), email)

    def _serve_safely(self, recipient: Recipient, run: _Run) -> Outcome:
        try:
            return self._serve(recipient, run)
        except SendingPaused:
            logger.error("SES is not sending: run stopped, every alert left pending")
            run.report.stopped = "sending-paused"
            return Outcome.DEFERRED
        except Throttled:
            logger.error("AWS kept throttling: run stopped, every alert left pending")
            run.report.stopped = "throttled"
            return Outcome.DEFERRED
        except Exception as error:  # one recipient's failure must not cost the others their alert
            # The type only: a message could quote an address (e.g. a malformed one in a header).
            logger.error("alert failed", extra={"error": type(error).__name__, "enterprises": recipient.enterprise_ids})
            return Outcome.FAILED

    def _serve(self, recipient: Recipient, run: _Run) -> Outcome:
        if self._previews_only:
            raise RuntimeError("this AlertService was built for previews only")
        state = self._subscriptions.enrol(recipient.key, recipient.listing, run.now)
        sid = state.subscriber_id
        assert sid is not None  # enrol registers
        preferences = state.effective(recipient.listing.defaults)
        status = _status(state, preferences)
        if status != "active":
            return Outcome(status)
        items = self._selected(recipient, sid, preferences, run)
        if items is None:
            return Outcome.OTHER_FREQUENCY
        plan = self._plan(sid, items, recipient, preferences, run)
        self._retire(plan, run)
        if plan.empty:
            return Outcome.NOTHING_NEW
        key = SendKey(recipient.key, run.report.period)
        if self._sends.claim(key) is not Claim.CLAIMED:
            return Outcome.ALREADY_SENT
        return self._send_claimed(key, recipient, run, sid=sid, items=items, preferences=preferences)

    def _send_claimed(
        self,
        key: SendKey,
        recipient: Recipient,
        run: _Run,
        *,
        sid: str,
        items: Sequence[AlertItem],
        preferences: Preferences,
    ) -> Outcome:
        """The period is ours: send, then mark; free the period only when nothing can have gone out."""
        try:
            # Again on the items as stored now (the index lags; a concurrent run may have told some).
            fresh = self._matches.items((i.enterprise_id, i.item) for i in items)
            plan = self._plan(sid, fresh, recipient, preferences, run)
            email = None if plan.empty else self._compose(recipient, sid, plan, preferences.language, run)
        except Exception as error:
            self._sends.release(key, type(error).__name__)
            raise
        if email is None:
            self._sends.release(key, "nothing left")
            return Outcome.NOTHING_NEW
        message_id = self._sends.send(key, email)
        for delivery in plan.deliveries:
            self._matches.mark_told(
                delivery.enterprise_id, delivery.item, sid, sent=delivery.sent, reminded=delivery.reminded
            )
        self._sends.confirm(key, message_id, tenders=str(plan.tender_count))
        run.report.tenders += plan.tender_count
        return Outcome.SENT

    def _selected(self, recipient: Recipient, sid: str, preferences: Preferences, run: _Run) -> list[AlertItem] | None:
        """What this run tells the recipient; None when the run is not theirs (another frequency)."""
        if run.invitation is not None:
            return self._invitation_items(recipient, sid, *run.invitation) if preferences.invitations_at_once else None
        if preferences.frequency == run.report.frequency:
            return self._gather(recipient)
        if run.report.frequency == "instant" and preferences.invitations_at_once:
            # Invitations the at-once path could not send: the instant runs bound how long they wait.
            return untold([i for i in self._gather(recipient) if is_invitation(i.tender_key)], sid) or None
        return None

    def _invitation_items(self, recipient: Recipient, sid: str, tender_key: str, content_hash: str) -> list[AlertItem]:
        """The invitation's items for the recipient's enterprises: its match and its latest update read as
        stored now (the open index may lag behind match_tenders by a moment), and any older update."""
        ids = recipient.enterprise_ids
        exact = [(e, f"match#{tender_key}") for e in ids] + [(e, f"update#{tender_key}#{content_hash}") for e in ids]
        found = {(i.enterprise_id, i.item): i for i in self._gather(recipient) if i.tender_key == tender_key}
        found |= {(i.enterprise_id, i.item): i for i in self._matches.items(exact)}
        return untold(list(found.values()), sid)

    def _gather(self, recipient: Recipient) -> list[AlertItem]:
        items = [item for e in recipient.enterprise_ids for item in self._matches.open_items(e)]
        # An update is shown only to those told of the tender: its match may have left the open index.
        known = {(i.enterprise_id, i.item) for i in items}
        matches_of_updates = {(i.enterprise_id, f"match#{i.tender_key}") for i in items if not i.is_match}
        return items + self._matches.items(matches_of_updates - known)

    def _retire(self, plan: AlertPlan, run: _Run) -> None:
        for item in plan.retire:
            if (item.enterprise_id, item.item) not in run.retired:
                self._matches.close(item.enterprise_id, item.item)
                run.retired.add((item.enterprise_id, item.item))

    def _plan(
        self, sid: str | None, items: Sequence[AlertItem], recipient: Recipient, preferences: Preferences, run: _Run
    ) -> AlertPlan:
        for key in {i.tender_key for i in items} - run.tenders.keys():
            stored = self._tenders.get(key)
            run.tenders[key] = stored[0] if stored else None
        return plan_alert(
            sid,
            items,
            tenders=run.tenders,
            preferences=preferences,
            profiles=recipient.listing.profiles,
            now=run.now,
        )

    def _compose(self, recipient: Recipient, sid: str, plan: AlertPlan, lang: str, run: _Run) -> Email:
        unsubscribe = self._links.unsubscribe_token(sid)
        entries = (*plan.new, *plan.updates, *plan.reminders)
        links = AlertLinks(
            unsubscribe=self._links.unsubscribe_url(unsubscribe, lang),
            one_click=self._links.one_click_url(unsubscribe),
            preferences=self._links.preferences_url(self._links.preferences_token(sid), lang),
            calendar={e.tender.key: self._links.calendar_url(e.tender.key, lang) for e in entries},
            feedback=self._feedback_urls(sid, (*plan.new, *plan.reminders), lang),
        )
        listing = recipient.listing
        signed = frozenset(e.tender.key for e in entries if run.signatories and run.signatories.is_signatory(e.tender))
        return compose_alert(
            plan,
            to=recipient.address,
            listing=listing,
            lang=lang,
            links=links,
            sender=self._sender,
            now=run.now,
            signed=signed,
        )

    def _feedback_urls(self, sid: str, entries: Iterable[TenderEntry], lang: str) -> dict[str, tuple[str, str]]:
        """The tenders the reader's profiles sent (not the updates: no profile sent them again)."""
        links = self._feedback
        if links is None:
            return {}
        return {
            e.tender.key: (
                links.url(sid, e.tender.key, e.profiles, relevant=True, lang=lang),
                links.url(sid, e.tender.key, e.profiles, relevant=False, lang=lang),
            )
            for e in entries
            if e.profiles
        }

    def _signatories_at(self, now: datetime) -> SignatoryIndex | None:
        return self._signatories(now) if self._signatories else None


def untold(items: Sequence[AlertItem], sid: str) -> list[AlertItem]:
    """The items of the tenders the subscriber has something still to be told about (a match or an update
    not yet sent to them): no at-once e-mail carries only a reminder."""
    pending = {i.tender_key for i in items if i.is_open and sid not in i.sent_to}
    return [i for i in items if i.tender_key in pending]


def _status(state: SubscriberState, preferences: Preferences) -> Status:
    if state.suppressed:
        return "suppressed"
    if state.unsubscribed_at:
        return "unsubscribed"
    return "paused" if preferences.paused else "active"
