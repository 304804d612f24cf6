"""Who fits my tenders (/signataire/qui-convient): for each open tender of the institution that ESJA read (its
own, found as the digest finds them: esja.signatory_space.own_tenders) and each of its open invitations, the
enterprises of the public directory that fit it, with why, and a button to send them the notice's link.

Who fits is what the matcher already decided: the enterprises whose profiles match the tender (the Matches
table, written by match_tenders through the matching rules), each with the reasons the alerts give — kept to
those listed in the directory (esja.directory). ESJA sends the notice, never the signatory:

- only to a listed enterprise that fits one of the institution's open tenders (no other address can be
  reached: the page never takes one, and the recipient is re-read from the directory when sending);
- to the contact address the enterprise chose to show in the directory (the signatory never sees an address
  the enterprise did not choose to show; an enterprise without one cannot be written to);
- at most once per enterprise and tender (the send ledger, esja.sends: claimed before SES is asked);
- a commercial message under CASL: it names the sender, says why the enterprise receives it (its public
  directory listing: the address was published for such business), and carries a working unsubscribe
  (esja.signatory_space.notice_links) honoured at once — an address that opted out, unsubscribed from the
  alerts, bounced or complained is never written to;
- within rate limits: per institution and per enterprise, a day;
- audited (who sent which tender to which enterprise; never the address).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from esja.alerts.model import AlertItem, SubscriberState
from esja.audit.log import Audit, Item
from esja.config import SenderIdentity
from esja.emails import Email, InvalidAddress, Sender, checked_address
from esja.errors import REFUSED
from esja.folding import fold_name
from esja.model import Enterprise, Reason, Status, Tender
from esja.people.actor import Actor, NotAllowed
from esja.people.keys import AddressKeys
from esja.pledges.model import Pledge
from esja.rendering import render, wording
from esja.sends import Claim, SendKey, SendLedger, SendOnce
from esja.signatory_space.acting import PledgeLookup, acting_pledge
from esja.signatory_space.notice_links import NoticeLinks
from esja.signatory_space.own_tenders import OwnTenders

NOTICES_PER_DAY = 30  # per institution: its own tenders' fits, not a mailing list
NOTICES_PER_ENTERPRISE_PER_DAY = 5  # per enterprise, from every institution together
_DAY = timedelta(days=1)


class MatchesOfTender(Protocol):
    def enterprises_matched(self, tender_key: str) -> list[str]: ...
    def items(self, keys: Iterable[tuple[str, str]]) -> list[AlertItem]: ...


class ListingContact(Protocol):
    @property
    def contact_email(self) -> str: ...


class ListedEntry(Protocol):
    @property
    def enterprise_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def listing(self) -> ListingContact: ...


class ListedEnterprises(Protocol):
    def entries(self) -> Sequence[ListedEntry]:
        """Every enterprise listed in the public directory now, with what it chose to show."""
        ...


class EnterpriseReader(Protocol):
    def enterprise(self, enterprise_id: str) -> Enterprise | None: ...


class NoticeLedger(SendLedger, Protocol):
    def notified(self, tender_key: str) -> set[str]:
        """The enterprises a notice of this tender went to (or may have: being sent, in doubt)."""
        ...


class NoticeStops(Protocol):
    def opted_out(self, address_key: str) -> bool:
        """The address asked, through a notice's link, not to receive them any more."""
        ...


class AlertStops(Protocol):
    def state(self, address_key: str) -> SubscriberState: ...


class RateLimits(Protocol):
    def hit(self, key: str, limit: int, window: timedelta, now: datetime) -> bool: ...


@dataclass(frozen=True, slots=True)
class Fit:
    enterprise_id: str
    name: str
    reasons: tuple[Reason, ...]  # the matching rules' reasons, as the alerts give them
    reachable: bool  # the enterprise shows a contact address in the directory
    notified: bool  # a notice of this tender went to it already


@dataclass(frozen=True, slots=True)
class FittingTender:
    tender: Tender
    fits: tuple[Fit, ...]  # the best-scoring first


class Sent(StrEnum):
    SENT = "sent"
    ALREADY = "already"  # at most once per enterprise and tender
    UNREACHABLE = "unreachable"  # no contact address in its listing
    STOPPED = "stopped"  # the address asked not to receive them, or cannot (bounced, complained)
    RATE_LIMITED = "rate-limited"
    FAILED = "failed"  # SES refused; nothing went out, it may be tried again


class WhoFits:
    def __init__(
        self,
        *,
        pledges: PledgeLookup,
        own_tenders: OwnTenders,
        matches: MatchesOfTender,
        directory: ListedEnterprises,
        enterprises: EnterpriseReader,
        notices: NoticeLedger,
        notice_stops: NoticeStops,
        subscriptions: AlertStops,
        rate_limits: RateLimits,
        mailer: Sender | None,
        notice_links: NoticeLinks,
        sender: SenderIdentity,
        address_keys: AddressKeys,
        audit: Audit,
        clock: Callable[[], datetime],
    ) -> None:
        self._pledges = pledges
        self._own = own_tenders
        self._matches = matches
        self._directory = directory
        self._enterprises = enterprises
        self._notices = notices
        self._stops = notice_stops
        self._subscriptions = subscriptions
        self._limits = rate_limits
        self._sends = SendOnce(notices, mailer, clock)
        self._links = notice_links
        self._sender = sender
        self._keys = address_keys
        self._audit = audit
        self._clock = clock

    def overview(self, actor: Actor) -> list[FittingTender]:
        """The institution's open tenders, the soonest closing first, each with the listed enterprises that fit."""
        pledge = acting_pledge(actor, self._pledges, self._clock())
        listed = {entry.enterprise_id: entry for entry in self._directory.entries()}
        tenders = self._open_tenders(pledge)
        return [FittingTender(tender, self._fits(tender, listed)) for tender in tenders]

    def send(self, actor: Actor, tender_key: str, enterprise_id: str) -> Sent:
        """The notice of one of the institution's open tenders to a listed enterprise that fits it; raises
        NotAllowed (hidden: 404) for any other tender or enterprise."""
        pledge = acting_pledge(actor, self._pledges, self._clock())
        tender = next((t for t in self._open_tenders(pledge) if t.key == tender_key), None)
        listed = {entry.enterprise_id: entry for entry in self._directory.entries()}
        fit = tender and next((f for f in self._fits(tender, listed) if f.enterprise_id == enterprise_id), None)
        if tender is None or not fit:
            raise NotAllowed("no such fit of this institution's tenders", hidden=True)
        if fit.notified:
            return Sent.ALREADY
        try:
            address = checked_address(listed[enterprise_id].listing.contact_email)
        except InvalidAddress:
            return Sent.UNREACHABLE
        key = self._keys(address)
        state = self._subscriptions.state(key)
        if self._stops.opted_out(key) or state.unsubscribed_at is not None or state.suppressed is not None:
            return Sent.STOPPED
        now = self._clock()
        institution = f"notices#{pledge.details.region}#{fold_name(pledge.details.institution_name)}"
        if not (
            self._limits.hit(institution, NOTICES_PER_DAY, _DAY, now)
            and self._limits.hit(f"notices-to#{enterprise_id}", NOTICES_PER_ENTERPRISE_PER_DAY, _DAY, now)
        ):
            return Sent.RATE_LIMITED
        sent = self._send(pledge, tender, fit, address, key)
        if sent is Sent.SENT:
            self._audit.record(
                actor,
                "notice.send",
                Item("tender", tender.key),
                regions=(pledge.details.region,),
                details={"enterprise": enterprise_id},
            )
        return sent

    def _open_tenders(self, pledge: Pledge) -> list[Tender]:
        now = self._clock()
        found = self._own.of(pledge, Status.OPEN)
        still_open = (t for t in found if t.closing_at is not None and t.closing_at > now)
        return sorted(still_open, key=lambda t: (t.closing_at or now, t.key))

    def _fits(self, tender: Tender, listed: dict[str, ListedEntry]) -> tuple[Fit, ...]:
        matched = [e for e in self._matches.enterprises_matched(tender.key) if e in listed]
        if not matched:
            return ()
        notified = self._notices.notified(tender.key)
        items = self._matches.items((e, f"match#{tender.key}") for e in matched)
        found = sorted(
            (item for item in items if item.match is not None), key=lambda i: -(i.match.score if i.match else 0)
        )
        return tuple(
            Fit(
                item.enterprise_id,
                listed[item.enterprise_id].name,
                item.match.reasons if item.match else (),
                bool(listed[item.enterprise_id].listing.contact_email),
                item.enterprise_id in notified,
            )
            for item in found
        )

    def _send(self, pledge: Pledge, tender: Tender, fit: Fit, address: str, address_key: str) -> Sent:
        key = SendKey(fit.enterprise_id, f"notice#{tender.key}")
        claim = self._sends.claim(key)
        if claim is not Claim.CLAIMED:
            return Sent.ALREADY
        email = self._compose(pledge, tender, fit, address, address_key)
        try:
            message_id = self._sends.send(key, email)
        except REFUSED:
            return Sent.FAILED  # the claim is released: nothing went out
        self._sends.confirm(key, message_id)
        return Sent.SENT

    def _compose(self, pledge: Pledge, tender: Tender, fit: Fit, address: str, address_key: str) -> Email:
        enterprise = self._enterprises.enterprise(fit.enterprise_id)
        lang = enterprise.subscribers[0].language if enterprise and enterprise.subscribers else "fr"
        token = self._links.token(address_key)
        context = {
            "institution": pledge.details.institution_name,
            "enterprise": fit.name,
            "tender": tender,
            "title": tender.title.read_in(lang)[0],
            "reasons": [reason.en if lang == "en" else reason.fr for reason in fit.reasons],
            "notice_url": tender.url or "",
            "unsubscribe_url": self._links.unsubscribe_url(token, lang),
            "sender": self._sender,
        }
        title = context["title"]
        assert isinstance(title, str)
        return Email(
            to=address,
            # The institution is a verified signatory's; the title the publisher's, or an invitation's (no link).
            subject=wording(
                "notice.email.subject", lang, institution=pledge.details.institution_name, title=_short(title)
            ),
            text=render("email/fit_notice.txt", lang, **context),
            html=render("email/fit_notice.html", lang, **context),
            language=lang,
            unsubscribe_url=self._links.one_click_url(token),
        )


def _short(title: str, longest: int = 90) -> str:
    return title if len(title) <= longest else f"{title[: longest - 1].rstrip()}…"
