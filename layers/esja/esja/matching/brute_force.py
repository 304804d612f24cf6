"""Every profile against every tender, one pair at a time: the specification `ProfileIndex` must
reproduce (its test oracle), and the baseline its benchmark is measured against."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from esja.matching.compiled import compile_profile
from esja.matching.features import tender_features
from esja.matching.rules import match_pair
from esja.model import Match, Profile, Tender


def brute_force_match(profiles: Iterable[Profile], tenders: Iterable[Tender], now: datetime) -> list[Match]:
    """All matches, sorted by (tender_key, enterprise_id, profile_id)."""
    compiled = [compile_profile(p) for p in profiles]
    matches: list[Match] = []
    for tender in tenders:
        features = tender_features(tender, now)
        if features.open:  # closed, cancelled or awarded: no pair can match
            matches.extend(m for p in compiled if (m := match_pair(p, features)) is not None)
    return sorted(matches, key=match_order)


def match_order(match: Match) -> tuple[str, str, str]:
    return match.tender_key, match.enterprise_id, match.profile_id
