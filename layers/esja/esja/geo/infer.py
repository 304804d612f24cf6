"""Which Québec administrative regions a tender concerns, how each was inferred, and how surely.

The evidence, from the most to the least explicit:
1. the publisher's delivery regions (CanadaBuys): they decide the scope when they say anything, but a
   province-wide label (« Quebec (except NCR) », which CanadaBuys puts on most Québec notices) yields to
   a town named beside it or in the title or description (« Édifice fédéral, Rimouski (Qc) »): that
   region is the tender's, and the label stays as weaker, province-wide evidence;
2. the buyer's name: a town's or an MRC's own territory, a regional body's territory (health,
   school service centre, cégep, university), or a place its name mentions;
3. place names and postal codes in the title and description;
4. the buyer's address (postal prefix, locality): strong for a town, weak for a provincial or
   federal body, whose address is only its head office — and left out when the text or its name
   says where the work is (an agency in Québec City building a hospital in Mont-Laurier).
Each region keeps its strongest evidence. Nothing to go on gives Scope.UNKNOWN, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from esja.geo.gazetteer import Gazetteer
from esja.geo.labels import LabelMeaning, ReadLabel, read_label
from esja.geo.mentions import Mention, PlaceFinder
from esja.geo.organisations import TERRITORIAL, BuyerKind, BuyerName, main_name, read_buyer_name
from esja.geo.tables import Shares
from esja.model import QUEBEC_WIDE, Address, Buyer, RegionEvidence, Regions, Scope, Tender, Text

# How sure each kind of evidence makes us that the work is in the region (0–1).
DELIVERY_PLACE = 0.9  # the publisher names the town or region of delivery
DELIVERY_NCR = 0.6  # Ottawa–Gatineau: the Québec side is only part of it
PROVINCE_WIDE = 0.3  # « Quebec (except NCR) » beside a named place: it says Québec, not where in it
OWN_TERRITORY = 0.95  # « Ville de Rimouski », « MRC de Témiscouata »
REGIONAL_BODY = 0.9  # « Santé Québec - Lanaudière », « Centre de services scolaire des Patriotes »
UNIVERSITY = 0.85  # main campus; some have satellites elsewhere
DESIGNATION_ONLY = 0.75  # one of two towns so named, told apart by the designation the buyer uses
LOCALITY_NAME = 0.85  # a town known by a Canada Post locality name, not its official one
NAME_MENTION = 0.8  # « Régie … de Portneuf », « Société de la Place des Arts de Montréal »
TEXT = {"title": 0.8, "description": 0.7}  # where a provincial or other buyer says the work is
TEXT_OF_LOCAL_BUYER = {"title": 0.6, "description": 0.5}  # a town's text naming another place
ADDRESS = {
    BuyerKind.MUNICIPAL: 0.9,
    BuyerKind.MRC: 0.9,
    BuyerKind.LOCAL: 0.9,
    BuyerKind.HEALTH: 0.8,
    BuyerKind.SCHOOL: 0.8,
    BuyerKind.COLLEGE: 0.8,
    BuyerKind.UNIVERSITY: 0.8,
    BuyerKind.OTHER: 0.6,
    BuyerKind.CENTRAL: 0.35,  # a head office
}
# Shares of a territory below this are boundary noise (a school registered across the line).
MIN_SHARE = 0.15
MIN_CONFIDENCE = 0.1

_POSTAL_CODE = re.compile(r"\b([GHJ]\d[A-Z])[ \u00a0-]?(\d[A-Z]\d)\b")
_QUEBEC_POSTAL = re.compile(r"^[GHJ]\d[A-Z]")
_QUEBEC_PROVINCE = frozenset({"qc", "quebec", "québec", "que", "pq", "p.q."})
_CANADA_COUNTRY = frozenset({"can", "ca", "canada"})
_BODY_KINDS = frozenset({BuyerKind.HEALTH, BuyerKind.SCHOOL, BuyerKind.COLLEGE, BuyerKind.UNIVERSITY})


@dataclass(frozen=True, slots=True)
class BuyerFindings:
    kind: BuyerKind
    from_name: tuple[RegionEvidence, ...]
    from_address: tuple[RegionEvidence, ...]


class RegionInferrer:
    """Build once (it indexes every place name), then `infer` each tender: pure and fast."""

    __slots__ = ("_buyer_cache", "_finder", "_gazetteer")

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self._gazetteer = gazetteer if gazetteer is not None else Gazetteer.bundled()
        self._finder = PlaceFinder.from_gazetteer(self._gazetteer)
        # The same few thousand buyers publish most tenders (their street does not matter here).
        self._buyer_cache = lru_cache(maxsize=8192)(self._read_buyer)

    def infer(self, tender: Tender) -> Regions:
        labels = [read_label(part, self._gazetteer) for raw in tender.delivery_regions for part in raw.splitlines()]
        decided = _from_labels(labels, tender.source)
        if decided is not None and decided.scope is not Scope.ALL_QUEBEC:
            return decided
        buyer = self._buyer(tender.buyer, tender.source == "canadabuys") if tender.buyer else None
        kind = buyer.kind if buyer else BuyerKind.OTHER
        weights = TEXT_OF_LOCAL_BUYER if kind in TERRITORIAL else TEXT
        near = {e.code for e in (*buyer.from_name, *buyer.from_address)} if buyer else set()
        from_text = [
            *self._text("title", tender.title, weights, near),
            *self._text("description", tender.description, weights, near),
        ]
        if decided is not None:
            return _placed(decided, from_text)
        best = _Best()
        if buyer:
            best.add(buyer.from_name)
        best.add(from_text)
        if buyer and not (kind is BuyerKind.CENTRAL and (from_text or buyer.from_name)):
            best.add(buyer.from_address)
        evidence = best.evidence()
        return Regions(Scope.REGIONS, evidence) if evidence else Regions()

    def with_regions(self, tender: Tender) -> Tender:
        """The same tender with its `regions` filled in."""
        return replace(tender, regions=self.infer(tender))

    def mentions(self, text: str) -> list[Mention]:
        """The place names found in `text` (for explanations and tests)."""
        return self._finder.find(text)

    def _text(self, field: str, text: Text, weights: dict[str, float], near: set[str]) -> list[RegionEvidence]:
        found: list[RegionEvidence] = []
        for value in dict.fromkeys(v for v in (text.fr, text.en) if v):
            for mention in self._finder.find(value):
                regions = mention.regions
                if len(regions) > 1 and (nearby := [c for c, _ in regions if c in near]):
                    # « Saint-Isidore » is in two regions; the buyer is in one of them.
                    regions = tuple((code, 1 / len(nearby)) for code in nearby)
                found += _spread(regions, weights[field], f"{field} mentions {mention.name.label}")
            for match in _POSTAL_CODE.finditer(value):
                code = f"{match[1]} {match[2]}"
                found += _spread(
                    self._gazetteer.fsa_regions(code), weights[field], f"{field} mentions postal code {code}"
                )
        return found

    def _buyer(self, buyer: Buyer, federal: bool) -> BuyerFindings:
        address = buyer.address
        if address is not None and address.street:
            address = replace(address, street=None)
        return self._buyer_cache(buyer.name.fr or buyer.name.en or "", address, federal)

    def _read_buyer(self, name: str, address: Address | None, federal: bool) -> BuyerFindings:
        written = " ".join(name.split()).rstrip(" .")
        read = read_buyer_name(written)
        kind = BuyerKind.CENTRAL if federal else read.kind
        address_regions, address_how = self._address(address)
        from_name = self._from_name(written, read, dict(address_regions))
        from_address = _spread(address_regions, ADDRESS[kind], address_how) if address_regions else []
        if from_name and kind in TERRITORIAL:
            # A town's address confirms its territory; a rural postal prefix's other regions add nothing.
            named = {e.code for e in from_name}
            from_address = [e for e in from_address if e.code in named]
        return BuyerFindings(kind, tuple(from_name), tuple(from_address))

    def _from_name(self, written: str, read: BuyerName, near: dict[str, float]) -> list[RegionEvidence]:
        how = f"buyer name: {main_name(written)}"
        if read.kind is BuyerKind.MUNICIPAL:
            found = self._town(read, near, how)
            if found:
                return found
        elif read.kind is BuyerKind.MRC:
            codes = self._gazetteer.mrc_regions(" ".join(read.subject))
            if codes:
                return _spread(tuple((c, 1 / len(codes)) for c in codes), OWN_TERRITORY, how)
        elif read.kind is not BuyerKind.CENTRAL:
            bodies = self._gazetteer.public_bodies_named(written, read.kind if read.kind in _BODY_KINDS else None)
            if bodies:
                shares = _territory(share for body in bodies for share in body.regions)
                confidence = UNIVERSITY if bodies[0].kind == "university" else REGIONAL_BODY
                return _spread(shares, confidence, how)
        confidence = REGIONAL_BODY if read.kind in (BuyerKind.HEALTH, BuyerKind.SCHOOL) else NAME_MENTION
        found = []
        for mention in self._finder.find(written):
            found += _spread(mention.regions, confidence, f"buyer name mentions {mention.name.label}")
        return found

    def _town(self, read: BuyerName, near: dict[str, float], how: str) -> list[RegionEvidence]:
        places = next((p for s in read.subjects if (p := self._gazetteer.places_by_key(" ".join(s)))), ())
        if not places:
            return []
        confidence = LOCALITY_NAME if all(p.kind == "locality" for p in places) else OWN_TERRITORY
        if len({p.region for p in places}) > 1:
            # « Municipalité de Saint-Isidore » (12) or « Paroisse de Saint-Isidore » (16)? Buyers do
            # not always use their legal designation, so it only half-settles the question.
            precise = tuple(p for p in places if p.designation in read.designations)
            if precise and len({p.region for p in precise}) == 1 and not near.keys() & {p.region for p in places}:
                places = precise
                confidence = DESIGNATION_ONLY
                how += f" ({precise[0].designation.lower()})"
        weights: dict[str, float] = {}
        for place in places:
            weights[place.region] = weights.get(place.region, 0.0) + place.share / len(places)
        if len(weights) > 1 and near.keys() & weights.keys():
            # Two towns of that name: the buyer's address tells which.
            weights = {code: 1.0 for code in near.keys() & weights.keys()}
            how += " (by its address)"
        elif len(weights) > 1:
            how += f" ({len(places)} places so named)"
        total = sum(weights.values())
        return _spread(tuple((c, w / total) for c, w in weights.items()), confidence, how)

    def _address(self, address: Address | None) -> tuple[Shares, str]:
        if address is None or not _in_quebec(address):
            return (), ""
        postal = "".join((address.postal_code or "").split()).upper()
        fsa = postal[:3] if _QUEBEC_POSTAL.match(postal) else ""
        by_postal = _territory(self._gazetteer.fsa_regions(fsa)) if fsa else ()
        places = self._gazetteer.places(address.locality) if address.locality else ()
        locality = address.locality.strip() if address.locality else ""
        by_locality = {p.region for p in places}
        if len(by_locality) == 1 and (not by_postal or by_locality <= {c for c, _ in by_postal}):
            return ((by_locality.pop(), 1.0),), f"buyer address: {' '.join(filter(None, (locality, fsa)))}"
        if by_postal:
            narrowed = tuple((c, s) for c, s in by_postal if c in by_locality)
            return (_territory(narrowed) if narrowed else by_postal), f"buyer postal code {fsa}"
        if by_locality:
            return tuple((c, 1 / len(by_locality)) for c in sorted(by_locality)), f"buyer locality: {locality}"
        return (), ""


def _from_labels(labels: list[ReadLabel], source: str) -> Regions | None:
    said = [label for label in labels if label.meaning is not LabelMeaning.UNSPECIFIED]
    known = [label for label in said if label.meaning is not LabelMeaning.UNKNOWN]
    # CanadaBuys names its cities from a closed list: a city we do not know is outside Québec. A
    # free-text publisher's unknown label says nothing.
    if not known and (not said or source != "canadabuys"):
        return None
    publisher = "CanadaBuys delivery region" if source == "canadabuys" else "delivery region"
    best = _Best()
    for label in known:
        if label.meaning is LabelMeaning.NCR:
            how = f"{publisher}: {label.label} (Québec side: Outaouais; partly Ontario)"
            best.add(_spread(label.regions, DELIVERY_NCR, how))
        elif label.meaning is LabelMeaning.PLACE:
            best.add(_spread(label.regions, DELIVERY_PLACE, f"{publisher}: {label.label}"))
    meanings = {label.meaning for label in said}
    if LabelMeaning.CANADA in meanings:
        scope = Scope.CANADA
    elif LabelMeaning.ALL_QUEBEC in meanings:
        province = next(label for label in said if label.meaning is LabelMeaning.ALL_QUEBEC)
        wide = RegionEvidence(QUEBEC_WIDE, f"{publisher}: {province.label} (province-wide)", PROVINCE_WIDE)
        places = any(label.meaning is LabelMeaning.PLACE for label in known)
        return Regions(Scope.REGIONS if places else Scope.ALL_QUEBEC, (*best.evidence(), wide))
    elif best:
        scope = Scope.REGIONS
    else:
        scope = Scope.OUTSIDE_QUEBEC
    return Regions(scope, best.evidence() if scope is not Scope.OUTSIDE_QUEBEC else ())


def _placed(province_wide: Regions, from_text: list[RegionEvidence]) -> Regions:
    """A province-wide label and the places the title or description name: those places' regions."""
    if not from_text:
        return province_wide
    best = _Best()
    best.add(from_text)
    best.add(province_wide.evidence)  # the NCR's Outaouais, if labelled (the province-wide evidence stays last)
    return Regions(Scope.REGIONS, best.evidence())


def _in_quebec(address: Address) -> bool:
    province = (address.province or "").strip().lower()
    country = (address.country or "").strip().lower()
    return (not province or province in _QUEBEC_PROVINCE) and (not country or country in _CANADA_COUNTRY)


def _territory(shares: Iterable[tuple[str, float]]) -> Shares:
    """Merge shares per region, drop the boundary noise, renormalise."""
    merged: dict[str, float] = {}
    for code, share in shares:
        merged[code] = merged.get(code, 0.0) + share
    total = sum(merged.values())
    kept = {c: s / total for c, s in merged.items() if total and s / total >= MIN_SHARE}
    kept_total = sum(kept.values())
    return tuple(sorted(((c, s / kept_total) for c, s in kept.items()), key=lambda p: (-p[1], p[0])))


def _spread(shares: Iterable[tuple[str, float]], confidence: float, how: str) -> list[RegionEvidence]:
    return [RegionEvidence(code=code, how=how, confidence=round(confidence * share, 2)) for code, share in shares]


class _Best:
    """The strongest evidence per region; on a tie, the first given (the more explicit source)."""

    __slots__ = ("_by_code",)

    def __init__(self) -> None:
        self._by_code: dict[str, RegionEvidence] = {}

    def __bool__(self) -> bool:
        return bool(self._by_code)

    def add(self, evidence: Iterable[RegionEvidence]) -> None:
        for item in evidence:
            if item.confidence < MIN_CONFIDENCE:
                continue
            known = self._by_code.get(item.code)
            if known is None or item.confidence > known.confidence:
                self._by_code[item.code] = item

    def evidence(self) -> tuple[RegionEvidence, ...]:
        return tuple(sorted(self._by_code.values(), key=lambda e: (-e.confidence, e.code)))
