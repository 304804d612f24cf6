"""What every organizer's digest of a week shares, worked out once per run: who had signed at either
week's end, which enterprises each tender matched, which awards went to registered enterprises."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from esja.digest.outcomes import ContractWon, SupplierDirectory, contracts_won
from esja.digest.signatories import SignatoryIndex, signatories_at
from esja.digest.week_data import MatchRecord, SeenTender, WeekData
from esja.digest.weeks import Week
from esja.feedback.model import Vote
from esja.feedback.summary import profile_feedback
from esja.matching.unspsc import normalise_unspsc
from esja.model import Classification, Text
from esja.unspsc import unspsc_titles

FAMILY_DIGITS = 4


@dataclass(frozen=True, slots=True)
class WeekAnswers:
    """What an enterprise's people answered from their alerts in the week, and how many changes all their answers
    so far suggest (its space and the organizers' console show them)."""

    relevant: int
    not_relevant: int
    suggestions: int


class WeekFacts:
    def __init__(self, data: WeekData) -> None:
        self.data = data
        self.week = data.week
        self.previous = data.week.previous
        self.signatories_now = SignatoryIndex.build(signatories_at(data.pledges, data.as_of), data.links)
        self.signatories_before = SignatoryIndex.build(signatories_at(data.pledges, data.previous_as_of), data.links)
        self.enterprise_names = {e.id: e.name for e in data.enterprises}
        self._matches: dict[str, list[MatchRecord]] = {}
        for record in data.matches:
            self._matches.setdefault(record.tender_key, []).append(record)
        self._directory = SupplierDirectory(data.enterprises)
        self.won_this = self.won_in(self.week)
        self.won_last = self.won_in(self.previous)
        self.families = family_descriptions(
            c for seen in (*data.closing, *data.new_tenders) for c in seen.tender.classifications
        )
        self.answers = week_answers(data)

    def new_in(self, week: Week) -> list[SeenTender]:
        """The calls for tenders that appeared in the week."""
        return [s for s in self.data.new_tenders if week.contains(s.first_seen_at) and s.was_open_when_first_seen]

    def awarded_in(self, week: Week) -> list[SeenTender]:
        return [seen for seen in self.data.awarded if week.contains(seen.status_since)]

    def won_in(self, week: Week) -> list[ContractWon]:
        """Awards to registered enterprises, found in the week (not those an enterprise said were not its own)."""
        found = self.awarded_in(week)
        when = {seen.tender.key: seen.status_since for seen in found}
        won = contracts_won((seen.tender for seen in found), self._directory)
        denied = self.data.denied
        return [
            replace(w, found_at=when[w.tender_key])
            for w in won
            if (w.enterprise_id, w.tender_key, w.award_id) not in denied
        ]

    def matched(self, tender_key: str, by: datetime) -> list[str]:
        """Names of the enterprises the tender had matched by then, in alphabetical order."""
        ids = {r.enterprise_id for r in self._matches.get(tender_key, ()) if r.matched_at <= by}
        return sorted(self.enterprise_names.get(i, i) for i in ids)

    def signatories_at(self, week: Week) -> SignatoryIndex:
        return self.signatories_now if week == self.week else self.signatories_before

    def as_of(self, week: Week) -> datetime:
        return self.data.as_of if week == self.week else self.data.previous_as_of


def week_answers(data: WeekData) -> dict[str, WeekAnswers]:
    """By enterprise id, those whose people answered in the week (answers after the digest's « now » ignored)."""
    votes: dict[str, list[Vote]] = {}
    for vote in data.votes:
        if vote.at < data.as_of:
            votes.setdefault(vote.enterprise_id, []).append(vote)
    found = {}
    for enterprise_id, answered in votes.items():
        this_week = [v for v in answered if data.week.contains(v.at)]
        if this_week:
            profiles = [p for p in data.profiles if p.enterprise_id == enterprise_id]
            suggestions = sum(len(f.suggestions) for f in profile_feedback(profiles, answered))
            relevant = sum(v.relevant for v in this_week)
            found[enterprise_id] = WeekAnswers(relevant, len(this_week) - relevant, suggestions)
    return found


def family_of(classification: Classification) -> str | None:
    """The UNSPSC family (4 digits) of a code, None for other schemes and segment-only codes."""
    if classification.scheme != "UNSPSC":
        return None
    code = normalise_unspsc(classification.code)
    return code[:FAMILY_DIGITS] if code and len(code) >= FAMILY_DIGITS else None


def family_descriptions(classifications: Iterable[Classification]) -> dict[str, Text]:
    """Each family's title in French and English: the UNSPSC list's (esja.unspsc), and where it lacks a
    language, the notices' own: the family's title when a notice is classified at that level, else the
    title of its broadest code seen, the most frequent among equals."""
    seen: Counter[tuple[str, int, str]] = Counter()
    texts: dict[str, Text] = {}
    for classification in classifications:
        family = family_of(classification)
        code = normalise_unspsc(classification.code)
        if family is None or code is None or not classification.description.any():
            continue
        seen[(family, len(code), code)] += 1
        texts.setdefault(code, classification.description)
    best: dict[str, tuple[int, int, str]] = {}
    for (family, depth, code), count in seen.items():
        rank = (depth, -count, code)
        if family not in best or rank < best[family]:
            best[family] = rank
    listed = unspsc_titles()
    return {family: _completed(listed.get(family), texts[rank[2]]) for family, rank in best.items()}


def _completed(listed: Text | None, seen: Text) -> Text:
    if listed is None:
        return seen
    return Text(listed.fr or seen.fr, listed.en or seen.en)
