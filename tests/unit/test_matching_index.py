"""The profile index finds exactly what the brute force finds: same matches, scores, reasons, order."""

from __future__ import annotations

import random

from hypothesis import event, given, settings
from hypothesis import strategies as st

from esja.matching.brute_force import brute_force_match, match_order
from esja.matching.features import tender_features
from esja.matching.index import ProfileIndex
from esja.matching.rules import match_one
from esja.model import Category, Classification, Match, Profile, RegionEvidence, Regions, Scope, Status, Tender, Text
from tests.matching_strategies import (
    CODES,
    KEYWORDS,
    NOW,
    PROFILE_REGIONS,
    TENDER_REGIONS,
    WORDS,
    profiles,
    tenders,
)


def indexed(profile_list: list[Profile], tender_list: list[Tender]) -> list[Match]:
    index = ProfileIndex.build(profile_list)
    return sorted((m for t in tender_list for m in index.match(t, NOW)), key=match_order)


def one_by_one(profile_list: list[Profile], tender_list: list[Tender]) -> list[Match]:
    """Each pair on its own, with fresh features: nothing shared between profiles of a tender."""
    pairs = (match_one(p, t, tender_features(t, NOW)) for t in tender_list for p in profile_list)
    return sorted((m for m in pairs if m is not None), key=match_order)


@settings(max_examples=300, deadline=None)
# An enterprise's profiles have distinct ids (the Enterprises table's key): two with one id are no population.
@given(
    st.lists(profiles, min_size=1, max_size=12, unique_by=lambda p: (p.enterprise_id, p.id)),
    st.lists(tenders, min_size=1, max_size=6),
)
def test_index_finds_exactly_what_brute_force_finds(profile_list: list[Profile], tender_list: list[Tender]) -> None:
    expected = brute_force_match(profile_list, tender_list, NOW)
    event(f"matches: {min(len(expected), 5)}{'+' if len(expected) >= 5 else ''}")
    assert indexed(profile_list, tender_list) == expected
    assert one_by_one(profile_list, tender_list) == expected


def test_index_agrees_with_brute_force_on_a_larger_random_population() -> None:
    rng = random.Random(20260921)
    profile_list = [
        Profile(
            enterprise_id=f"e{i % 97}",
            id=f"p{i}",
            unspsc=tuple(rng.sample(CODES, rng.randint(0, 2))),
            keywords=tuple(rng.sample(KEYWORDS, rng.randint(0, 2))),
            regions=tuple(rng.sample(PROFILE_REGIONS, rng.randint(0, 2))),
            categories=tuple(rng.sample(list(Category), rng.randint(0, 1))),
        )
        for i in range(400)
    ]
    tender_list = [
        Tender(
            source="seao",
            native_id=f"t{i}",
            revision="1",
            title=Text(" ".join(rng.choices(WORDS, k=5))),
            status=Status.OPEN,
            classifications=(Classification("UNSPSC", rng.choice(CODES)),),
            category=rng.choice([None, *Category]),
            regions=Regions(Scope.REGIONS, (RegionEvidence(rng.choice(TENDER_REGIONS), "test", 1.0),)),
        )
        for i in range(150)
    ]
    expected = brute_force_match(profile_list, tender_list, NOW)
    assert len(expected) > 100
    assert indexed(profile_list, tender_list) == expected


def test_index_skips_profiles_that_can_never_match() -> None:
    index = ProfileIndex.build(
        [
            Profile("a", "inactive", keywords=("entretien",), active=False),
            Profile("a", "empty"),
            Profile("a", "stop-words-only", keywords=("de la",)),
            Profile("a", "ok", unspsc=("7611",)),
        ]
    )
    assert len(index) == 1
