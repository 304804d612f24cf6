"""An enterprise's feedback, profile by profile: how many tenders its people judged relevant or not, the latest
they judged, and what the « pas pertinent » ones suggest (esja.feedback.suggestions). The enterprise's space
and the organizers' console show the same."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from esja.feedback.model import Vote
from esja.feedback.suggestions import Suggestion, judged, suggest
from esja.model import Profile, Tender

LATEST_SHOWN = 10


@dataclass(frozen=True, slots=True)
class JudgedLine:
    tender: Tender
    relevant: bool
    at: datetime  # the latest answer about it


@dataclass(frozen=True, slots=True)
class ProfileFeedback:
    profile: Profile
    relevant: int  # tenders judged relevant (by anyone of the enterprise)
    not_relevant: int  # tenders judged only « pas pertinent »
    latest: tuple[JudgedLine, ...]  # newest first
    suggestions: tuple[Suggestion, ...]

    @property
    def judged(self) -> int:
        return self.relevant + self.not_relevant


def profile_feedback(profiles: Iterable[Profile], votes: Sequence[Vote]) -> tuple[ProfileFeedback, ...]:
    """Each profile's feedback, in the profiles' order (those nobody judged too: « no answer yet »)."""
    return tuple(_of(profile, votes) for profile in profiles)


def _of(profile: Profile, votes: Sequence[Vote]) -> ProfileFeedback:
    tenders = judged(votes, profile.id)
    answered_at: dict[str, datetime] = {}
    for vote in votes:
        if profile.id in vote.profile_ids:
            answered_at[vote.tender_key] = max(vote.at, answered_at.get(vote.tender_key, vote.at))
    lines = sorted(
        (JudgedLine(t.tender, t.relevant, answered_at[t.tender.key]) for t in tenders),
        key=lambda line: (line.at, line.tender.key),
        reverse=True,
    )
    relevant = sum(t.relevant for t in tenders)
    return ProfileFeedback(
        profile, relevant, len(tenders) - relevant, tuple(lines[:LATEST_SHOWN]), suggest(profile, tenders)
    )
