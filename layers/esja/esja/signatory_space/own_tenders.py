"""A signatory institution's own tenders, among those ESJA read: its buyer found as the digest finds it.

The digest says a tender comes from a signatory when its buyer's name, reduced (esja.digest.signatories.buyer_key),
is the pledge's institution or a name an organizer linked to the pledge, or its buyer id is a linked SEAO id.
The same functions decide here; the Tenders table's buyer indexes (by name key, by id) only narrow the read to
those keys. A name shared by two institutions (« Municipalité de Saint-Joseph ») counts only in the pledge's
region when the tender's region is known; a linked id counts wherever.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from esja.digest.signatories import Signatory, SignatoryIndex, SignatoryLink, buyer_id_key, buyer_key
from esja.model import Scope, Status, Tender
from esja.pledges.model import Pledge


def indexed_buyer(tender: Tender) -> tuple[str, str]:
    """The keys the Tenders table's buyer indexes hold for a tender: its buyer's name reduced (the French name,
    else the English: a Québec institution is named in French), and its buyer id; "" for none."""
    buyer = tender.buyer
    if buyer is None:
        return "", ""
    return buyer_key(buyer.name.fr or buyer.name.en or ""), buyer_id_key(buyer.id) if buyer.id else ""


class TendersByBuyer(Protocol):
    def of_buyer(self, name_keys: Collection[str], buyer_ids: Collection[str], status: Status) -> list[Tender]:
        """The stored tenders in `status` whose buyer's name key or id is one of these."""
        ...


class BuyerLinks(Protocol):
    def links(self) -> list[SignatoryLink]:
        """The organizers' links between pledges and buyers (esja pledges link, the console)."""
        ...


class OwnTenders:
    def __init__(self, *, tenders: TendersByBuyer, buyer_links: BuyerLinks, skip_sources: Collection[str] = ()):
        self._tenders = tenders
        self._links = buyer_links
        self._skip = frozenset(skip_sources)  # feeds that are the signatories' own posts (their invitations)

    def of(self, pledge: Pledge, status: Status) -> list[Tender]:
        """The institution's tenders in `status`, by key."""
        links = [link for link in self._links.links() if link.pledge_id == pledge.id]
        names = {buyer_key(pledge.details.institution_name)} | {
            buyer_key(link.buyer_name) for link in links if link.buyer_name
        }
        ids = {buyer_id_key(link.buyer_id) for link in links if link.buyer_id}
        confirmed = pledge.confirmed_at or pledge.created_at
        signatory = Signatory(pledge.id, pledge.details.institution_name, pledge.details.region, confirmed)
        index = SignatoryIndex.build([signatory], links)
        found = self._tenders.of_buyer(sorted(n for n in names if n), sorted(ids), status)
        own = (t for t in found if t.source not in self._skip and index.signatory_of(t) is not None)
        return sorted((t for t in own if _here(t, pledge, ids)), key=lambda t: t.key)


def _here(tender: Tender, pledge: Pledge, linked_ids: Collection[str]) -> bool:
    """A linked id is this institution wherever; a name, only in its region when the tender's is known."""
    buyer = tender.buyer
    if buyer is not None and buyer.id and buyer_id_key(buyer.id) in linked_ids:
        return True
    regions = tender.regions
    return regions is None or regions.scope is not Scope.REGIONS or pledge.details.region in regions.codes
