"""An enterprise's own listing, in its space (/entreprise/repertoire): edit, preview, save, publish, withdraw.

Every action takes the Actor and works on the actor's own enterprise only (no enterprise id comes from the
request). Saving a listing that is in the directory shows the change there at once; publishing records the
enterprise's choice like a consent (who, when, under which wording: LISTING_WORDING_VERSION), and
withdrawing takes the listing off at once. Each change is conditional on the version read (two people of
the enterprise editing at once: the second is told, nothing is lost) and audited (no personal information
in the record: the contact address stays in the listing).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from esja.audit.log import Audit, Item
from esja.directory.form import ListingForm, form_values, read_listing_form
from esja.directory.listing import (
    LISTING_WORDING_VERSION,
    ChoiceKind,
    DirectoryEntry,
    Listing,
    ListingChoice,
    ListingRecord,
    categories_of,
    families_of,
)
from esja.enterprise_space.home import EnterpriseReader, own_enterprise
from esja.model import Enterprise, Text
from esja.people.actor import Actor
from esja.pledges.form import CHECKED

CONSENT_FIELD = "consentement"
WORDING_FIELD = "version_libelle"


class ListingStore(Protocol):
    def record(self, enterprise_id: str) -> ListingRecord | None:
        """The enterprise's listing, strongly consistent; None if it never saved one (or was removed)."""
        ...

    def write(self, record: ListingRecord, *, choice: ListingChoice | None = None, public: bool) -> bool:
        """Store `record` if the stored version is still `record.version - 1` (0: none stored), with `choice`
        appended to its log, all or nothing; `public`: the change alters what the directory shows, whose
        version then moves. False when someone else changed it first (nothing written)."""
        ...

    def choices(self, enterprise_id: str) -> list[ListingChoice]:
        """The listing's log, oldest first."""
        ...

    def forget(self, enterprise_id: str, *, purge_at: datetime) -> None:
        """The enterprise is removed: its listing leaves the directory and the table at once; its log of
        choices (the proof of its consent) is kept until `purge_at`."""
        ...


class Notice(StrEnum):
    """What the page tells after an action (wording `listing.notice.<value>`)."""

    NONE = ""
    SAVED = "saved"
    SAVED_PUBLIC = "saved-public"  # saved while listed: the directory shows it now
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    NOTHING_SAVED = "nothing-saved"  # publish before any listing was saved
    CONSENT = "consent"  # publish without ticking the consent
    STALE_WORDING = "stale-wording"  # the consent's wording changed since the page was shown
    TAKEN_DOWN = "taken-down"  # an organizer took it down: no publishing until they lift it
    CONFLICT = "conflict"  # someone else of the enterprise changed it meanwhile
    SUBSCRIBER_ADDRESS = "subscriber-address"  # the saved contact became a subscriber's address


STATUS = {
    Notice.NOTHING_SAVED: 409,
    Notice.CONSENT: 422,
    Notice.STALE_WORDING: 409,
    Notice.TAKEN_DOWN: 409,
    Notice.CONFLICT: 409,
    Notice.SUBSCRIBER_ADDRESS: 409,
}


@dataclass(frozen=True, slots=True)
class ListingPage:
    """What the listing's page shows."""

    enterprise: Enterprise
    record: ListingRecord | None
    form: ListingForm
    suggested_families: tuple[str, ...]  # the families of its profiles' codes, offered as choices
    choices: tuple[ListingChoice, ...]
    preview: DirectoryEntry | None = None
    notice: Notice = Notice.NONE
    wording_version: str = LISTING_WORDING_VERSION

    @property
    def status(self) -> int:
        if self.form.errors:
            return 422
        return STATUS.get(self.notice, 200)


class ListingSpace:
    def __init__(
        self,
        *,
        enterprises: EnterpriseReader,
        listings: ListingStore,
        audit: Audit,
        clock: Callable[[], datetime],
    ) -> None:
        self._enterprises = enterprises
        self._listings = listings
        self._audit = audit
        self._clock = clock

    def show(self, actor: Actor) -> ListingPage:
        enterprise = own_enterprise(actor, self._enterprises)
        return self._page(enterprise, self._listings.record(enterprise.id))

    def preview(self, actor: Actor, fields: Mapping[str, Sequence[str]]) -> ListingPage:
        """How the listing would look in the directory; nothing is saved."""
        enterprise = own_enterprise(actor, self._enterprises)
        record = self._listings.record(enterprise.id)
        form = self._read(enterprise, fields)
        listing, shown_as = form.details, (enterprise.id, enterprise.name, enterprise.legal_form)
        preview = DirectoryEntry(*shown_as, listing, self._clock()) if listing else None
        return self._page(enterprise, record, form, preview=preview)

    def save(self, actor: Actor, fields: Mapping[str, Sequence[str]]) -> ListingPage:
        enterprise = own_enterprise(actor, self._enterprises)
        record = self._listings.record(enterprise.id)
        form = self._read(enterprise, fields)
        if form.details is None:
            return self._page(enterprise, record, form)
        saved = self._changed(enterprise, record, form.details)
        if not self._listings.write(saved, public=saved.listed):
            return self._page(enterprise, self._listings.record(enterprise.id), form, notice=Notice.CONFLICT)
        self._record(actor, "listing.save", saved, listed="yes" if saved.listed else "no")
        return self._page(enterprise, saved, notice=Notice.SAVED_PUBLIC if saved.listed else Notice.SAVED)

    def publish(self, actor: Actor, fields: Mapping[str, Sequence[str]]) -> ListingPage:
        """The enterprise chooses to appear, having ticked the consent shown under `WORDING_FIELD`'s version."""
        enterprise = own_enterprise(actor, self._enterprises)
        record = self._listings.record(enterprise.id)
        refusal = self._refusal(enterprise, record, fields)
        if refusal is not Notice.NONE or record is None or record.listed:
            return self._page(enterprise, record, notice=refusal if refusal is not Notice.NONE else Notice.PUBLISHED)
        now = self._clock()
        published = replace(self._changed(enterprise, record, record.listing), listed_since=now)
        choice = self._choice(actor, enterprise.id, ChoiceKind.LISTED, now, wording_version=LISTING_WORDING_VERSION)
        if not self._listings.write(published, choice=choice, public=True):
            return self._page(enterprise, self._listings.record(enterprise.id), notice=Notice.CONFLICT)
        self._record(actor, "listing.publish", published, wording_version=LISTING_WORDING_VERSION)
        return self._page(enterprise, published, notice=Notice.PUBLISHED)

    def unpublish(self, actor: Actor) -> ListingPage:
        """The enterprise withdraws its choice: the listing leaves the directory at once (it stays saved)."""
        enterprise = own_enterprise(actor, self._enterprises)
        record = self._listings.record(enterprise.id)
        if record is None or not record.listed:
            return self._page(enterprise, record, notice=Notice.UNPUBLISHED)
        now = self._clock()
        withdrawn = replace(self._changed(enterprise, record, record.listing), listed_since=None)
        choice = self._choice(actor, enterprise.id, ChoiceKind.UNLISTED, now)
        if not self._listings.write(withdrawn, choice=choice, public=True):
            return self._page(enterprise, self._listings.record(enterprise.id), notice=Notice.CONFLICT)
        self._record(actor, "listing.unpublish", withdrawn)
        return self._page(enterprise, withdrawn, notice=Notice.UNPUBLISHED)

    def _read(self, enterprise: Enterprise, fields: Mapping[str, Sequence[str]]) -> ListingForm:
        own = families_of(self._enterprises.profiles_of(enterprise.id))
        return read_listing_form(fields, refused_addresses=_subscribers(enterprise), own_families=own)

    def _refusal(
        self, enterprise: Enterprise, record: ListingRecord | None, fields: Mapping[str, Sequence[str]]
    ) -> Notice:
        if record is None:
            return Notice.NOTHING_SAVED
        if record.taken_down is not None:
            return Notice.TAKEN_DOWN
        if record.listed:
            return Notice.NONE
        if list(fields.get(WORDING_FIELD, ())) != [LISTING_WORDING_VERSION]:
            return Notice.STALE_WORDING
        if list(fields.get(CONSENT_FIELD, ())) != [CHECKED]:
            return Notice.CONSENT
        if record.listing.contact_email.lower() in _subscribers(enterprise):
            return Notice.SUBSCRIBER_ADDRESS
        return Notice.NONE

    def _changed(self, enterprise: Enterprise, record: ListingRecord | None, listing: Listing) -> ListingRecord:
        """The record after a change: the listing, and the enterprise's registered name, form and regions now."""
        now = self._clock()
        if record is None:
            record = ListingRecord(enterprise.id, enterprise.name, enterprise.legal_form, (), listing, now)
        return replace(
            record,
            name=enterprise.name,
            legal_form=enterprise.legal_form,
            home_regions=enterprise.regions_served,
            listing=listing,
            updated_at=now,
            version=record.version + 1,
        )

    def _choice(
        self, actor: Actor, enterprise_id: str, kind: ChoiceKind, at: datetime, *, wording_version: str = ""
    ) -> ListingChoice:
        return ListingChoice(enterprise_id, kind, at, actor.role, actor.item_id, actor.address_key, wording_version)

    def _record(self, actor: Actor, action: str, record: ListingRecord, **details: str) -> None:
        item = Item("listing", record.enterprise_id)
        self._audit.record(actor, action, item, regions=record.regions, details=details)

    def _page(
        self,
        enterprise: Enterprise,
        record: ListingRecord | None,
        form: ListingForm | None = None,
        *,
        preview: DirectoryEntry | None = None,
        notice: Notice = Notice.NONE,
    ) -> ListingPage:
        profiles = self._enterprises.profiles_of(enterprise.id)
        suggested = families_of(profiles)
        if form is None:  # before the first save, the enterprise's regions and its profiles' families
            first = Listing(Text(), enterprise.regions_served, categories_of(profiles), suggested)
            form = ListingForm(form_values(record.listing if record else first), (), None)
        choices = tuple(self._listings.choices(enterprise.id)) if record else ()
        return ListingPage(enterprise, record, form, suggested, choices, preview, notice)


def _subscribers(enterprise: Enterprise) -> frozenset[str]:
    return frozenset(s.email.lower() for s in enterprise.subscribers)
