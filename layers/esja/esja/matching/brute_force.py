"""Every profile against every tender: the specification `ProfileIndex` must reproduce (its test oracle)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from esja.matching.compiled import compile_profile
from esja.matching.features import tender_features
from esja.matching.rules import match_profiles
from esja.model import Match, Profile, Tender


def brute_force_match(profiles: Iterable[Profile], tenders: Iterable[Tender], now: datetime) -> list[Match]:
    """All matches, sorted by (tender_key, enterprise_id, profile_id)."""
    compiled = [compile_profile(p) for p in profiles]
    matches = []
    for tender in tenders:
        matches.extend(match_profiles(compiled, tender_features(tender, now)))
    return sorted(matches, key=match_order)


def match_order(match: Match) -> tuple[str, str, str]:
    return match.tender_key, match.enterprise_id, match.profile_id
