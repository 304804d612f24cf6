"""An organizer takes an abusive listing down (/organisation/repertoire), or lifts the take-down.

The organizers of the regions an enterprise is registered in or serves answer for its listing (all-region
organizers for every one). A take-down takes it off the directory at once, says why to the enterprise in
its space, and keeps it off: the enterprise may publish again only once an organizer lifts the take-down,
and then it chooses again itself (its earlier consent is not revived). Both are in the listing's log and the
audit journal; the reason stays with the listing (it may name a person), not in the journal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from esja.audit.log import Audit, Item
from esja.directory.listing import ChoiceKind, ListingChoice, ListingRecord, TakeDown
from esja.directory.space import ListingStore
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role
from esja.pledges.form import FieldError, clean, text_errors

REASON_LIMITS = (5, 300)
REASON_FIELD = "motif"


class ListingRecords(ListingStore, Protocol):
    def records(self) -> list[ListingRecord]:
        """Every saved listing (listed or not), strongly consistent."""
        ...


class Outcome(StrEnum):
    """What the console tells (wording `listing.moderation.<value>`)."""

    TAKEN_DOWN = "taken-down"
    RESTORED = "restored"
    NOT_LISTED = "not-listed"  # nothing to take down (withdrawn meanwhile), or to lift
    CONFLICT = "conflict"  # the enterprise changed it meanwhile: look again
    INVALID = "invalid"  # the reason has errors


@dataclass(frozen=True, slots=True)
class Moderated:
    outcome: Outcome
    error: FieldError | None = None
    reason: str = ""  # as typed, to show again with its error

    @property
    def status(self) -> int:
        return {Outcome.INVALID: 422, Outcome.NOT_LISTED: 409, Outcome.CONFLICT: 409}.get(self.outcome, 200)


class ListingModeration:
    def __init__(self, *, listings: ListingRecords, audit: Audit, clock: Callable[[], datetime]) -> None:
        self._listings = listings
        self._audit = audit
        self._clock = clock

    def listings(self, actor: Actor) -> tuple[ListingRecord, ...]:
        """The listings in the directory, and those taken down, that this organizer answers for; by name."""
        actor.require(Role.ORGANIZER)
        shown = [r for r in self._listings.records() if (r.listed or r.taken_down) and _answers_for(actor, r)]
        return tuple(sorted(shown, key=lambda r: (r.name.casefold(), r.enterprise_id)))

    def take_down(self, actor: Actor, enterprise_id: str, reason: str) -> Moderated:
        record = self._answered_for(actor, enterprise_id)
        reason = clean(reason)
        errors = text_errors(REASON_FIELD, reason, REASON_LIMITS)
        if errors:
            return Moderated(Outcome.INVALID, errors[0], reason[: REASON_LIMITS[1] * 2])
        if not record.listed:
            return Moderated(Outcome.NOT_LISTED)
        now = self._clock()
        down = replace(record, listed_since=None, taken_down=TakeDown(now, actor.item_id, reason), updated_at=now)
        return self._write(actor, down, ChoiceKind.TAKEN_DOWN, reason, Outcome.TAKEN_DOWN, public=True)

    def restore(self, actor: Actor, enterprise_id: str) -> Moderated:
        record = self._answered_for(actor, enterprise_id)
        if record.taken_down is None:
            return Moderated(Outcome.NOT_LISTED)
        lifted = replace(record, taken_down=None, updated_at=self._clock())
        return self._write(actor, lifted, ChoiceKind.RESTORED, "", Outcome.RESTORED, public=False)

    def _answered_for(self, actor: Actor, enterprise_id: str) -> ListingRecord:
        actor.require(Role.ORGANIZER)
        record = self._listings.record(enterprise_id)
        if record is None:
            raise NotAllowed("no such listing", hidden=True)
        if not _answers_for(actor, record):
            raise NotAllowed("the listing is in none of the organizer's regions")
        return record

    def _write(
        self, actor: Actor, record: ListingRecord, kind: ChoiceKind, reason: str, done: Outcome, *, public: bool
    ) -> Moderated:
        changed = replace(record, version=record.version + 1)
        choice = ListingChoice(
            record.enterprise_id, kind, changed.updated_at, actor.role, actor.item_id, actor.address_key, reason=reason
        )
        if not self._listings.write(changed, choice=choice, public=public):
            return Moderated(Outcome.CONFLICT)
        action = "listing.take-down" if kind is ChoiceKind.TAKEN_DOWN else "listing.restore"
        self._audit.record(actor, action, Item("listing", record.enterprise_id), regions=record.regions)
        return Moderated(done)


def _answers_for(actor: Actor, record: ListingRecord) -> bool:
    return actor.covers_all or any(actor.covers(region) for region in record.regions)
