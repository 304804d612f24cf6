"""« Aperçu »: what a profile being edited would have matched over the last 60 days of stored tenders,
open and closed, with the reasons — and how that differs from the saved profile: the tenders it would
gain and those it would lose. Before anything is saved.

The matches are those `match_tenders` recorded, or would have: the snapshot of recent tenders
(esja.matching.recent) runs the profile index alerts are sent from on each tender as it was when first
seen open. A paused profile is previewed as if it were resumed (and the page says it is paused). A
profile that would match nothing, or more than the digest calls flooded, is told so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from esja.enterprise_space.profiles import EnterpriseProfiles, Form, Refused
from esja.errors import StoreError
from esja.matching.compiled import compile_profile
from esja.matching.recent import WINDOW, RecentTender, RecentTenders
from esja.matching.unspsc import ancestors_and_self, normalise_unspsc
from esja.model import FLOOD_THRESHOLD, Match, Profile, Reason, Text
from esja.people.actor import Actor

MAX_SUGGESTIONS = 8


class Change(StrEnum):
    KEPT = "kept"  # the saved profile matches it too
    GAINED = "gained"  # only the profile being edited
    LOST = "lost"  # only the saved profile


class Breadth(StrEnum):
    FITTING = "fitting"
    NOTHING = "nothing"  # no tender in 60 days
    TOO_BROAD = "too-broad"  # more a week, on average, than the digest calls flooded


@dataclass(frozen=True, slots=True)
class PreviewedTender:
    tender: RecentTender
    score: float
    reasons: tuple[Reason, ...]
    change: Change


@dataclass(frozen=True, slots=True)
class CodeSuggestion:
    """A code the tenders found by the profile's keywords carry, that its codes do not cover."""

    code: str  # at its own level
    given: Text  # the publishers' title of it
    tenders: int  # how many of those tenders carry it


@dataclass(frozen=True, slots=True)
class Preview:
    matches: tuple[PreviewedTender, ...]  # what the edited profile matches, newest first
    lost: tuple[PreviewedTender, ...]  # what the saved profile matched that it would no longer, newest first
    breadth: Breadth
    suggestions: tuple[CodeSuggestion, ...]
    paused: bool  # the saved profile is paused: nothing is alerted until it is resumed
    window_start: datetime
    data_as_of: datetime  # when the snapshot was built (the last poll)
    tenders_in_window: int

    @property
    def gained(self) -> tuple[PreviewedTender, ...]:
        return tuple(t for t in self.matches if t.change is Change.GAINED)

    @property
    def per_week(self) -> float:
        return len(self.matches) / (WINDOW.days / 7)


@dataclass(frozen=True, slots=True)
class Unavailable:
    """No snapshot of the recent tenders to read: none yet (a new installation before its first poll), or S3
    not answering."""


PreviewOutcome = Preview | Refused | Unavailable


class RecentTendersSource(Protocol):
    def current(self) -> RecentTenders | None: ...


class ProfilePreview:
    def __init__(self, *, profiles: EnterpriseProfiles, recent: RecentTendersSource) -> None:
        self._profiles = profiles
        self._recent = recent

    def preview(
        self, actor: Actor, form: Form, profile_id: str | None = None, *, enterprise: str = ""
    ) -> PreviewOutcome:
        """The preview of the profile `form` describes, against the saved profile `profile_id` (None: a
        new profile), for the enterprise the actor acts for (EnterpriseProfiles.enterprise_of). Refused when
        the form has problems; ProfileNotFound for another enterprise's id."""
        saved = self._profiles.get(actor, profile_id, enterprise=enterprise).profile if profile_id else None
        draft, refused = self._profiles.read(actor, form, profile_id, enterprise=enterprise)
        if refused is not None:
            return refused
        try:
            recent = self._recent.current()
        except StoreError:  # the person keeps their draft, and can still save it
            return Unavailable()
        if recent is None:
            return Unavailable()
        now_matched = _matched(recent, draft)
        before = _matched(recent, saved) if saved is not None else {}
        matches = [_previewed(t, m, Change.KEPT if k in before else Change.GAINED) for k, (t, m) in now_matched.items()]
        lost = [_previewed(t, m, Change.LOST) for key, (t, m) in before.items() if key not in now_matched]
        return Preview(
            matches=_newest_first(matches),
            lost=_newest_first(lost),
            breadth=_breadth(len(matches)),
            suggestions=_suggestions(draft, [t for t, m in now_matched.values() if _by_keyword(m)]),
            paused=saved is not None and not saved.active,
            window_start=recent.window_start,
            data_as_of=recent.built_at,
            tenders_in_window=len(recent),
        )


def _matched(recent: RecentTenders, profile: Profile) -> dict[str, tuple[RecentTender, Match]]:
    return {m.tender_key: (t, m) for t, m in recent.matches(replace(profile, active=True))}


def _previewed(tender: RecentTender, match: Match, change: Change) -> PreviewedTender:
    return PreviewedTender(tender, match.score, match.reasons, change)


def _newest_first(tenders: Sequence[PreviewedTender]) -> tuple[PreviewedTender, ...]:
    return tuple(sorted(tenders, key=lambda t: (t.tender.opened_at, t.tender.tender.key), reverse=True))


def _breadth(matches: int) -> Breadth:
    if matches == 0:
        return Breadth.NOTHING
    return Breadth.TOO_BROAD if matches / (WINDOW.days / 7) > FLOOD_THRESHOLD else Breadth.FITTING


def _by_keyword(match: Match) -> bool:
    return any(r.kind == "keyword" for r in match.reasons)


def _suggestions(profile: Profile, found_by_keywords: Sequence[RecentTender]) -> tuple[CodeSuggestion, ...]:
    """The codes most of the tenders found by keywords carry, that none of the profile's codes covers."""
    covered = compile_profile(profile).code_set
    counts: Counter[str] = Counter()
    titles: dict[str, Text] = {}
    for recent in found_by_keywords:
        carried: set[str] = set()
        for c in recent.tender.classifications:
            code = normalise_unspsc(c.code) if c.scheme.upper() == "UNSPSC" else None
            if code is not None and covered.isdisjoint(ancestors_and_self(code)):
                carried.add(code)
                titles.setdefault(code, c.description)
        counts.update(carried)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_SUGGESTIONS]
    return tuple(CodeSuggestion(code, titles[code], n) for code, n in ranked)
