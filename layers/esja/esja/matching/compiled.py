"""A profile in the form the matcher reads fast: normalised codes, stemmed keywords, sets.

Equal parts are shared between profiles (many profiles name the same regions, codes or keywords):
at 100,000 profiles that saves memory and keeps the parts the matcher reads hot in the CPU cache.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from esja.matching.regions import normalise_region_code
from esja.matching.text import Keyword, compile_keyword, normalise_name
from esja.matching.unspsc import normalise_unspsc, parent
from esja.model import Category, Profile

_SHARED = 1 << 14  # distinct parts kept for sharing; beyond that, parts are rebuilt (same result)


@dataclass(frozen=True, slots=True)
class Codes:
    codes: tuple[str, ...]  # normalised, in the profile's order, without repeats
    code_set: frozenset[str]
    parents: frozenset[str]  # the codes exactly one level above a profile code


@dataclass(frozen=True, slots=True)
class CompiledProfile:
    # What every candidate is checked against comes first: slots are laid out in this order, and
    # these then share a cache line.
    can_match: bool  # an inactive profile, or one with neither a code nor a keyword, never matches
    constrained: bool  # has a category, value or buyer condition
    regions: frozenset[str]
    code_set: frozenset[str]
    parents: frozenset[str]  # the codes exactly one level above a profile code
    keyword_stems: frozenset[str]  # the stems of every keyword's first word: none in a tender, no hit
    excluded: tuple[Keyword, ...]
    enterprise_id: str
    id: str
    codes: tuple[str, ...]  # normalised, in the profile's order, without repeats
    keywords: tuple[Keyword, ...]
    categories: frozenset[Category]
    has_band: bool  # a minimum or maximum value was given
    min_value: Decimal  # -Infinity when not given
    max_value: Decimal  # Infinity when not given
    buyers_allow: frozenset[str]
    buyers_deny: frozenset[str]
    profile: Profile


def compile_profile(profile: Profile) -> CompiledProfile:
    codes = _codes(profile.unspsc)
    keywords = _keywords(profile.keywords)
    return CompiledProfile(
        profile=profile,
        enterprise_id=profile.enterprise_id,
        id=sys.intern(profile.id),  # « menage », « default »… repeat across enterprises: one string, read hot
        codes=codes.codes,
        code_set=codes.code_set,
        parents=codes.parents,
        keywords=keywords,
        keyword_stems=_first_stems(keywords),
        excluded=_keywords(profile.excluded),
        regions=_regions(profile.regions),
        categories=_categories(profile.categories),
        has_band=profile.min_value is not None or profile.max_value is not None,
        min_value=_NO_MINIMUM if profile.min_value is None else profile.min_value,
        max_value=_NO_MAXIMUM if profile.max_value is None else profile.max_value,
        buyers_allow=_names(profile.buyers_allow),
        buyers_deny=_names(profile.buyers_deny),
        can_match=profile.active and bool(codes.codes or keywords),
        constrained=bool(profile.categories or profile.buyers_allow or profile.buyers_deny)
        or profile.min_value is not None
        or profile.max_value is not None,
    )


_NO_MINIMUM, _NO_MAXIMUM = Decimal("-Infinity"), Decimal("Infinity")


@lru_cache(maxsize=_SHARED)
def _codes(raw: tuple[str, ...]) -> Codes:
    codes = tuple(dict.fromkeys(c for c in map(normalise_unspsc, raw) if c is not None))
    parents = frozenset(p for p in map(parent, codes) if p is not None)
    return Codes(codes, frozenset(codes), parents)


@lru_cache(maxsize=_SHARED)
def _keywords(raw: tuple[str, ...]) -> tuple[Keyword, ...]:
    # The same words written twice (« Entretien », « entretien ») count once.
    unique: dict[tuple[frozenset[str], ...], Keyword] = {}
    for keyword in map(compile_keyword, raw):
        if keyword is not None:
            unique.setdefault(keyword.words, keyword)
    return tuple(unique.values())


@lru_cache(maxsize=_SHARED)
def _first_stems(keywords: tuple[Keyword, ...]) -> frozenset[str]:
    return frozenset().union(*(k.words[0] for k in keywords))


@lru_cache(maxsize=_SHARED)
def _regions(raw: tuple[str, ...]) -> frozenset[str]:
    # A code the matcher does not know is kept as written: it can still meet a Canada-wide tender.
    return frozenset(normalise_region_code(r) or r.strip().upper() for r in raw)


@lru_cache(maxsize=64)
def _categories(raw: tuple[Category, ...]) -> frozenset[Category]:
    return frozenset(raw)


@lru_cache(maxsize=_SHARED)
def _names(raw: tuple[str, ...]) -> frozenset[str]:
    return frozenset(n for n in map(normalise_name, raw) if n)
