"""An index of profiles by what can make them match, so a tender costs what its candidates cost.

The index only prunes: it keeps every profile that *could* match (a code at or above a tender code,
or one level below it; the first word of a keyword among the tender's stems; a region and category
that fit) and hands each one to the same `match_profiles` as the brute force. Pruning by region and
category is exact: those sets are built from the same rules as `region_fit`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from esja.matching.compiled import CompiledProfile, compile_profile
from esja.matching.features import TenderFeatures, is_open, tender_features
from esja.matching.regions import ALL_QUEBEC, CANADA, PROFILE_REGION_CODES
from esja.matching.rules import match_profiles
from esja.model import Category, Match, Profile, Scope, Tender


class ProfileIndex:
    """Build once per container (`ProfileIndex.build`), then `match` each tender.

    At 100,000 profiles the index holds a few million objects: a caller keeping it for many tenders
    can `gc.freeze()` after building it, so that the cyclic collector stops rescanning them.
    """

    def __init__(self, compiled: list[CompiledProfile]) -> None:
        # Positions follow (enterprise_id, profile_id), so sorting candidates sorts the matches.
        self._profiles = compiled
        by_code: defaultdict[str, list[int]] = defaultdict(list)
        by_parent: defaultdict[str, list[int]] = defaultdict(list)
        by_stem: defaultdict[str, list[int]] = defaultdict(list)
        by_region: defaultdict[str, set[int]] = defaultdict(set)
        anywhere: set[int] = set()
        quebec: set[int] = set()
        by_category: defaultdict[Category, set[int]] = defaultdict(set)
        any_category: set[int] = set()
        for i, p in enumerate(compiled):
            for code in p.codes:
                by_code[code].append(i)
            for broader in p.parents:
                by_parent[broader].append(i)
            for stem in p.keyword_stems:
                by_stem[stem].append(i)
            if not p.regions:
                anywhere.add(i)
            if not p.regions.isdisjoint(PROFILE_REGION_CODES):
                quebec.add(i)
            for region in p.regions:
                by_region[region].add(i)
            for category in p.categories:
                by_category[category].add(i)
            if not p.categories:
                any_category.add(i)
        self._by_code = {k: tuple(v) for k, v in by_code.items()}
        self._by_parent = {k: tuple(v) for k, v in by_parent.items()}
        self._by_stem = {k: tuple(v) for k, v in by_stem.items()}
        broad = anywhere | by_region[ALL_QUEBEC] | by_region[CANADA]
        self._broad = frozenset(broad)
        self._in_region = {r: frozenset(by_region[r] | broad) for r in by_region}
        self._in_quebec = frozenset(quebec | anywhere)
        self._outside_quebec = frozenset(by_region[CANADA] | anywhere)
        self._in_category = {c: frozenset(by_category[c] | any_category) for c in Category}

    @classmethod
    def build(cls, profiles: Iterable[Profile]) -> ProfileIndex:
        ordered = sorted(profiles, key=lambda p: (p.enterprise_id, p.id))
        return cls([c for c in map(compile_profile, ordered) if c.can_match])

    def __len__(self) -> int:
        return len(self._profiles)

    def match(self, tender: Tender, now: datetime) -> list[Match]:
        """The tender's matches, sorted by (enterprise_id, profile_id)."""
        if not is_open(tender, now):
            return []  # most of a SEAO week: contracts and awards, not worth reading
        features = tender_features(tender, now)
        profiles = self._profiles
        return match_profiles([profiles[i] for i in sorted(self._candidates(features))], features)

    def _candidates(self, f: TenderFeatures) -> set[int]:
        found: set[int] = set()
        for code in f.covering:
            found.update(self._by_code.get(code, ()))
        for code in f.code_set:
            found.update(self._by_parent.get(code, ()))
        for stem in f.all_stems:
            found.update(self._by_stem.get(stem, ()))
        if not found:
            return found
        category = f.category
        if category is not None:
            found &= self._in_category[category]
        return self._in_place(found, f)

    def _in_place(self, found: set[int], f: TenderFeatures) -> set[int]:
        scope = f.scope
        if scope is Scope.REGIONS:
            kept: set[int] = set()
            for code in f.region_codes:
                kept |= found & self._in_region.get(code, self._broad)
            return kept
        if scope is Scope.ALL_QUEBEC:
            return found & self._in_quebec
        if scope is Scope.OUTSIDE_QUEBEC:
            return found & self._outside_quebec
        return found  # Canada-wide or unknown: every region fits
