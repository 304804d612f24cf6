"""A signatory institution's own tenders, among those ESJA read — and its invitations, stored as tenders of ESJA's
own source, their buyer the institution's party id: its buyer found as the digest finds it.

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
from esja.signatory_space.invitation import Institution
from esja.sources.catalogue import INVITATIONS_SOURCE


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
    def __init__(self, *, tenders: TendersByBuyer, buyer_links: BuyerLinks) -> None:
        self._tenders = tenders
        self._links = buyer_links

    def of(self, pledge: Pledge, status: Status) -> list[Tender]:
        """The institution's tenders in `status`, by key."""
        links = [link for link in self._links.links() if link.pledge_id == pledge.id]
        names = {buyer_key(pledge.details.institution_name)} | {
            buyer_key(link.buyer_name) for link in links if link.buyer_name
        }
        # Its invitations are tenders too (ESJA's own source), their buyer the institution's own party id.
        party = buyer_id_key(Institution(pledge.details.institution_name, pledge.details.region).party_id)
        ids = {party} | {buyer_id_key(link.buyer_id) for link in links if link.buyer_id}
        confirmed = pledge.confirmed_at or pledge.created_at
        signatory = Signatory(pledge.id, pledge.details.institution_name, pledge.details.region, confirmed)
        index = SignatoryIndex.build([signatory], links)
        found = {t.key: t for t in self._tenders.of_buyer(sorted(n for n in names if n), sorted(ids), status)}
        own = (t for t in found.values() if index.signatory_of(t) is not None and _here(t, pledge, party, ids))
        return sorted(own, key=lambda t: t.key)


def _here(tender: Tender, pledge: Pledge, party: str, linked_ids: Collection[str]) -> bool:
    """An invitation is this institution's by its party id; a linked id is this institution wherever; a name
    only in its region when the tender's is known."""
    buyer = tender.buyer
    buyer_id = buyer_id_key(buyer.id) if buyer is not None and buyer.id else ""
    if tender.source == INVITATIONS_SOURCE:
        return buyer_id == party
    if buyer_id and buyer_id in linked_ids:
        return True
    regions = tender.regions
    return regions is None or regions.scope is not Scope.REGIONS or pledge.details.region in regions.codes
