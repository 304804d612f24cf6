"""An index of profiles by what can make them match, so a tender costs what its candidates cost.

The index only prunes: it keeps every profile that *could* match (a code at or above a tender code,
or one level below it, or the first word of a keyword among the tender's stems, named by a profile
whose regions fit the tender's place) and hands each one to `match_found`, saying which of its parts
found it; `match_found` applies the rules of `match_pair`, which the brute force applies to every pair.
Each list of profiles is split by the regions they name, so a tender reads only the lists of the places
it fits: that pruning is exact, as `tender_places` follows the rules of `region_fit`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from esja.matching.compiled import CompiledProfile, compile_profile
from esja.matching.features import TenderFeatures, is_open, tender_features
from esja.matching.regions import ALL_QUEBEC, CANADA, PROFILE_REGION_CODES
from esja.matching.rules import Found, match_found
from esja.model import Match, Profile, Scope, Tender

# Where a profile is filed: each region it names (as compiled), or ANYWHERE when it names none.
Place = str | None
ANYWHERE: Place = None
_IN_QUEBEC: tuple[Place, ...] = (*sorted(PROFILE_REGION_CODES), ANYWHERE)
_OUTSIDE_QUEBEC: tuple[Place, ...] = (CANADA, ANYWHERE)

# A term (a code, or a keyword's first stem) → place → positions of the profiles filed there, as tuples that
# share one int object per position: a set filled from them allocates nothing (machine integers, which a
# set turns into a new int object each, cost 0.015 s more a week against 100,000 profiles).
Postings = dict[str, dict[Place, tuple[int, ...]]]
Filing = defaultdict[str, defaultdict[Place, list[int]]]  # postings while they are filled in


class ProfileIndex:
    """Build once per container (`ProfileIndex.build`), then `match` each tender.

    At 100,000 profiles the index holds a few million objects: a caller keeping it for many tenders
    can `gc.freeze()` after building it, so that the cyclic collector stops rescanning them.
    """

    def __init__(self, compiled: list[CompiledProfile]) -> None:
        self._profiles = compiled
        by_code: Filing = defaultdict(_places_filed)
        by_parent: Filing = defaultdict(_places_filed)
        by_stem: Filing = defaultdict(_places_filed)
        for i, p in enumerate(compiled):  # one int object per position, in every list that files it
            places = filed_under(p)
            for filing, terms in ((by_code, p.codes), (by_parent, p.parents), (by_stem, p.keyword_stems)):
                for term in terms:
                    by_place = filing[term]
                    for place in places:
                        by_place[place].append(i)
        self._by_code, self._by_parent, self._by_stem = map(_frozen, (by_code, by_parent, by_stem))

    @classmethod
    def build(cls, profiles: Iterable[Profile]) -> ProfileIndex:
        # Whatever order the store lists them in, the same profiles give the same index.
        ordered = sorted(profiles, key=lambda p: (p.enterprise_id, p.id))
        return cls([c for c in map(compile_profile, ordered) if c.can_match])

    def __len__(self) -> int:
        return len(self._profiles)

    def match(self, tender: Tender, now: datetime) -> list[Match]:
        """The tender's matches, in no particular order."""
        if not is_open(tender, now):
            return []  # most of a SEAO week: contracts and awards, not worth reading
        return self.match_features(tender_features(tender, now))

    def match_features(self, features: TenderFeatures) -> list[Match]:
        """`match` for a tender whose features were worked out before (esja.matching.recent keeps them)."""
        return match_found(self._profiles, self._found(features), features)

    def _found(self, f: TenderFeatures) -> Found:
        places = tender_places(f.scope, f.region_codes)
        found = Found(set(), set(), set())
        searches = (
            (self._by_code, f.covering, found.covering),
            (self._by_parent, f.code_set, found.related),
            (self._by_stem, f.all_stems, found.by_keyword),
        )
        for postings, terms, positions in searches:
            # Whichever side is smaller is walked: a tender's hundreds of words against a few profiles'
            # terms (a profile's live preview), or against the terms of 100,000 profiles.
            for term in terms if len(terms) <= len(postings) else postings.keys() & terms:
                by_place = postings.get(term)
                if by_place is None:
                    continue
                if places is None:
                    for filed in by_place.values():
                        positions.update(filed)
                else:
                    for place in places:
                        positions.update(by_place.get(place, ()))
        return found


def filed_under(p: CompiledProfile) -> Iterable[Place]:
    """Where a profile is filed: each region it names, or ANYWHERE."""
    return p.regions or (ANYWHERE,)


def tender_places(scope: Scope, region_codes: tuple[str, ...]) -> tuple[Place, ...] | None:
    """Where the profiles whose regions fit a tender's place (its features' `scope` and `region_codes`)
    are filed; None: everywhere."""
    if scope is Scope.REGIONS:
        return (*region_codes, ALL_QUEBEC, CANADA, ANYWHERE)
    if scope is Scope.ALL_QUEBEC:
        return _IN_QUEBEC
    if scope is Scope.OUTSIDE_QUEBEC:
        return _OUTSIDE_QUEBEC
    return None  # Canada-wide or unknown: every region fits


def _places_filed() -> defaultdict[Place, list[int]]:
    return defaultdict(list)


def _frozen(filing: Filing) -> Postings:
    return {term: {place: tuple(filed) for place, filed in by_place.items()} for term, by_place in filing.items()}
