"""Does a tender's place fit the regions a profile asked for, and how to say so.

A profile lists official administrative region codes ("01"–"17"), "QC" (all of Québec) or "CA"
(Canada-wide); no region at all means anywhere. A tender whose place could not be inferred
still matches, and the reason says so rather than guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache

from esja.geo.regions import all_regions, region_name
from esja.model import Reason, Scope

ALL_QUEBEC = "QC"
CANADA = "CA"
PROFILE_REGION_CODES = frozenset(r.code for r in all_regions()) | {ALL_QUEBEC, CANADA}

# In tenths of a point (see esja.matching.rules): a region the profile names ranks above a match
# through a province- or country-wide scope.
SPECIFIC_REGION_SCORE = 2
BROAD_REGION_SCORE = 1


@dataclass(frozen=True, slots=True)
class RegionFit:
    tenths: int
    reasons: tuple[Reason, ...]  # none when the profile takes any region


UNKNOWN_FIT = RegionFit(0, (Reason("region-unknown", "région non précisée", "region not specified"),))
ANYWHERE_FIT = RegionFit(0, ())


def region_fit(wanted: frozenset[str], scope: Scope, codes: tuple[str, ...]) -> RegionFit | None:
    """How a tender's place (`scope`, and `codes` for « regions ») fits the profile's `wanted` codes;
    None when it does not."""
    if not wanted:
        return ANYWHERE_FIT
    if scope is Scope.REGIONS:
        if not codes:
            return UNKNOWN_FIT
        named = tuple(c for c in codes if c in wanted)
        if named:
            return RegionFit(SPECIFIC_REGION_SCORE, (_regions_reason(named),))
        if ALL_QUEBEC in wanted or CANADA in wanted:
            return RegionFit(BROAD_REGION_SCORE, (_regions_reason(codes),))
        return None
    if scope is Scope.ALL_QUEBEC:
        return _ALL_QUEBEC_FIT if not wanted.isdisjoint(PROFILE_REGION_CODES) else None
    if scope is Scope.CANADA:
        return _CANADA_FIT
    if scope is Scope.OUTSIDE_QUEBEC:
        return _OUTSIDE_FIT if CANADA in wanted else None
    return UNKNOWN_FIT


class RegionFits(dict[frozenset[str], RegionFit | None]):
    """How one place fits each profile region set asked about, worked out on first demand: thousands of
    candidate profiles share a few hundred region sets, and every tender in that place shares these."""

    def __init__(self, scope: Scope, codes: tuple[str, ...]) -> None:
        super().__init__()
        self.scope, self.codes = scope, codes

    def __missing__(self, wanted: frozenset[str]) -> RegionFit | None:
        fit = self[wanted] = region_fit(wanted, self.scope, self.codes)
        return fit


def serves_any(served: Collection[str], covers: Callable[[str], bool]) -> bool:
    """An enterprise serving these regions is the concern of whoever covers one of them — of everyone when it
    serves all of Québec or Canada, or says nothing (Organizer.covers_enterprise, Actor.covers_enterprise)."""
    return not served or ALL_QUEBEC in served or CANADA in served or any(map(covers, served))


def covers_every_region(regions: Collection[str]) -> bool:
    """Whoever lists no region, or all of Québec, answers for every region (an organizer: Actor.covers_all; the
    organizers a request to join is told to)."""
    return not regions or ALL_QUEBEC in regions


def normalise_region_code(raw: str) -> str | None:
    """ "1", " qc " → "01", "QC" (spreadsheets drop leading zeros); None if not a profile region code."""
    code = raw.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    return code if code in PROFILE_REGION_CODES else None


@lru_cache(maxsize=4096)
def _regions_reason(codes: tuple[str, ...]) -> Reason:
    fr = ", ".join(region_name(c, "fr") for c in codes)
    en = ", ".join(region_name(c, "en") for c in codes)
    plural = len(codes) > 1
    return Reason("region", f"région{'s' if plural else ''} {fr}", f"region{'s' if plural else ''} {en}")


_ALL_QUEBEC_FIT = RegionFit(BROAD_REGION_SCORE, (Reason("region", "tout le Québec", "all of Québec"),))
_CANADA_FIT = RegionFit(BROAD_REGION_SCORE, (Reason("region", "partout au Canada", "anywhere in Canada"),))
_OUTSIDE_FIT = RegionFit(BROAD_REGION_SCORE, (Reason("region", "hors Québec", "outside Québec"),))
