"""What a profile's « pas pertinent » votes suggest: an excluded word, or a narrower code, that would have
avoided them while keeping every tender judged relevant.

The rule, on the tenders the people of an enterprise judged for one profile (a tender any of them found
relevant counts as relevant; one only judged « pas pertinent » as not relevant):

1. Only what the profile *still* receives counts: each judged tender is matched again against the profile as
   it is now, by the matcher that sends the alerts (esja.matching.rules.match_one), as the tender stood when
   it was judged and at the moment it matched. A tender the profile no longer gets (its profile was changed
   since, a suggestion accepted) is already avoided.
2. « Many »: at least MIN_NOT_RELEVANT such tenders judged not relevant. Fewer, and nothing is suggested.
3. Excluded word: a word found in at least MIN_AVOIDED of them and in none of the relevant ones. Never a word
   of the profile's keywords, nor of the titles of its own codes (what the profile is about: excluding
   « nettoyage » from a cleaning profile would silence it), nor a short or stop word. Each candidate is then
   tried: the profile with that word excluded is matched again against every judged tender; it must lose no
   relevant tender. The word avoiding the most wins, then the one in more of their titles, then the first in
   alphabetical order.
4. Narrower code: for a profile code (segment, family or class) through which at least MIN_AVOIDED of them
   came, the codes one level down (then two, then three) that the relevant tenders it brought carry replace
   it. Tried the same way: no relevant tender lost; the code and level avoiding the most win, the broader
   level first. With no relevant tender under the code there is nothing to narrow to: no suggestion.

Both kinds are offered when both exist (the more avoided first); a person accepting one sees its preview over
the last 60 days before saving (the enterprises' profile form).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from esja.feedback.model import Vote
from esja.matching.compiled import compile_profile
from esja.matching.features import tender_features
from esja.matching.rules import match_pair
from esja.matching.text import STOP_WORDS, Stems, normalise, stem_sequence, stems
from esja.matching.unspsc import LEVELS, normalise_unspsc
from esja.model import Profile, Status, Tender, Text
from esja.unspsc import unspsc_titles

MIN_NOT_RELEVANT = 3  # « many »: fewer tenders judged not relevant suggest nothing
MIN_AVOIDED = 2  # a change must avoid at least two of them: one tender is no pattern
MIN_WORD_LETTERS = 4  # « bois », « gaz »… shorter words are too often part of something else
_LETTERS = re.compile(r"[^\W\d_]+")

Kind = Literal["exclude", "narrow"]


@dataclass(frozen=True, slots=True)
class Judged:
    """A tender as the enterprise's people judged it for one profile."""

    tender: Tender
    relevant: bool
    matched_at: datetime  # when it matched: it was open then


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: Kind
    changed: Profile  # the profile with the change applied
    avoided: tuple[Tender, ...]  # the tenders judged not relevant it would have avoided
    not_relevant: int  # how many tenders judged not relevant the profile still gets
    kept: int  # tenders judged relevant it still gets (all those the profile gets)
    word: str = ""  # exclude: the word
    code: str = ""  # narrow: the profile's code (normalised) …
    narrower: tuple[str, ...] = ()  # … replaced by these


def judged(votes: Iterable[Vote], profile_id: str) -> list[Judged]:
    """The tenders judged for the profile, each once: relevant when anyone found it so."""
    found: dict[str, Judged] = {}
    for vote in sorted(votes, key=lambda v: v.at):
        if vote.tender is None or profile_id not in vote.profile_ids:
            continue
        earlier = found.get(vote.tender_key)
        relevant = vote.relevant or (earlier is not None and earlier.relevant)
        found[vote.tender_key] = Judged(vote.tender, relevant, vote.matched_at or vote.at)
    return list(found.values())


def suggest(profile: Profile, tenders: Sequence[Judged]) -> tuple[Suggestion, ...]:
    """At most one suggestion of each kind, the one avoiding more first."""
    trial = _Trial(profile, tenders)
    if len(trial.not_relevant) < MIN_NOT_RELEVANT:
        return ()
    found = [s for s in (_excluded_word(trial), _narrower_code(trial)) if s is not None]
    return tuple(sorted(found, key=lambda s: -len(s.avoided)))


class _Trial:
    """The judged tenders the profile still gets, and a way to try a changed profile against all of them."""

    def __init__(self, profile: Profile, tenders: Sequence[Judged]) -> None:
        self.profile = replace(profile, active=True)  # a paused profile is judged on what it would get
        self.features = [(t, tender_features(_as_matched(t.tender), t.matched_at)) for t in tenders]
        gets = self.gets(self.profile)
        self.relevant = {t.tender.key for t, _ in self.features if t.relevant and t.tender.key in gets}
        self.not_relevant = [(t, f) for t, f in self.features if not t.relevant and t.tender.key in gets]

    def gets(self, profile: Profile) -> set[str]:
        compiled = compile_profile(profile)
        return {f.key for _, f in self.features if match_pair(compiled, f) is not None}

    def outcome(
        self, kind: Kind, changed: Profile, *, word: str = "", code: str = "", narrower: tuple[str, ...] = ()
    ) -> Suggestion | None:
        """The change as a suggestion, when it loses no relevant tender and avoids enough of the others."""
        gets = self.gets(changed)
        avoided = tuple(t.tender for t, _ in self.not_relevant if t.tender.key not in gets)
        if not self.relevant <= gets or len(avoided) < MIN_AVOIDED:
            return None
        return Suggestion(kind, changed, avoided, len(self.not_relevant), len(self.relevant), word, code, narrower)


def _as_matched(tender: Tender) -> Tender:
    """The tender as it was when it matched: open (it may have closed, been awarded or cancelled since)."""
    return tender if tender.status is Status.OPEN else replace(tender, status=Status.OPEN)


# --- an excluded word ---


def _excluded_word(trial: _Trial) -> Suggestion | None:
    protected = _protected_stems(trial.profile)
    relevant = [f for t, f in trial.features if t.tender.key in trial.relevant]
    counted: Counter[Stems] = Counter()
    in_titles: Counter[Stems] = Counter()
    spelled: dict[Stems, Counter[str]] = {}
    for judged_tender, features in trial.not_relevant:
        words = _words(judged_tender.tender)
        for word_stems, spellings in words.items():
            counted[word_stems] += 1
            spelled.setdefault(word_stems, Counter()).update(spellings)
        title = features.fields[0] if features.fields and features.fields[0].where == "title" else None
        in_titles.update(s for s in words if title is not None and not title.stems.isdisjoint(s))
    candidates = [
        s
        for s, count in counted.items()
        if count >= MIN_AVOIDED and s.isdisjoint(protected) and all(f.all_stems.isdisjoint(s) for f in relevant)
    ]
    best: tuple[tuple[int, int, str], Suggestion] | None = None
    for word_stems in candidates:
        word = spelled[word_stems].most_common(1)[0][0]
        changed = replace(trial.profile, excluded=(*trial.profile.excluded, word))
        found = trial.outcome("exclude", changed, word=word)
        if found is not None:
            rank = (-len(found.avoided), -in_titles[word_stems], word)
            if best is None or rank < best[0]:
                best = (rank, found)
    return best[1] if best else None


def _words(tender: Tender) -> dict[Stems, Counter[str]]:
    """The tender's words as the excluded-word check reads them (title, description, code descriptions,
    category details), by their stems, with how each is spelled (lower case, accents kept)."""
    texts = [*_texts(tender.title), *_texts(tender.description), *tender.category_details]
    texts += [t for c in tender.classifications for t in _texts(c.description)]
    found: dict[Stems, Counter[str]] = {}
    for text in texts:
        for word in _LETTERS.findall(text.lower()):
            folded = normalise(word).strip()
            if len(folded) >= MIN_WORD_LETTERS and folded.isalpha() and folded not in STOP_WORDS:
                found.setdefault(stems(folded), Counter())[word] += 1
    return found


def _protected_stems(profile: Profile) -> frozenset[str]:
    """Words a suggestion never excludes: the profile's keywords, and the titles of its own codes."""
    texts = list(profile.keywords)
    titles = unspsc_titles()
    for code in profile.unspsc:
        title = titles.get(code) or Text()
        texts += _texts(title)
    return frozenset(stem for text in texts for word in stem_sequence(text) for stem in word)


def _texts(text: Text) -> list[str]:
    return [t for t in (text.fr, text.en) if t]


# --- a narrower code ---


def _narrower_code(trial: _Trial) -> Suggestion | None:
    best: tuple[tuple[int, int, str], Suggestion] | None = None
    codes = {normalise_unspsc(c): c for c in trial.profile.unspsc}
    for code, written in codes.items():
        if code is None or len(code) == LEVELS[-1]:
            continue
        through = [f for _, f in trial.not_relevant if any(c.startswith(code) for c in f.code_set)]
        if len(through) < MIN_AVOIDED:
            continue
        kept_codes = [c for t, f in trial.features if t.tender.key in trial.relevant for c in f.code_set]
        for level in (n for n in LEVELS if n > len(code)):
            narrower = tuple(sorted({c[:level] for c in kept_codes if c.startswith(code) and len(c) >= level}))
            if not narrower:
                break
            others = tuple(c for c in trial.profile.unspsc if c != written)
            changed = replace(trial.profile, unspsc=(*others, *narrower))
            found = trial.outcome("narrow", changed, code=code, narrower=narrower)
            if found is not None:
                rank = (-len(found.avoided), level, code)
                if best is None or rank < best[0]:
                    best = (rank, found)
    return best[1] if best else None
