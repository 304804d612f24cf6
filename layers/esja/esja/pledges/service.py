"""The pledge use cases: submit (pending + confirmation e-mail), confirm, withdraw, and the registry.

Double opt-in: a pledge counts only once the link e-mailed to the signatory has been followed and its
button pressed (a GET never changes anything). Answers never tell whether an address already signed.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from esja.audit.log import Audit, Item
from esja.config import SenderIdentity
from esja.emails import Sender
from esja.errors import Rejected
from esja.people.keys import AddressKeys
from esja.pledges.bot_defences import TIME_TRAP_FIELD, TimeTrap, Trap
from esja.pledges.confirmation_email import compose_confirmation
from esja.pledges.domains import InstitutionDomain, domain_of, is_public_mail
from esja.pledges.form import FormResult, read_pledge_form
from esja.pledges.links import (
    CONFIRMATION_LIFETIME,
    WITHDRAWAL_LINK_LIFETIME,
    WITHDRAWAL_PURPOSE,
    PledgeLinks,
    new_confirmation_token,
    new_pledge_id,
    read_confirmation_token,
)
from esja.pledges.model import (
    BY_DOMAIN,
    CONSENT_VERSION,
    UNCONFIRMED_RETENTION,
    WITHDRAWN_RETENTION,
    Pledge,
    PledgeStatus,
    RegistryEntry,
    RegistryInstitution,
    Verdict,
    Verification,
    by_institution,
)
from esja.tokens import InvalidToken, KeySource, TokenSigner

logger = logging.getLogger(__name__)

# Enough for the people of one office signing one after the other; few enough that the form cannot be
# used to flood an inbox.
PER_SOURCE_LIMIT, PER_SOURCE_WINDOW = 20, timedelta(hours=1)
PER_EMAIL_LIMIT, PER_EMAIL_WINDOW = 3, timedelta(days=1)


class PledgeRepository(Protocol):
    def add(self, pledge: Pledge) -> None: ...
    def get(self, pledge_id: str) -> Pledge | None: ...
    def confirm(self, pledge: Pledge, at: datetime, verdict: Verdict | None = None) -> Pledge | None: ...
    def withdraw(
        self, pledge_id: str, at: datetime, purge_at: datetime, replaced_by: str | None = None
    ) -> Pledge | None: ...
    def confirmed_of(self, signatory_key: str) -> list[str]: ...
    def registry(self, now: datetime) -> list[RegistryEntry]: ...


class SpaceClosing(Protocol):
    """The people of a pledge's signatories' space (esja.signatory_space.colleagues.PledgePeople): their open
    sessions end as the pledge stops being verified and in force; `was` is the pledge before the change."""

    def close(self, was: Pledge, now: datetime) -> int:
        """Withdrawn or rejected: its colleagues erased, its people's sessions ended; how many."""
        ...


class InstitutionDomains(Protocol):
    def listed_domain(self, region: str, institution: str, domain: str) -> InstitutionDomain | None:
        """The domain, if an organizer listed it for that institution (esja.pledges.domains)."""
        ...


class RateLimits(Protocol):
    def hit(self, key: str, limit: int, window: timedelta, now: datetime) -> bool:
        """Count one more; False once `limit` is reached within the current window."""
        ...


class Outcome(StrEnum):
    SENT = "sent"  # also the answer to a bot, and to an address that asked too often: nothing tells them apart
    INVALID = "invalid"
    TOO_FAST = "too-fast"
    STALE = "stale"
    RATE_LIMITED = "rate-limited"


@dataclass(frozen=True, slots=True)
class Submission:
    outcome: Outcome
    form: FormResult | None = None  # to show again, with its errors
    form_token: str = ""  # the time-trap of the form shown again


@dataclass(frozen=True, slots=True)
class Confirmed:
    pledge: Pledge
    link_expires_at: datetime  # when the confirmation link would have: no link its page hands out outlives it


class PledgeService:
    def __init__(
        self,
        *,
        pledges: PledgeRepository,
        rate_limits: RateLimits,
        mailer: Sender,
        sender: SenderIdentity,
        links: PledgeLinks,
        keys: KeySource,
        address_keys: AddressKeys,
        domains: InstitutionDomains,
        pledge_people: SpaceClosing,
        audit: Audit,
        clock: Callable[[], datetime],
    ) -> None:
        self._pledges = pledges
        self._domains = domains
        self._people = pledge_people
        self._audit = audit
        self._limits = rate_limits
        self._mailer = mailer
        self._sender = sender
        self._links = links
        self._clock = clock
        self._time_trap = TimeTrap(keys, clock)
        self._withdrawal = TokenSigner(keys, WITHDRAWAL_PURPOSE)
        self._address_keys = address_keys

    def new_form_token(self) -> str:
        return self._time_trap.issue()

    def submit(self, fields: Mapping[str, Sequence[str]], *, language: str, source: str) -> Submission:
        """Raises MalformedForm for what no browser sends from our form."""
        trap = self._time_trap.check(fields)
        if trap is Trap.HONEYPOT:
            return Submission(Outcome.SENT)
        form = read_pledge_form(fields)
        if trap is Trap.STALE:
            return Submission(Outcome.STALE, form, self.new_form_token())
        token = fields[TIME_TRAP_FIELD][0]  # the person has been on the page since: keep its moment
        if form.details is None:  # errors first: they are what a person has to act on
            return Submission(Outcome.INVALID, form, token)
        if trap is Trap.TOO_FAST:
            return Submission(Outcome.TOO_FAST, form, token)
        now = self._clock()
        # The counters hold no IP address or e-mail in clear: keyed hashes (esja.people.keys).
        by_source = f"source#{self._address_keys.opaque(source)}"
        if not self._limits.hit(by_source, PER_SOURCE_LIMIT, PER_SOURCE_WINDOW, now):
            return Submission(Outcome.RATE_LIMITED, form, token)
        address_key = self._address_keys(form.details.email)
        if not self._limits.hit(f"email#{address_key}", PER_EMAIL_LIMIT, PER_EMAIL_WINDOW, now):
            return Submission(Outcome.SENT)

        pledge_id = new_pledge_id()
        confirmation, token_digest = new_confirmation_token(pledge_id)
        pledge = Pledge(
            id=pledge_id,
            details=form.details,
            language=language,
            status=PledgeStatus.PENDING,
            created_at=now,
            consent_version=CONSENT_VERSION,
            token_digest=token_digest,
            token_expires_at=now + CONFIRMATION_LIFETIME,
            purge_at=now + UNCONFIRMED_RETENTION,
            address_key=address_key,
        )
        self._pledges.add(pledge)
        self._send_confirmation(pledge, confirmation)
        return Submission(Outcome.SENT)

    def pending(self, token: str) -> Pledge | None:
        """The pledge a confirmation link is for, while the link is still good."""
        found = read_confirmation_token(token)
        if found is None:
            return None
        pledge_id, token_digest = found
        pledge = self._pledges.get(pledge_id)
        now = self._clock()
        if (
            pledge is None
            or pledge.status is not PledgeStatus.PENDING
            or pledge.is_purged(now)
            or pledge.token_digest is None
            or not hmac.compare_digest(pledge.token_digest, token_digest)
            or pledge.token_expires_at is None
            or pledge.token_expires_at <= now
        ):
            return None
        return pledge

    def confirm(self, token: str, *, network: str = "") -> Confirmed | None:
        """Confirmed, once: the link is spent. « To verify » until an organizer verifies it, unless the address
        is of a domain an organizer listed for the institution: then verified at once (and audited, from the
        confirming request's `network`). A newer pledge of the same signatory for the same institution replaces
        the one confirmed before (a pledge is updated by signing again)."""
        pledge = self.pending(token)
        if pledge is None:
            return None
        now = self._clock()
        vouched = self._vouched(pledge, now)
        confirmed = self._pledges.confirm(pledge, now, vouched)
        if confirmed is None:  # confirmed by a concurrent request, or expired in between
            return None
        if vouched is not None:
            details = {"how": BY_DOMAIN, "domain": vouched.domain, "listed_by": vouched.by}
            item, regions = Item("pledge", confirmed.id), (confirmed.details.region,)
            self._audit.record_person(
                pledge.address_key, network, "pledge.verify", item, regions=regions, details=details
            )
        for earlier in self._pledges.confirmed_of(confirmed.details.signatory_key):
            if earlier != confirmed.id:
                self._replace(earlier, confirmed, now)
        assert pledge.token_expires_at is not None  # pending() checked
        return Confirmed(confirmed, pledge.token_expires_at)

    def _replace(self, earlier_id: str, newer: Pledge, now: datetime) -> None:
        """The earlier pledge withdrawn for the newer: the space it opened closes (sign in again for the newer)."""
        earlier = self._pledges.get(earlier_id)
        if earlier and self._pledges.withdraw(earlier_id, now, now + WITHDRAWN_RETENTION, replaced_by=newer.id):
            self._people.close(earlier, now)

    def _vouched(self, pledge: Pledge, now: datetime) -> Verdict | None:
        """Verified by the institution's listed domain, or None: to verify (a public mail domain never vouches,
        even if listed before the rule existed)."""
        domain, details = domain_of(pledge.details.email), pledge.details
        listed = (
            None
            if is_public_mail(domain)
            else self._domains.listed_domain(details.region, details.institution_name, domain)
        )
        if listed is None:
            return None
        return Verdict(
            Verification.VERIFIED,
            now,
            listed.listed_by,
            BY_DOMAIN,
            domain=listed.domain,
            domain_listed_at=listed.listed_at,
        )

    def withdrawal_link(self, pledge: Pledge, lang: str, *, not_after: datetime | None = None) -> str:
        """`not_after`: a page opened with a link hands out links that do not outlive it."""
        return self._links.withdraw(self._withdrawal.sign({"p": pledge.id}, not_after=not_after), lang)

    def withdrawable(self, token: str) -> Pledge | None:
        """The pledge a withdrawal link is for (already withdrawn ones too: the page says so)."""
        try:
            verified = self._withdrawal.verify(token, int(WITHDRAWAL_LINK_LIFETIME.total_seconds()))
        except InvalidToken:
            return None
        pledge_id = verified.payload.get("p")
        pledge = self._pledges.get(pledge_id) if isinstance(pledge_id, str) else None
        return None if pledge is None or pledge.is_purged(self._clock()) else pledge

    def withdraw(self, token: str, *, network: str = "") -> Pledge | None:
        """Withdrawn (again, harmlessly, if it already was); off the registry and its space closed at once
        (audited, from the withdrawing request's `network`)."""
        pledge = self.withdrawable(token)
        if pledge is None or pledge.status is PledgeStatus.WITHDRAWN:
            return pledge
        now = self._clock()
        withdrawn = self._pledges.withdraw(pledge.id, now, now + WITHDRAWN_RETENTION)
        if withdrawn is None:  # withdrawn by a concurrent request
            return self.withdrawable(token)
        ended = self._people.close(pledge, now)
        item, regions = Item("pledge", pledge.id), (pledge.details.region,)
        details = {"by": "link", "sessions": str(ended)}
        self._audit.record_person(
            pledge.address_key, network, "pledge.withdraw", item, regions=regions, details=details
        )
        return withdrawn

    def registry(self) -> list[RegistryInstitution]:
        """The public registry: one entry per institution, however many of its people signed."""
        return by_institution(self._pledges.registry(self._clock()))

    def _send_confirmation(self, pledge: Pledge, token: str) -> None:
        email = compose_confirmation(
            pledge,
            confirm_url=self._links.confirm(token, pledge.language),
            withdraw_url=self.withdrawal_link(pledge, pledge.language),
            sender=self._sender,
        )
        try:
            self._mailer.send(email)
        except Rejected:
            # SES refused this address (suppressed, malformed for SES): the page answers as for any
            # address, and the pending pledge is purged with the other unconfirmed ones.
            logger.warning("confirmation e-mail refused by SES", extra={"pledge_id": pledge.id})
