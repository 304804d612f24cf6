"""Which tenders come from a buyer that signed the pledge (« Déclaration d'engagement »).

A verified pledge names its institution as the signatory wrote it (« Ville de Rimouski »); a tender
names its buyer as the publisher does (SEAO « VILLE DE RIMOUSKI. », « Ville de Montréal - Service de
l'approvisionnement », CanadaBuys' contracting entity in French and English). Both are reduced to one
key: case, accents, a unit after a dash, trailing dots and a municipal designation (« Ville de »,
« Municipalité de », « City of ») do not count. Where names still differ, an organizer links the
signatory to the buyer's SEAO id (OP-…) or to the name the publisher uses (`esja pledges link`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from esja.geo.names import PARTICLES, fold_keeping_length
from esja.geo.organisations import BuyerKind, main_name, read_buyer_name
from esja.model import Scope, Tender
from esja.pledges.model import Pledge, Verification

_SANTE_QUEBEC = re.compile(r"sante\s+quebec\b[\s\-–—]*")


@dataclass(frozen=True, slots=True)
class SignatoryLink:
    """An organizer's statement that a signatory buys as this SEAO buyer id, or under this name."""

    pledge_id: str
    buyer_id: str | None = None
    buyer_name: str | None = None

    @property
    def key(self) -> str:
        """The same link whatever the case and spacing it was typed with: « OP-1 » is « op-1 »."""
        if self.buyer_id:
            return f"{self.pledge_id}#id#{buyer_id_key(self.buyer_id)}"
        if self.buyer_name:
            return f"{self.pledge_id}#name#{buyer_key(self.buyer_name)}"
        raise ValueError("a link names a buyer id or a buyer name")


@dataclass(frozen=True, slots=True)
class Signatory:
    pledge_id: str
    institution_name: str
    region: str
    confirmed_at: datetime


def buyer_key(name: str) -> str:
    """« Ville de Montréal - Service de l'approvisionnement », "VILLE DE MONTRÉAL.", "City of Montreal"
    → ``montreal``; « Cégep de Rimouski » → ``cegep rimouski``."""
    cleaned = " ".join(name.split())
    # « Santé Québec - Lanaudière », « Santé Québec Bas-Saint-Laurent - Service de l'approvisionnement »:
    # the region follows Santé Québec, dash or not; the unit comes after.
    health = _SANTE_QUEBEC.match(fold_keeping_length(cleaned))
    if health:
        rest = cleaned[health.end() :]
        return f"sante quebec {buyer_key(rest)}".strip() if rest else "sante quebec"
    read = read_buyer_name(main_name(cleaned))
    words = read.subject if read.kind is BuyerKind.MUNICIPAL and read.subject else read.words
    return " ".join(word for word in words if word not in PARTICLES)


def buyer_id_key(buyer_id: str) -> str:
    return buyer_id.strip().upper()


def in_force(pledge: Pledge, at: datetime) -> bool:
    """Confirmed and verified by `at` (a signatory is what an organizer, or the institution's listed domain,
    vouched for: an e-mail confirmation only proves a mailbox), and not withdrawn by then."""
    confirmed, withdrawn, verdict = pledge.confirmed_at, pledge.withdrawn_at, pledge.verdict
    if confirmed is None or confirmed > at or (withdrawn is not None and withdrawn <= at):
        return False
    return verdict is not None and verdict.state is Verification.VERIFIED and (verdict.at or confirmed) <= at


def signatories_at(pledges: Iterable[Pledge], at: datetime) -> list[Signatory]:
    """The pledges in force at `at` (verified), as signatories, earliest confirmed first."""
    return [
        Signatory(p.id, p.details.institution_name, p.details.region, p.confirmed_at)
        for p in sorted(pledges, key=lambda p: (p.confirmed_at or at, p.id))
        if in_force(p, at) and p.confirmed_at is not None
    ]


class SignatoryIndex:
    """Signatories by buyer id and by buyer name key."""

    def __init__(self, by_id: dict[str, Signatory], by_name: dict[str, list[Signatory]]) -> None:
        self._by_id = by_id
        self._by_name = by_name

    @classmethod
    def build(cls, signatories: Iterable[Signatory], links: Iterable[SignatoryLink]) -> SignatoryIndex:
        by_pledge = {s.pledge_id: s for s in signatories}
        by_id: dict[str, Signatory] = {}
        by_name: dict[str, list[Signatory]] = {}

        def add_name(key: str, signatory: Signatory) -> None:
            # Several signatories of one institution are one signatory; one name in two regions, two.
            found = by_name.setdefault(key, [])
            if key and all(s.region != signatory.region for s in found):
                found.append(signatory)

        for signatory in by_pledge.values():
            add_name(buyer_key(signatory.institution_name), signatory)
        for link in links:
            linked = by_pledge.get(link.pledge_id)
            if linked is None:  # the pledge was withdrawn (or is not confirmed yet): the link waits
                continue
            if link.buyer_id:
                by_id.setdefault(buyer_id_key(link.buyer_id), linked)
            if link.buyer_name:
                add_name(buyer_key(link.buyer_name), linked)
        return cls(by_id, {key: found for key, found in by_name.items() if found})

    def signatory_of(self, tender: Tender) -> Signatory | None:
        buyer = tender.buyer
        if buyer is None:
            return None
        if buyer.id and (linked := self._by_id.get(buyer_id_key(buyer.id))):
            return linked
        for name in dict.fromkeys(n for n in (buyer.name.fr, buyer.name.en) if n):
            found = self._by_name.get(buyer_key(name))
            if found:
                return _nearest(found, tender)
        return None

    def is_signatory(self, tender: Tender) -> bool:
        """For the alerts' badge: the tender's buyer has signed the declaration."""
        return self.signatory_of(tender) is not None


def _nearest(found: list[Signatory], tender: Tender) -> Signatory:
    """Two institutions may share a name (« Municipalité de Saint-Joseph »…): the one in the tender's region."""
    regions = tender.regions
    if len(found) > 1 and regions is not None and regions.scope is Scope.REGIONS:
        for signatory in found:
            if signatory.region in regions.codes:
                return signatory
    return found[0]
