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


@dataclass(frozen=True, slots=True, eq=False)
class Conditions:
    """A profile's category, value and buyer conditions. Profiles with the same ones share one object,
    compared by identity, so that the matcher works out what it decides once per tender."""

    categories: frozenset[Category]
    has_band: bool  # a minimum or maximum value was given
    min_value: Decimal  # -Infinity when not given
    max_value: Decimal  # Infinity when not given
    buyers_allow: frozenset[str]
    buyers_deny: frozenset[str]


@dataclass(frozen=True, slots=True)
class CompiledProfile:
    # What every candidate is checked against comes first: slots are laid out in this order, and
    # these then share a cache line.
    can_match: bool  # an inactive profile, or one with neither a code nor a keyword, never matches
    conditions: Conditions | None  # None: no category, value or buyer condition
    regions: frozenset[str]
    code_set: frozenset[str]
    parents: frozenset[str]  # the codes exactly one level above a profile code
    keyword_stems: frozenset[str]  # the stems of every keyword's first word: none in a tender, no hit
    excluded: tuple[Keyword, ...]
    enterprise_id: str
    id: str
    codes: tuple[str, ...]  # normalised, in the profile's order, without repeats
    keywords: tuple[Keyword, ...]
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
        conditions=_conditions(
            profile.categories, profile.min_value, profile.max_value, profile.buyers_allow, profile.buyers_deny
        ),
        can_match=profile.active and bool(codes.codes or keywords),
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


@lru_cache(maxsize=_SHARED)
def _conditions(
    categories: tuple[Category, ...],
    min_value: Decimal | None,
    max_value: Decimal | None,
    buyers_allow: tuple[str, ...],
    buyers_deny: tuple[str, ...],
) -> Conditions | None:
    if not (categories or buyers_allow or buyers_deny) and min_value is None and max_value is None:
        return None
    return Conditions(
        categories=frozenset(categories),
        has_band=min_value is not None or max_value is not None,
        min_value=_NO_MINIMUM if min_value is None else min_value,
        max_value=_NO_MAXIMUM if max_value is None else max_value,
        buyers_allow=_names(buyers_allow),
        buyers_deny=_names(buyers_deny),
    )


def _names(raw: tuple[str, ...]) -> frozenset[str]:
    return frozenset(n for n in map(normalise_name, raw) if n)
