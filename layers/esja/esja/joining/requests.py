"""Join the programme: the public asks (JoinDesk.ask), the organizers of the request's region list, approve or
decline it. Approving adds the enterprise through the console's own use case (esja.console.enterprises), with the
contact as the subscriber who manages its space; declining tells the contact why. Each decision is audited."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from esja.audit.log import Audit, Item
from esja.config import SenderIdentity
from esja.console.enterprise_form import EnterpriseForm, SubscriberRow
from esja.console.enterprises import ConsoleEnterprises, Refused
from esja.console.errors import Conflict
from esja.console.pledges import reason_of
from esja.digest.organizers import Organizer
from esja.emails import Sender
from esja.errors import REFUSED
from esja.folding import fold_name
from esja.joining.emails import to_contact, to_organizer
from esja.joining.form import JoinForm, read_join_form
from esja.joining.links import JoinLinks
from esja.joining.model import (
    CONSENT_HOW,
    CONSENT_WORDING,
    DECIDED_RETENTION,
    PENDING_RETENTION,
    JoinRequest,
    JoinState,
)
from esja.matching.regions import covers_every_region
from esja.people.actor import Actor, NotAllowed
from esja.people.keys import AddressKeys
from esja.people.roles import Role
from esja.pledges.bot_defences import TIME_TRAP_FIELD, TimeTrap, Trap
from esja.pledges.service import Outcome, RateLimits  # the pledge form's outcomes: SENT is « received »
from esja.tokens import KeySource

# A few enterprises of one office asking one after the other; too few to flood the organizers' inboxes.
PER_SOURCE_LIMIT, PER_SOURCE_WINDOW = 10, timedelta(hours=1)
PER_EMAIL_LIMIT, PER_EMAIL_WINDOW = 3, timedelta(days=1)
MAX_ID_LENGTH = 40  # a request's id, as its console form sends it back


class JoinRequestStore(Protocol):
    def add(self, request: JoinRequest) -> None: ...
    def requests(self, now: datetime) -> list[JoinRequest]: ...
    def get(self, request_id: str, now: datetime) -> JoinRequest | None: ...
    def decide(self, request: JoinRequest, decided: JoinRequest) -> bool:
        """Written only while the request is still pending; False otherwise."""
        ...


class OrganizerList(Protocol):
    def organizers(self) -> list[Organizer]: ...


@dataclass(frozen=True, slots=True)
class Asked:
    outcome: Outcome
    form: JoinForm | None = None
    form_token: str = ""


@dataclass(frozen=True, slots=True)
class Decided:
    request: JoinRequest
    told: bool  # SES took the e-mail to the contact


class JoinDesk:
    def __init__(
        self,
        *,
        requests: JoinRequestStore,
        organizers: OrganizerList,
        enterprises: ConsoleEnterprises,
        rate_limits: RateLimits,
        mailer: Sender,
        sender: SenderIdentity,
        links: JoinLinks,
        keys: KeySource,
        address_keys: AddressKeys,
        audit: Audit,
        clock: Callable[[], datetime],
    ) -> None:
        self._requests, self._organizers, self._enterprises = requests, organizers, enterprises
        self._limits, self._mailer, self._sender, self._links = rate_limits, mailer, sender, links
        self._time_trap, self._address_keys = TimeTrap(keys, clock), address_keys
        self._audit, self._clock = audit, clock

    def new_form_token(self) -> str:
        return self._time_trap.issue()

    def ask(self, fields: Mapping[str, Sequence[str]], *, source: str) -> Asked:
        """The pledge form's defences, in its order. Raises MalformedForm for what no browser sends."""
        trap = self._time_trap.check(fields)
        if trap is Trap.HONEYPOT:
            return Asked(Outcome.SENT)
        form = read_join_form(fields)
        if trap is Trap.STALE:
            return Asked(Outcome.STALE, form, self.new_form_token())
        token = fields[TIME_TRAP_FIELD][0]
        if form.details is None:
            return Asked(Outcome.INVALID, form, token)
        if trap is Trap.TOO_FAST:
            return Asked(Outcome.TOO_FAST, form, token)
        now = self._clock()
        if not self._limits.hit(
            f"join-source#{self._address_keys.opaque(source)}", PER_SOURCE_LIMIT, PER_SOURCE_WINDOW, now
        ):
            return Asked(Outcome.RATE_LIMITED, form, token)
        if not self._limits.hit(
            f"join-email#{self._address_keys(form.details.email)}", PER_EMAIL_LIMIT, PER_EMAIL_WINDOW, now
        ):
            return Asked(Outcome.SENT)
        request = JoinRequest(secrets.token_hex(8), form.details, now, CONSENT_WORDING, now + PENDING_RETENTION)
        self._requests.add(request)
        for organizer in self._organizers.organizers():
            # Whoever decides it in the console (Actor.covers): its region's organizers and those of every region,
            # whom the digest's rule (Organizer.covers) leaves out when they list no region.
            if covers_every_region(organizer.regions) or organizer.covers(request.details.region):
                email = to_organizer(
                    organizer, request, console_url=self._links.console(organizer.language), sender=self._sender
                )
                with suppress(*REFUSED):  # the request waits in the console all the same
                    self._mailer.send(email)
        return Asked(Outcome.SENT)

    def pending(self, actor: Actor) -> tuple[JoinRequest, ...]:
        """The requests waiting in the actor's regions, oldest first."""
        actor.require(Role.ORGANIZER)
        waiting = (r for r in self._requests.requests(self._clock()) if r.state is JoinState.PENDING)
        return tuple(sorted((r for r in waiting if actor.covers(r.details.region)), key=lambda r: r.created_at))

    def approve(self, actor: Actor, request_id: str) -> Decided | Refused:
        """The enterprise added as the console adds one (its validation, its audit), the contact managing its
        space; Refused with the console's errors when the spreadsheet's rules refuse it (nothing written)."""
        request = self._pending(actor, request_id)
        details = request.details
        cells = {
            "enterprise_id": _enterprise_id(details.enterprise_name, request.id),
            "enterprise_name": details.enterprise_name,
            "neq": details.neq,
            "legal_form": details.legal_form,
            "regions_served": details.region,
        }
        contact = {
            "subscriber_email": details.email,
            "subscriber_name": details.contact_name,
            "subscriber_language": details.language,
            "consent_at": request.created_at.isoformat(),
            "consent_how": CONSENT_HOW,
            "consent_wording": request.consent_wording,
            "manages_space": "yes",
        }
        saved = self._enterprises.create(actor, EnterpriseForm(cells, (SubscriberRow(1, contact),)))
        if isinstance(saved, Refused):
            return saved
        enterprise_id = saved.entry.enterprise.id
        return self._decide(actor, request, JoinState.APPROVED, "", enterprise_id=enterprise_id)

    def decline(self, actor: Actor, request_id: str, reason: str) -> Decided:
        """Raises InvalidForm for an unfit reason (nothing changed)."""
        told = reason_of(reason)
        return self._decide(actor, self._pending(actor, request_id), JoinState.DECLINED, told)

    def _decide(
        self, actor: Actor, request: JoinRequest, state: JoinState, reason: str, *, enterprise_id: str = ""
    ) -> Decided:
        now = self._clock()
        decided = JoinRequest(
            request.id,
            request.details,
            request.created_at,
            request.consent_wording,
            now + DECIDED_RETENTION,
            state,
            actor.item_id,
            enterprise_id,
        )
        if not self._requests.decide(request, decided):
            raise Conflict("changed")
        email = to_contact(
            decided, signin_url=self._links.sign_in(decided.details.language), reason=reason, sender=self._sender
        )
        try:
            self._mailer.send(email)
            told = True
        except REFUSED:
            told = False
        verb = "approve" if state is JoinState.APPROVED else "decline"
        details = {"told": "yes" if told else "no", **({"enterprise": enterprise_id} if enterprise_id else {})}
        self._audit.record(
            actor, f"join.{verb}", Item("join", request.id), regions=(request.details.region,), details=details
        )
        return Decided(decided, told)

    def _pending(self, actor: Actor, request_id: str) -> JoinRequest:
        actor.require(Role.ORGANIZER)
        known = 0 < len(request_id) <= MAX_ID_LENGTH
        request = self._requests.get(request_id, self._clock()) if known else None
        if request is None or not actor.covers(request.details.region):
            raise NotAllowed("no such request in the actor's regions", hidden=True)
        if request.state is not JoinState.PENDING:
            raise Conflict(request.state.value)
        return request


def _enterprise_id(name: str, request_id: str) -> str:
    """A readable id: the name's letters, and the request's to keep it unique (« coop-du-fjord-3f2a9c »)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold_name(name).lower()).strip("-")[:50].strip("-")
    return f"{slug or 'entreprise'}-{request_id[:6]}"
