"""The console's pledges (/organisation/engagements): an organizer lists the pledges of their regions — those
« to verify » first —, reads one, verifies it or rejects it (its signer is told why, by e-mail), withdraws it at
its signer's request, corrects a typo in its institution's name. Only a verified pledge is public: on the
registry, counted as a signatory in the digest, a badge in the alerts. Rejecting a verified pledge or withdrawing
it closes its signatories' space at once (its people's open sessions end). Each change writes its audit record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.audit.log import Audit, Item
from esja.config import SenderIdentity
from esja.console.errors import Conflict, InvalidForm, UnknownPledge
from esja.digest.organizers import Organizer
from esja.digest.signatories import SignatoryLink
from esja.emails import Sender
from esja.errors import REFUSED
from esja.folding import fold_name
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.pledges.form import TEXT_FIELDS, clean, text_errors
from esja.pledges.model import (
    BY_ORGANIZER,
    REJECTED_RETENTION,
    WITHDRAWN_RETENTION,
    Pledge,
    PledgeStatus,
    Stage,
    Verdict,
    Verification,
)
from esja.pledges.rejection_email import compose_rejection
from esja.pledges.service import SpaceClosing

REASON_LIMITS = (3, 500)  # a sentence or two, told to the signer (a rejection) or kept with the pledge


class PledgeReader(Protocol):
    def get(self, pledge_id: str) -> Pledge | None: ...


class PledgeLedger(PledgeReader, Protocol):
    def everything(self, now: datetime) -> Iterable[Pledge]: ...
    def to_verify(self, now: datetime) -> list[Pledge]: ...
    def record_verdict(self, pledge: Pledge, verdict: Verdict, purge_at: datetime | None = None) -> Pledge | None: ...
    def withdraw(
        self, pledge_id: str, at: datetime, purge_at: datetime, replaced_by: str | None = None, reason: str = ""
    ) -> Pledge | None: ...
    def rename(self, pledge: Pledge, institution_name: str) -> Pledge | None: ...


class OrganizerNames(Protocol):
    def organizers(self) -> list[Organizer]: ...
    def links(self) -> list[SignatoryLink]: ...


@dataclass(frozen=True, slots=True)
class PledgeFilter:
    """Which pledges an organizer looks at (or exports): their stages (none: every stage), one of their regions
    ("": all of theirs), words of the institution's name."""

    stages: frozenset[Stage] = frozenset({Stage.TO_VERIFY})
    region: str = ""
    text: str = ""

    def keeps(self, actor: Actor, pledge: Pledge) -> bool:
        region = pledge.details.region
        return (
            actor.covers(region)
            and self.region in ("", region)
            and (not self.stages or pledge.stage in self.stages)
            and fold_name(self.text) in fold_name(pledge.details.institution_name)
        )


@dataclass(frozen=True, slots=True)
class PledgeList:
    chosen: PledgeFilter
    pledges: tuple[Pledge, ...]  # to verify: the longest-waiting first; otherwise the latest first


@dataclass(frozen=True, slots=True)
class PledgeCase:
    """One pledge as the console shows it: who decided its verdict, and the buyers it is linked to."""

    pledge: Pledge
    decided_by: str  # the organizer's name (the id when they left the list), "" while to verify
    links: tuple[SignatoryLink, ...]


@dataclass(frozen=True, slots=True)
class Rejection:
    pledge: Pledge
    told: bool  # SES took the e-mail to the signer; False: the organizer should reach them otherwise


def organizers_pledge(actor: Actor, pledges: PledgeReader, pledge_id: str, now: datetime) -> Pledge:
    """The pledge, if the actor is an organizer of its region; another region's is answered as no pledge (404)."""
    actor.require(Role.ORGANIZER)
    pledge = pledges.get(pledge_id) if pledge_id else None
    if pledge is None or pledge.is_purged(now) or not actor.covers(pledge.details.region):
        raise UnknownPledge(pledge_id)
    return pledge


def reason_of(text: str) -> str:
    """An organizer's reason, as the signer or the next organizer will read it; InvalidForm when unfit."""
    reason = clean(text)
    errors = text_errors("reason", reason, REASON_LIMITS)
    if errors:
        raise InvalidForm(*errors)
    return reason


class PledgeBook:
    def __init__(
        self,
        *,
        pledges: PledgeLedger,
        organizers: OrganizerNames,
        mailer: Sender,
        sender: SenderIdentity,
        pledge_people: SpaceClosing,
        audit: Audit,
        clock: Callable[[], datetime],
    ) -> None:
        self._pledges = pledges
        self._organizers = organizers
        self._people = pledge_people
        self._mailer = mailer
        self._sender = sender
        self._audit = audit
        self._clock = clock

    def list(self, actor: Actor, chosen: PledgeFilter) -> PledgeList:
        actor.require(Role.ORGANIZER)
        now = self._clock()
        if chosen.stages == {Stage.TO_VERIFY}:  # the queue's index: no need to read every pledge
            waiting = self._pledges.to_verify(now)
            return PledgeList(chosen, tuple(p for p in waiting if chosen.keeps(actor, p)))
        found = [p for p in self._pledges.everything(now) if chosen.keeps(actor, p)]
        found.sort(key=lambda p: (p.confirmed_at or p.created_at, p.id), reverse=True)
        return PledgeList(chosen, tuple(found))

    def case(self, actor: Actor, pledge_id: str) -> PledgeCase:
        pledge = organizers_pledge(actor, self._pledges, pledge_id, self._clock())
        names = {o.id: o.name for o in self._organizers.organizers()}
        decided = pledge.verdict.by if pledge.verdict else ""
        links = tuple(link for link in self._organizers.links() if link.pledge_id == pledge.id)
        return PledgeCase(pledge, names.get(decided, decided), links)

    def verify(self, actor: Actor, pledge_id: str) -> Pledge:
        """The signer speaks for the institution: the pledge goes public (registry, digest, badge)."""
        pledge = self._decidable(actor, pledge_id, Verification.VERIFIED)
        verdict = Verdict(Verification.VERIFIED, self._clock(), actor.item_id, BY_ORGANIZER)
        verified = self._pledges.record_verdict(pledge, verdict)
        if verified is None:
            raise Conflict("changed")
        self._record(actor, "pledge.verify", verified, how=BY_ORGANIZER, was=pledge.stage)
        return verified

    def reject(self, actor: Actor, pledge_id: str, reason: str) -> Rejection:
        """Nothing shows the signer speaks for the institution: off every public place, deleted after
        REJECTED_RETENTION; the signer gets the reason by e-mail, in their language."""
        reason = reason_of(reason)
        pledge = self._decidable(actor, pledge_id, Verification.REJECTED)
        now = self._clock()
        verdict = Verdict(Verification.REJECTED, now, actor.item_id, BY_ORGANIZER, reason)
        rejected = self._pledges.record_verdict(pledge, verdict, purge_at=now + REJECTED_RETENTION)
        if rejected is None:
            raise Conflict("changed")
        email = compose_rejection(rejected, reason, kept=REJECTED_RETENTION, sender=self._sender)
        try:
            self._mailer.send(email)
            told = True
        except REFUSED:  # recorded all the same; the page asks the organizer to reach the signer
            told = False
        ended = self._people.close(pledge, now)
        self._record(
            actor, "pledge.reject", rejected, was=pledge.stage, told="yes" if told else "no", sessions=str(ended)
        )
        return Rejection(rejected, told)

    def withdraw(self, actor: Actor, pledge_id: str, reason: str) -> Pledge:
        """At its signer's request (a call, a letter): off every public place, deleted after WITHDRAWN_RETENTION."""
        reason = reason_of(reason)
        pledge = organizers_pledge(actor, self._pledges, pledge_id, self._clock())
        if pledge.status is PledgeStatus.WITHDRAWN:
            raise Conflict("withdrawn")
        now = self._clock()
        withdrawn = self._pledges.withdraw(pledge.id, now, now + WITHDRAWN_RETENTION, reason=reason)
        if withdrawn is None:
            raise Conflict("changed")
        ended = self._people.close(pledge, now)
        self._record(actor, "pledge.withdraw", withdrawn, was=pledge.stage, on_request="yes", sessions=str(ended))
        return withdrawn

    def rename(self, actor: Actor, pledge_id: str, institution_name: str) -> Pledge:
        """A typo in the institution's name corrected (the journal keeps both spellings: an institution's name
        is no personal information)."""
        name = clean(institution_name)
        errors = text_errors("institution_name", name, TEXT_FIELDS["institution_name"])
        if errors:
            raise InvalidForm(*errors)
        pledge = organizers_pledge(actor, self._pledges, pledge_id, self._clock())
        if pledge.status is PledgeStatus.WITHDRAWN:
            raise Conflict("withdrawn")
        before = pledge.details.institution_name
        if name == before:
            return pledge
        renamed = self._pledges.rename(pledge, name)
        if renamed is None:
            raise Conflict("changed")
        self._record(actor, "pledge.rename", renamed, before=before, after=name)
        return renamed

    def _decidable(self, actor: Actor, pledge_id: str, state: Verification) -> Pledge:
        """The pledge, if confirmed and not already in `state`."""
        pledge = organizers_pledge(actor, self._pledges, pledge_id, self._clock())
        if pledge.status is not PledgeStatus.CONFIRMED:
            raise Conflict(pledge.status.value)  # pending: not confirmed yet; withdrawn: too late
        if (pledge.verdict or Verdict()).state is state:
            raise Conflict(f"already-{state.value}")
        return pledge

    def _record(self, actor: Actor, action: str, pledge: Pledge, **details: str) -> None:
        item, regions = Item("pledge", pledge.id), (pledge.details.region,)
        self._audit.record(actor, action, item, regions=regions, details=details)
