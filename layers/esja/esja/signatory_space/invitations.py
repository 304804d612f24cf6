"""The invitation use cases: post, amend, cancel, list one's own; the public page and the OCDS package.

Each action takes the Actor first and decides itself what it may do: a signatory only, its pledge read
again (withdrawn, no longer verified: the space is lost at once), and an invitation belongs to its
institution — another institution's is refused as one that does not exist (NotAllowed, hidden). Every
change is written to the audit log by the use case that makes it.

An invitation and its tender are written together, in one transaction (the public page and the matcher
never disagree), then announced on the match queue like any feed's tender: matched by the same rules,
and told at once to the enterprises it matches (esja.matching.service hands invitations to the alerts).
The announcement is recorded on the invitation; one that failed (the queue down) is announced again by
the same form posted again (its reference makes the post idempotent), by the institution's next change, and
at the latest by the next scheduled instant run of the alerts (PendingAnnouncements.sweep).

Rate limits keep a signatory from turning ESJA into a relay: a few invitations a day per institution,
a few changes a day per invitation, and an invitation reaches only the enterprises whose profiles match
it or the few listed enterprises it names.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from esja.audit.log import Audit, Item
from esja.clock import TIME_ZONE
from esja.ingest.changes import Change, ChangeKind, StoredVersion, plan_change
from esja.model import Tender, Text, UpdateKind
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role
from esja.pledges.form import FieldError
from esja.pledges.model import Pledge
from esja.signatory_space.invitation import Audience, Institution, Invitation, InvitationStatus
from esja.signatory_space.invitation_form import InvitationForm, read_invitation_form
from esja.signatory_space.invitation_page import InvitationPage, invitation_page
from esja.signatory_space.invitation_tender import as_tender, tender_key
from esja.signatory_space.ocds_release import release_package
from esja.signatory_space.publication import INVITATION_ID, Publication

REFERENCE_FIELD = "ref"  # the form's own invitation id: posting the same form twice posts one invitation
POSTS_PER_DAY = 5  # per institution: a buyer's requests for quotes, not a mailing list
CHANGES_PER_DAY = 5  # per invitation: every change is told to every enterprise already told
_DAY = timedelta(days=1)


class InvitationBook(Protocol):
    def add(self, invitation: Invitation, tender: Change) -> bool:
        """Both written, or neither; False (nothing written) when the id is taken."""
        ...

    def replace(self, invitation: Invitation, tender: Change, *, expected_version: int) -> bool:
        """Both written, or neither; False when the stored invitation is no longer `expected_version`."""
        ...

    def get(self, invitation_id: str) -> Invitation | None: ...
    def of_institution(self, institution_key: str) -> list[Invitation]: ...
    def published(self) -> list[Invitation]: ...
    def announced(self, invitation_id: str, version: int) -> None: ...
    def to_announce(self, institution_key: str) -> list[Invitation]: ...
    def pending_announcements(self) -> list[Invitation]:
        """Every invitation whose latest version is not yet announced, whatever its institution."""
        ...


class TenderReader(Protocol):
    def get(self, key: str) -> tuple[Tender, StoredVersion] | None: ...


class Announcer(Protocol):
    def announce(self, changes: Sequence[Change]) -> int: ...


class PledgeLookup(Protocol):
    def get(self, pledge_id: str) -> Pledge | None: ...


class EnterpriseDirectory(Protocol):
    def listed(self, enterprise_ids: Collection[str]) -> set[str]:
        """Those of the ids that are enterprises listed in the public directory."""
        ...


class RateLimits(Protocol):
    def hit(self, key: str, limit: int, window: timedelta, now: datetime) -> bool: ...


class Refusal(StrEnum):
    RATE_LIMITED = "rate-limited"
    CLOSED = "closed"  # past its closing date: nothing left to change
    CANCELLED = "cancelled"
    CONFLICT = "conflict"  # changed by someone else since the form was shown


@dataclass(frozen=True, slots=True)
class Saved:
    invitation: Invitation | None  # as stored now; None when nothing was saved
    form: InvitationForm | None = None  # to show again, with its errors
    refusal: Refusal | None = None


def new_invitation_id() -> str:
    return secrets.token_hex(5)


class PendingAnnouncements:
    """Invitations whose announcement failed after they were saved (the queue down), announced now: their tender
    as stored, as the matcher would have received it."""

    def __init__(
        self,
        *,
        invitations: InvitationBook,
        tenders: TenderReader,
        announcer: Announcer,
        publication: Publication,
        clock: Callable[[], datetime],
    ) -> None:
        self._invitations = invitations
        self._tenders = tenders
        self._announcer = announcer
        self._publication = publication
        self._clock = clock

    def sweep(self) -> int:
        """Every invitation still to announce, announced; how many (the alerts' instant run calls it)."""
        return self.announce(self._invitations.pending_announcements())

    def announce(self, pending: Sequence[Invitation]) -> int:
        announced = 0
        for invitation in pending:
            stored = self._tenders.get(tender_key(invitation, self._publication))
            if stored is None:
                continue
            tender, version = stored
            change = Change(
                tender,
                _kind(invitation),
                version.content_hash,
                version.change_count,
                version.first_seen_at,
                self._clock(),
                version.status_since,
                version.opened_at,
            )
            self.one(invitation, change)
            announced += 1
        return announced

    def one(self, invitation: Invitation, change: Change) -> None:
        self._announcer.announce([change])
        self._invitations.announced(invitation.id, invitation.version)


class InvitationService:
    def __init__(
        self,
        *,
        invitations: InvitationBook,
        tenders: TenderReader,
        announcer: Announcer,
        pledges: PledgeLookup,
        directory: EnterpriseDirectory,
        rate_limits: RateLimits,
        publication: Publication,
        publisher: str,  # who publishes the OCDS package: the sender organisation
        audit: Audit,
        clock: Callable[[], datetime],
        new_id: Callable[[], str] = new_invitation_id,
        code_titles: Callable[[str], Text | None] | None = None,  # the codes' list: the bundled table by default
    ) -> None:
        self._invitations = invitations
        self._tenders = tenders
        self._announcements = PendingAnnouncements(
            invitations=invitations, tenders=tenders, announcer=announcer, publication=publication, clock=clock
        )
        self._pledges = pledges
        self._directory = directory
        self._limits = rate_limits
        self._publication = publication
        self._publisher = publisher
        self._audit = audit
        self._clock = clock
        self._new_id = new_id
        self._code_titles = code_titles

    # --- the signatory's own -------------------------------------------------------------------------

    def new_reference(self) -> str:
        """The id a blank form will post under (REFERENCE_FIELD)."""
        return self._new_id()

    def post(self, actor: Actor, fields: Mapping[str, Sequence[str]]) -> Saved:
        """Published at once, stored as a tender and announced for matching; raises NotAllowed."""
        institution = self._institution(actor)
        reference = _reference(fields)
        if reference and (posted := self._posted_before(reference, institution, actor)):
            return Saved(posted)
        now = self._clock()
        form = self._read(fields, now)
        if form.details is None:
            return Saved(None, form)
        key = f"invitation-posts#{institution.key}"
        if not self._limits.hit(key, POSTS_PER_DAY, _DAY, now):
            return Saved(None, form, Refusal.RATE_LIMITED)
        for invitation_id in (reference or self._new_id(), self._new_id(), self._new_id()):
            invitation = Invitation(invitation_id, institution, form.details, now, pledge_id=actor.item_id)
            change = plan_change(as_tender(invitation, self._publication, now), None, now)
            assert isinstance(change, Change)  # a new ocid: always new
            if self._invitations.add(invitation, change):
                self._audited(actor, "invitation.post", invitation)
                self._announce(invitation, change)
                return Saved(invitation)
        raise RuntimeError("three invitation ids taken in a row")

    def amend(self, actor: Actor, invitation_id: str, fields: Mapping[str, Sequence[str]]) -> Saved:
        """A new version, told to every enterprise already told; raises NotAllowed."""
        invitation = self.own(actor, invitation_id)
        now = self._clock()
        if invitation.status is InvitationStatus.CANCELLED:
            return Saved(invitation, None, Refusal.CANCELLED)
        if invitation.closed(now):
            return Saved(invitation, None, Refusal.CLOSED)
        form = self._read(fields, now)
        if form.details is None:
            return Saved(None, form)
        if form.details == invitation.details:
            return Saved(invitation)  # nothing to tell anyone
        return self._change(actor, invitation, "amended", now, details=form.details, form=form)

    def cancel(self, actor: Actor, invitation_id: str) -> Saved:
        """Cancelled (again, harmlessly, if it was), told to every enterprise already told; raises NotAllowed."""
        invitation = self.own(actor, invitation_id)
        now = self._clock()
        if invitation.status is InvitationStatus.CANCELLED:
            return Saved(invitation)
        if invitation.closed(now):
            return Saved(invitation, None, Refusal.CLOSED)
        return self._change(actor, invitation, "cancelled", now, status=InvitationStatus.CANCELLED)

    def mine(self, actor: Actor) -> list[Invitation]:
        """The institution's invitations, the latest first; raises NotAllowed."""
        institution = self._institution(actor)
        found = self._invitations.of_institution(institution.key)
        return sorted(found, key=lambda i: (i.published_at, i.id), reverse=True)

    def overview(self, actor: Actor) -> list[tuple[Invitation, str]]:
        """The institution's invitations, the latest first, each with its state now (Invitation.state)."""
        now = self._clock()
        return [(invitation, invitation.state(now)) for invitation in self.mine(actor)]

    def own(self, actor: Actor, invitation_id: str) -> Invitation:
        """One of the institution's invitations; raises NotAllowed (hidden: another's is as unknown)."""
        institution = self._institution(actor)
        invitation = self.public(invitation_id)
        if invitation is None or invitation.institution.key != institution.key:
            raise NotAllowed("no such invitation of this institution", hidden=True)
        return invitation

    def form_values(self, invitation: Invitation) -> dict[str, Any]:
        """What the amendment form shows, as the blank form's fields."""
        details = invitation.details
        local = details.closing_at.astimezone(TIME_ZONE)
        return {
            "title_fr": details.title.fr or "",
            "title_en": details.title.en or "",
            "description_fr": details.description.fr or "",
            "description_en": details.description.en or "",
            "codes": details.codes,
            "category": details.category.value,
            "region": details.region,
            "municipality": details.municipality or "",
            "value": str(details.value) if details.value is not None else "",
            "closing_date": local.date().isoformat(),
            "closing_time": f"{local:%H:%M}",
            "answer_email": details.answer.email or "",
            "answer_url": details.answer.url or "",
            "documents": details.answer.documents or "",
            "audience": details.audience.value,
            "enterprises": details.named,
        }

    # --- the public's --------------------------------------------------------------------------------

    def public(self, invitation_id: str) -> Invitation | None:
        """Any invitation by id, as its public page shows it (cancelled and closed ones too)."""
        return self._invitations.get(invitation_id) if INVITATION_ID.fullmatch(invitation_id) else None

    def page(self, invitation_id: str, lang: str) -> InvitationPage | None:
        """The invitation's public page, in the reader's language."""
        invitation = self.public(invitation_id)
        return invitation_page(invitation, lang, self._clock()) if invitation else None

    def package(self) -> dict[str, Any]:
        """The OCDS release package of every invitation (esja.signatory_space.ocds_release)."""
        invitations = self._invitations.published()
        return release_package(invitations, self._publication, publisher=self._publisher, now=self._clock())

    # --- inside ---------------------------------------------------------------------------------------

    def _institution(self, actor: Actor) -> Institution:
        """The actor's institution, their pledge read again: a signatory's space closes the moment the pledge
        is withdrawn or no longer verified, whatever the session's snapshot says."""
        actor.require(Role.SIGNATORY)
        pledge = self._pledges.get(actor.item_id)
        if pledge is None or not may_invite(pledge, self._clock()):
            raise NotAllowed("the pledge is not a verified one in force")
        return Institution(pledge.details.institution_name, pledge.details.region)

    def _read(self, fields: Mapping[str, Sequence[str]], now: datetime) -> InvitationForm:
        form = read_invitation_form(fields, now=now, code_titles=self._code_titles)
        details = form.details
        if details is None or details.audience is not Audience.NAMED:
            return form
        listed = self._directory.listed(details.named)
        unknown = [name for name in details.named if name not in listed]
        if unknown:
            return form.with_errors([FieldError("enterprises", "named_unknown", {"ids": ", ".join(unknown)})])
        return form

    def _posted_before(self, reference: str, institution: Institution, actor: Actor) -> Invitation | None:
        """The invitation this very form posted already (a second click, a retry after an error), announced
        again if its announcement failed; None when the reference is free or someone else's."""
        found = self._invitations.get(reference)
        if found is None or found.institution.key != institution.key or found.pledge_id != actor.item_id:
            return None
        self._announce_pending(institution)
        return found

    def _change(
        self,
        actor: Actor,
        invitation: Invitation,
        change: UpdateKind,
        now: datetime,
        *,
        form: InvitationForm | None = None,
        **what: Any,
    ) -> Saved:
        if not self._limits.hit(f"invitation-changes#{invitation.id}", CHANGES_PER_DAY, _DAY, now):
            return Saved(invitation, form, Refusal.RATE_LIMITED)
        changed = replace(
            invitation,
            version=invitation.version + 1,
            changed_at=now,
            changes=(*invitation.changes, (change, now)),
            **what,
        )
        tender = as_tender(changed, self._publication, now)
        stored = self._tenders.get(tender.key)
        planned = plan_change(tender, stored[1] if stored else None, now)
        if not isinstance(planned, Change):  # its revision moves with every version: always a change
            raise RuntimeError(f"invitation {invitation.id}: its tender did not change")
        if not self._invitations.replace(changed, planned, expected_version=invitation.version):
            return Saved(self.public(invitation.id), form, Refusal.CONFLICT)
        self._audited(actor, f"invitation.{'cancel' if change == 'cancelled' else 'amend'}", changed)
        self._announce(changed, planned)
        self._announce_pending(invitation.institution)
        return Saved(changed)

    def _audited(self, actor: Actor, action: str, invitation: Invitation) -> None:
        details = {"version": str(invitation.version), "audience": invitation.details.audience.value}
        self._audit.record(
            actor, action, Item("invitation", invitation.id), regions=(invitation.details.region,), details=details
        )

    def _announce(self, invitation: Invitation, change: Change) -> None:
        self._announcements.one(invitation, change)

    def _announce_pending(self, institution: Institution) -> None:
        """The institution's invitations whose announcement failed, announced now (their tender as stored)."""
        self._announcements.announce(self._invitations.to_announce(institution.key))


def may_invite(pledge: Pledge, now: datetime) -> bool:
    """A confirmed pledge an organizer verified, in force, may invite in its institution's name."""
    return pledge.is_verified_signatory and not pledge.is_purged(now)


def _reference(fields: Mapping[str, Sequence[str]]) -> str | None:
    sent = fields.get(REFERENCE_FIELD, ())
    return sent[0] if len(sent) == 1 and INVITATION_ID.fullmatch(sent[0]) else None


def _kind(invitation: Invitation) -> ChangeKind:
    if not invitation.changes:
        return ChangeKind.NEW
    return ChangeKind.CANCELLED if invitation.status is InvitationStatus.CANCELLED else ChangeKind.AMENDED
