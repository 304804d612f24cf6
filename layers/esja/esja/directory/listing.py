"""A listing in the public directory: what an enterprise chose to show, as stored, as the public sees it, and
the record of each choice.

The public sees only a DirectoryEntry: the enterprise's registered name and legal form, and what it wrote
for the directory (description, regions served, what it sells, a website, a contact address it chose).
Nothing else of the enterprise — its subscribers, its profiles beyond their code families — is ever in one.

Being listed is the enterprise's choice, off by default, recorded like a consent (ListingChoice: who, when,
under which wording), append-only; withdrawing it takes the entry off at once. An organizer may take down an
abusive listing: it leaves the directory, and the enterprise may publish it again only once an organizer
lifts the take-down.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from esja.matching.unspsc import normalise_unspsc
from esja.model import Category, LegalForm, Profile, Text

# The version of the consent's wording the enterprise's person saw when choosing to be listed
# (templates/i18n/directory.json, `listing.consent.*`). Change it whenever that wording changes.
LISTING_WORDING_VERSION = "repertoire-2026-11"
FAMILY_DIGITS = 4  # a UNSPSC family: "7611" (Cleaning and janitorial services)


@dataclass(frozen=True, slots=True)
class Listing:
    """What an enterprise writes for the directory (esja.directory.form checks every field)."""

    description: Text  # short, in French and/or English
    regions: tuple[str, ...]  # served: "01"–"17", or "QC" for all of Québec
    categories: tuple[Category, ...] = ()
    families: tuple[str, ...] = ()  # UNSPSC families, 4 digits
    website: str = ""  # an https:// address, or none
    contact_email: str = ""  # the address it chose for the directory (never one of its subscribers')


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """An enterprise as the public sees it: only what it chose to show."""

    enterprise_id: str
    name: str
    legal_form: LegalForm
    listing: Listing
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class TakeDown:
    at: datetime
    by: str  # the organizer's id
    reason: str  # told to the enterprise in its space


@dataclass(frozen=True, slots=True)
class ListingRecord:
    """One enterprise's listing as stored: listed or not, taken down or not, and its version (each change is
    conditional on the version read, so two people editing at once never overwrite each other unseen)."""

    enterprise_id: str
    name: str  # the enterprise's registered name and legal form, as of the last change
    legal_form: LegalForm
    home_regions: tuple[str, ...]  # the regions it is registered in: whose organizers answer for it
    listing: Listing
    updated_at: datetime
    listed_since: datetime | None = None  # None: not in the directory
    taken_down: TakeDown | None = None
    version: int = 0  # 0 before the first save

    @property
    def listed(self) -> bool:
        return self.listed_since is not None

    @property
    def regions(self) -> tuple[str, ...]:
        """Where its organizers are: the regions it is registered in and those it serves (not all of Québec)."""
        return tuple(sorted({*self.home_regions, *self.listing.regions} - {"QC"}))

    def entry(self) -> DirectoryEntry:
        return DirectoryEntry(self.enterprise_id, self.name, self.legal_form, self.listing, self.updated_at)


class ChoiceKind(StrEnum):
    LISTED = "listed"  # the enterprise chose to appear (its consent, under LISTING_WORDING_VERSION)
    UNLISTED = "unlisted"  # it withdrew
    TAKEN_DOWN = "taken-down"  # an organizer took it down
    RESTORED = "restored"  # an organizer lifted the take-down; the enterprise chooses again


@dataclass(frozen=True, slots=True)
class ListingChoice:
    """One entry of a listing's append-only log: what was chosen, when, by whom (a role, the item they act
    for and their address key — never an address), under which wording."""

    enterprise_id: str
    kind: ChoiceKind
    at: datetime
    by_role: str  # enterprise | organizer
    by_id: str  # the enterprise's or the organizer's id
    address_key: str = field(repr=False)
    wording_version: str = ""  # for LISTED: the consent's wording
    reason: str = ""  # for TAKEN_DOWN: the organizer's reason


def families_of(profiles: Iterable[Profile]) -> tuple[str, ...]:
    """The code families of an enterprise's profiles: a class or a commodity counts as its family; a
    segment (2 digits) names too broad a trade to stand for what the enterprise sells, and is left out."""
    codes = (normalise_unspsc(code) for profile in profiles for code in profile.unspsc)
    return tuple(sorted({code[:FAMILY_DIGITS] for code in codes if code and len(code) >= FAMILY_DIGITS}))


def categories_of(profiles: Iterable[Profile]) -> tuple[Category, ...]:
    named = {category for profile in profiles for category in profile.categories}
    return tuple(category for category in Category if category in named)
