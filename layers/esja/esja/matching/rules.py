"""The matching rules: whether one profile matches one tender, with its score and reasons.

`match_pair` states them plainly for one pair: it is the specification, which `brute_force_match`
applies to every pair and the tests hold `ProfileIndex` to. `match_found` applies the same parts
to the candidates the index found, working out what candidates share once per tender.

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

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from operator import attrgetter

from esja.matching.compiled import CompiledProfile, Conditions, compile_profile
from esja.matching.explain import (
    buyer_reason,
    category_reason,
    keyword_reason,
    related_code_reason,
    value_reason,
)
from esja.matching.features import TenderFeatures
from esja.matching.regions import region_fit
from esja.matching.text import Keyword, title_language
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


Hits = tuple[int, tuple[Reason, ...]]  # what a profile's codes or keywords find: tenths of a point, reasons
KeywordHit = tuple[int, Reason]  # one keyword found: tenths of a point, and where
_NO_HITS: Hits = (0, ())
# Sentinels for memos where None is a value: nothing is ever found or decided with these.
_UNSEEN: KeywordHit = (-1, Reason("keyword", "", ""))
_UNSEEN_CONDITIONS: tuple[Reason, ...] = (Reason("region", "", ""),)

# Matches are built from a tuple of their fields, in C: `Match(...)` would first call the named tuple's
# Python __new__ (0.05 s of a week matched against 100,000 profiles).
if Match._fields != ("enterprise_id", "profile_id", "tender_key", "score", "reasons"):
    raise ImportError("esja.model.Match changed: update how esja.matching.rules builds it")
_new_match = partial(tuple.__new__, Match)
_enterprise_id = attrgetter("enterprise_id")


def match_one(profile: Profile, tender: Tender, features: TenderFeatures) -> Match | None:
    """`features` come from `tender_features(tender, now)`."""
    if features.tender is not tender:
        raise ValueError("features were computed for another tender")
    return match_pair(compile_profile(profile), features)


def match_pair(p: CompiledProfile, f: TenderFeatures) -> Match | None:
    """The rules, applied to one pair and nothing else: what every faster way must reproduce."""
    if not (f.open and p.can_match):
        return None
    code_tenths, code_reasons = _code_hits(p, f)
    keyword_tenths, keyword_reasons = _keyword_hits(p.keywords, f)
    if not (code_reasons or keyword_reasons):
        return None
    fit = region_fit(p.regions, f.scope, f.region_codes)
    c = p.conditions
    if fit is None or (c is not None and not _conditions_met(c, f)) or _excluded(p.excluded, f):
        return None
    reasons = code_reasons + keyword_reasons + fit.reasons + (_condition_reasons(c, f) if c is not None else ())
    return Match(p.enterprise_id, p.id, f.key, (code_tenths + keyword_tenths + fit.tenths) / 10, reasons)


@dataclass(frozen=True, slots=True)
class Found:
    """The candidates for a tender (positions in a list of profiles), by what found them: a code at or
    above a tender code, a code one level below one, or a keyword's first word among the tender's stems.

    Each set holds exactly the candidates with such a code or keyword, so that a part which found
    nothing is not even read: `ProfileIndex` knows them from the lists it read, for free.
    """

    covering: set[int]
    related: set[int]
    by_keyword: set[int]

    def positions(self) -> list[int]:
        """Every candidate once, in no particular order."""
        return list(self.covering | self.related | self.by_keyword)


def match_found(profiles: Sequence[CompiledProfile], found: Found, f: TenderFeatures) -> list[Match]:
    """`match_pair` for each candidate `found` in `profiles` (all of which `can_match`): the matches, in
    no particular order."""
    matches: list[Match] = []
    if not f.open:
        return matches
    # What codes, keywords, regions or conditions find depends on them alone, and the candidates of a
    # tender share a few hundred of each: worked out once per tender. Keywords and exclusions go by
    # identity (a tuple of them hashes slowly): `profiles` keeps every one alive, so no id is reused.
    fits, key = f.region_fits, f.key
    code_memo: dict[frozenset[str], Hits] = {}
    keyword_memo: dict[int, Hits] = {}
    found_keywords: dict[int, KeywordHit | None] = {}
    excluded_memo: dict[int, bool] = {}
    condition_memo: dict[Conditions, tuple[Reason, ...] | None] = {}  # None: not met
    covering, related, by_keyword = found.covering, found.related, found.by_keyword
    # Most tenders name one code: what `_code_hits` finds for every profile covering it.
    sole_code: Hits | None = (CODE_SCORE, (f.codes[0].reason,)) if len(f.codes) == 1 else None
    # Fetched in C first: the profiles lie all over a large heap, and a C loop overlaps the cache misses
    # that a Python loop would wait for one at a time (0.08 s of a week against 100,000 profiles).
    positions = found.positions()
    candidates = list(map(profiles.__getitem__, positions))
    for i, p, enterprise_id in zip(positions, candidates, list(map(_enterprise_id, candidates)), strict=True):
        if (c := p.conditions) is None:
            conditions: tuple[Reason, ...] | None = ()
        elif (conditions := condition_memo.get(c, _UNSEEN_CONDITIONS)) is _UNSEEN_CONDITIONS:
            conditions = condition_memo[c] = _condition_reasons(c, f) if _conditions_met(c, f) else None
        if conditions is None:
            continue
        fit = fits[p.regions]
        if fit is None:
            continue
        if sole_code is not None and i in covering:
            tenths, reasons = sole_code
        elif i in covering or i in related:
            code_hits = code_memo.get(p.code_set)
            if code_hits is None:
                code_hits = code_memo[p.code_set] = _code_hits(p, f)
            tenths, reasons = code_hits
        else:
            tenths, reasons = _NO_HITS
        if i in by_keyword:
            keyword_hits = keyword_memo.get(id(p.keywords))
            if keyword_hits is None:
                keyword_hits = keyword_memo[id(p.keywords)] = _keyword_hits(p.keywords, f, found_keywords)
            tenths += keyword_hits[0]
            reasons += keyword_hits[1]
        if not reasons:
            continue
        if p.excluded:
            vetoed = excluded_memo.get(id(p.excluded))
            if vetoed is None:
                vetoed = excluded_memo[id(p.excluded)] = _excluded(p.excluded, f)
            if vetoed:
                continue
        reasons += fit.reasons
        if conditions:
            reasons += conditions
        matches.append(_new_match((enterprise_id, p.id, key, (tenths + fit.tenths) / 10, reasons)))
    return matches


def _conditions_met(c: Conditions, f: TenderFeatures) -> bool:
    category, value = f.category, f.value
    if category is not None and c.categories and category not in c.categories:
        return False
    if value is not None and c.has_band and not c.min_value <= value <= c.max_value:
        return False
    if c.buyers_deny and not c.buyers_deny.isdisjoint(f.buyer_keys):
        return False
    return not (c.buyers_allow and c.buyers_allow.isdisjoint(f.buyer_keys))


def _condition_reasons(c: Conditions, f: TenderFeatures) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    if f.category is not None and c.categories:
        reasons.append(category_reason(f.category))
    if f.value is not None and c.has_band:
        reasons.append(value_reason(f.value))
    if c.buyers_allow and f.tender.buyer is not None:
        name = f.tender.buyer.name
        reasons.append(buyer_reason(name.fr or name.en or "", name.en or name.fr or ""))
    return tuple(reasons)


def _code_hits(p: CompiledProfile, f: TenderFeatures) -> Hits:
    """A profile code at or above a tender code covers it; one level below it is « related »."""
    # Nothing is allocated until something is found: most pairs the brute force sees find nothing.
    profile_codes, tenths = p.code_set, 0
    reasons: tuple[Reason, ...] = ()
    for code in f.codes:
        if not profile_codes.isdisjoint(code.covered_by):
            reasons += (code.reason,)
            tenths = CODE_SCORE
        elif code.code in p.parents:
            beneath = min(c for c in profile_codes if parent(c) == code.code)
            reasons += (related_code_reason(code.published, code.description, beneath),)
            tenths = max(tenths, RELATED_CODE_SCORE)
    return (tenths, reasons) if reasons else _NO_HITS


def _keyword_hits(
    keywords: tuple[Keyword, ...], f: TenderFeatures, memo: dict[int, KeywordHit | None] | None = None
) -> Hits:
    """The best keyword found, plus a little for each other one. `memo` keeps what each keyword finds in
    the tender, by identity (the caller keeps the keywords alive)."""
    best, found = 0, 0
    reasons: tuple[Reason, ...] = ()
    for keyword in keywords:
        if memo is None:
            hit = _keyword_found(keyword, f)
        elif (hit := memo.get(id(keyword), _UNSEEN)) is _UNSEEN:
            hit = memo[id(keyword)] = _keyword_found(keyword, f)
        if hit is not None:
            found += 1
            best = max(best, hit[0])
            reasons += (hit[1],)
    if not found:
        return _NO_HITS
    return best + EXTRA_KEYWORD_SCORE * min(found - 1, MAX_EXTRA_KEYWORDS), reasons


def _keyword_found(keyword: Keyword, f: TenderFeatures) -> KeywordHit | None:
    """Where the keyword is first found (title first): tenths of a point, and the reason."""
    first = keyword.words[0]
    if f.all_stems.isdisjoint(first) or (keyword.is_phrase and not keyword.in_stems(f.all_stems)):
        return None
    for field in f.fields:
        if keyword.found_in(field) if keyword.is_phrase else not field.stems.isdisjoint(first):
            where = field.where
            tenths = TITLE_KEYWORD_SCORE if where == "title" else OTHER_KEYWORD_SCORE
            if where == "title" and f.bilingual_title:
                where = title_language(keyword, f.tender.title)
            return tenths + PHRASE_BONUS if keyword.is_phrase else tenths, keyword_reason(keyword.text, where)
    return None


def _excluded(excluded: tuple[Keyword, ...], f: TenderFeatures) -> bool:
    return any(k.in_stems(f.all_stems) and any(k.found_in(field) for field in f.fields) for k in excluded)
