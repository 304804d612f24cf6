"""What the matcher needs from a tender, computed once per tender whatever the number of profiles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from esja.matching.explain import code_reason
from esja.matching.regions import RegionFits
from esja.matching.text import FieldText, Stems, field_text, normalise_name
from esja.matching.unspsc import ancestors_and_self, normalise_unspsc
from esja.model import Category, Classification, Reason, Scope, Tender, Text


@dataclass(frozen=True, slots=True)
class TenderCode:
    code: str  # normalised: "76111500" → "761115"
    published: str  # as the publisher wrote it, shown in reasons
    description: Text
    covered_by: frozenset[str]  # the code and every code above it: a profile holding one covers it
    reason: Reason  # why a profile covering it is told about the tender


@dataclass(frozen=True, slots=True)
class TenderFeatures:
    tender: Tender
    key: str  # tender.key, computed once
    open: bool  # open for bids at the time the features were computed
    codes: tuple[TenderCode, ...]  # UNSPSC codes, first occurrence of each normalised code
    code_set: frozenset[str]
    covering: frozenset[str]  # every code at or above one of the tender's codes
    fields: tuple[FieldText, ...]  # in the order reasons prefer them: title first
    bilingual_title: bool  # titled in French and in English: a keyword found there may be in one only
    all_stems: Stems
    scope: Scope  # UNKNOWN as well when not inferred, or « regions » without any region
    region_codes: tuple[str, ...]
    category: Category | None
    buyer_keys: frozenset[str]
    value: Decimal | None
    region_fits: RegionFits = field(repr=False, compare=False)  # shared by the tenders in the same place


def is_open(tender: Tender, now: datetime) -> bool:
    """Only an open tender whose closing date has not passed is ever matched."""
    return tender.is_open_at(now)


def tender_features(tender: Tender, now: datetime, fields: tuple[FieldText, ...] | None = None) -> TenderFeatures:
    """The tender as seen at `now` (which decides whether it is still open). `fields`: its
    `searched_fields`, when they were worked out before (esja.matching.recent keeps them)."""
    codes = _classified(tender.classifications)[0]
    if fields is None:
        fields = searched_fields(tender)
    regions = tender.regions
    region_codes = regions.codes if regions is not None else ()
    scope = regions.scope if regions is not None else Scope.UNKNOWN
    scope = Scope.UNKNOWN if scope is Scope.REGIONS and not region_codes else scope
    return TenderFeatures(
        tender=tender,
        key=tender.key,
        open=is_open(tender, now),
        codes=codes,
        code_set=frozenset(c.code for c in codes),
        covering=frozenset().union(*(c.covered_by for c in codes)),
        fields=fields,
        bilingual_title=bool(tender.title.fr and tender.title.en),
        all_stems=frozenset().union(*(f.stems for f in fields)),
        scope=scope,
        region_codes=region_codes,
        category=tender.category,
        buyer_keys=_buyer_keys(tender),
        value=tender.value.amount if tender.value is not None else None,
        region_fits=_region_fits_in(scope, region_codes),
    )


def searched_fields(tender: Tender) -> tuple[FieldText, ...]:
    """The words keywords are looked for in, in the order reasons prefer them: title first."""
    return tuple(
        f
        for f in (
            field_text("title", _texts(tender.title)),
            field_text("description", _texts(tender.description)),
            _classified(tender.classifications)[1],
            field_text("category", list(tender.category_details)),
        )
        if f.sequence
    )


@lru_cache(maxsize=1 << 10)
def _region_fits_in(scope: Scope, region_codes: tuple[str, ...]) -> RegionFits:
    return RegionFits(scope, region_codes)


def _texts(text: Text) -> list[str]:
    return [t for t in (text.fr, text.en) if t]


# Cached: tender after tender names the same codes with the same titles.
@lru_cache(maxsize=1 << 12)
def _classified(classifications: tuple[Classification, ...]) -> tuple[tuple[TenderCode, ...], FieldText]:
    """The UNSPSC codes, and the classification descriptions as a searched field."""
    texts = [t for c in classifications for t in _texts(c.description)]
    return _codes(classifications), field_text("classification", texts)


def _codes(classifications: tuple[Classification, ...]) -> tuple[TenderCode, ...]:
    seen: dict[str, TenderCode] = {}
    for c in classifications:
        if c.scheme.upper() != "UNSPSC":
            continue
        code = normalise_unspsc(c.code)
        if code is not None and code not in seen:
            published = c.code.strip()
            covered_by = frozenset(ancestors_and_self(code))
            seen[code] = TenderCode(code, published, c.description, covered_by, code_reason(published, c.description))
    return tuple(seen.values())


def _buyer_keys(tender: Tender) -> frozenset[str]:
    buyer = tender.buyer
    if buyer is None:
        return frozenset()
    keys = (normalise_name(k) for k in (buyer.id, buyer.name.fr, buyer.name.en) if k)
    return frozenset(k for k in keys if k)
