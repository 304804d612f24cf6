"""The matching rules: whether one profile matches one tender, with its score and reasons.

This is the one implementation of the semantics; `brute_force_match` applies it to every pair,
`ProfileIndex` only to the pairs its index cannot rule out.

A profile matches an open tender (status open, closing date not yet passed) when:
  - one of its UNSPSC codes covers a tender code (same code or broader), or is exactly one level
    narrower than it (a weaker « related » match, whose reason names the profile's smallest such
    code), OR one of its keywords is found in the title,
    description, classification descriptions or category details;
  - and the region fits (see esja.matching.regions), the category is one asked for (or either side
    says nothing), the stated value lies in the band (no value stated: no test), the buyer is on the
    allow list if there is one and not on the deny list;
  - and no excluded word or phrase appears anywhere in those fields.

Score (higher first in an alert; counted in tenths, so it is exact and deterministic):
    code      1.0 if a code covers the tender's, else 0.5 for a related code
  + keyword   0.8 for the best keyword found in the title, 0.5 elsewhere, +0.1 if it is a phrase,
              +0.1 for each further keyword found (at most +0.3)
  + region    0.2 when a region the profile names, 0.1 through « QC », « CA » or a province- or
              Canada-wide tender, 0 when unknown or when the profile takes any region.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields

from esja.matching.compiled import CompiledProfile, compile_profile
from esja.matching.explain import (
    buyer_reason,
    category_reason,
    keyword_reason,
    related_code_reason,
    value_reason,
)
from esja.matching.features import TenderFeatures
from esja.matching.regions import RegionFit, region_fit
from esja.matching.text import Keyword
from esja.matching.unspsc import parent
from esja.model import Match, Profile, Reason, Tender

# In tenths of a point.
CODE_SCORE = 10
RELATED_CODE_SCORE = 5
TITLE_KEYWORD_SCORE = 8
OTHER_KEYWORD_SCORE = 5
PHRASE_BONUS = 1
EXTRA_KEYWORD_SCORE = 1
MAX_EXTRA_KEYWORDS = 3


_UNSEEN = RegionFit(-1, ())  # a sentinel: region_fit never returns it

# A frozen dataclass's __init__ calls object.__setattr__ once per field; setting the slots directly
# builds the very same Match in half the time (0.3 s of a week matched against 100,000 profiles).
_MATCH_FIELDS = ("enterprise_id", "profile_id", "tender_key", "score", "reasons")
if tuple(f.name for f in fields(Match)) != _MATCH_FIELDS:
    raise ImportError("esja.model.Match changed: update how esja.matching.rules builds it")
_new = object.__new__
_set_enterprise, _set_profile, _set_tender, _set_score, _set_reasons = (
    getattr(Match, name).__set__ for name in _MATCH_FIELDS
)


def match_one(profile: Profile, tender: Tender, features: TenderFeatures) -> Match | None:
    """`features` come from `tender_features(tender, now)`."""
    if features.tender is not tender:
        raise ValueError("features were computed for another tender")
    matches = match_profiles((compile_profile(profile),), features)
    return matches[0] if matches else None


def match_profiles(profiles: Iterable[CompiledProfile], f: TenderFeatures) -> list[Match]:
    """The matches of one tender among `profiles`, in their order."""
    matches: list[Match] = []
    if not f.open:
        return matches
    fits, key, all_stems, covering, tender_codes = f.region_fits, f.key, f.all_stems, f.covering, f.code_set
    for p in profiles:
        # Cheap refusals first: most pairs the brute force sees end here.
        if not p.can_match or (p.constrained and not _conditions_met(p, f)):
            continue
        fit = fits.get(p.regions, _UNSEEN)
        if fit is _UNSEEN:
            fit = fits[p.regions] = region_fit(p.regions, f.scope, f.region_codes)
        if fit is None:
            continue

        reasons: list[Reason] = []
        tenths = 0
        if not (p.code_set.isdisjoint(covering) and p.parents.isdisjoint(tender_codes)):
            tenths = _code_hits(p, f, reasons)
        if not all_stems.isdisjoint(p.keyword_stems):
            tenths += _keyword_hits(p.keywords, f, reasons)
        if not reasons or (p.excluded and _excluded(p.excluded, f)):
            continue
        reasons += fit.reasons
        if p.constrained:
            _add_condition_reasons(p, f, reasons)
        match = _new(Match)
        _set_enterprise(match, p.enterprise_id)
        _set_profile(match, p.id)
        _set_tender(match, key)
        _set_score(match, (tenths + fit.tenths) / 10)
        _set_reasons(match, tuple(reasons))
        matches.append(match)
    return matches


def _conditions_met(p: CompiledProfile, f: TenderFeatures) -> bool:
    category, value = f.category, f.value
    if category is not None and p.categories and category not in p.categories:
        return False
    if value is not None and p.has_band and not p.min_value <= value <= p.max_value:
        return False
    if p.buyers_deny and not p.buyers_deny.isdisjoint(f.buyer_keys):
        return False
    return not (p.buyers_allow and p.buyers_allow.isdisjoint(f.buyer_keys))


def _add_condition_reasons(p: CompiledProfile, f: TenderFeatures, reasons: list[Reason]) -> None:
    if f.category is not None and p.categories:
        reasons.append(category_reason(f.category))
    if f.value is not None and p.has_band:
        reasons.append(value_reason(f.value))
    if p.buyers_allow and f.tender.buyer is not None:
        name = f.tender.buyer.name
        reasons.append(buyer_reason(name.fr or name.en or "", name.en or name.fr or ""))


def _code_hits(p: CompiledProfile, f: TenderFeatures, reasons: list[Reason]) -> int:
    """A profile code at or above a tender code covers it; one level below it is « related »."""
    profile_codes, tenths = p.code_set, 0
    for code in f.codes:
        if not profile_codes.isdisjoint(code.covered_by):
            reasons.append(code.reason)
            tenths = CODE_SCORE
        elif code.code in p.parents:
            beneath = min(c for c in profile_codes if parent(c) == code.code)
            reasons.append(related_code_reason(code.published, code.description, beneath))
            tenths = max(tenths, RELATED_CODE_SCORE)
    return tenths


def _keyword_hits(keywords: tuple[Keyword, ...], f: TenderFeatures, reasons: list[Reason]) -> int:
    best, found = 0, 0
    all_stems = f.all_stems
    for keyword in keywords:
        first = keyword.words[0]
        if all_stems.isdisjoint(first) or (keyword.is_phrase and not keyword.in_stems(all_stems)):
            continue
        for field in f.fields:
            if keyword.found_in(field) if keyword.is_phrase else not field.stems.isdisjoint(first):
                found += 1
                reasons.append(keyword_reason(keyword.text, field.where))
                tenths = TITLE_KEYWORD_SCORE if field.where == "title" else OTHER_KEYWORD_SCORE
                best = max(best, tenths + PHRASE_BONUS if keyword.is_phrase else tenths)
                break
    if not found:
        return 0
    return best + EXTRA_KEYWORD_SCORE * min(found - 1, MAX_EXTRA_KEYWORDS)


def _excluded(excluded: tuple[Keyword, ...], f: TenderFeatures) -> bool:
    return any(k.in_stems(f.all_stems) and any(k.found_in(field) for field in f.fields) for k in excluded)
