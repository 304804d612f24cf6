"""The page a « Pertinent » / « Pas pertinent » link opens, and the vote its buttons record.

The link names the subscriber, the tender and the profiles that sent it (esja.feedback.links). A GET shows
the tender and both buttons (a mail scanner opening the link records nothing); the POST records one vote per
enterprise whose profiles sent the tender, replacing that person's earlier answer. A forged, altered or
expired link, or one whose tender no enterprise of it matched (an enterprise removed since), changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.alerts.model import AlertItem
from esja.feedback.links import Ballot, FeedbackLinks
from esja.feedback.model import Vote
from esja.ingest.changes import StoredVersion
from esja.model import Enterprise, Profile, Tender
from esja.tokens import InvalidToken


class VoteStore(Protocol):
    def record_vote(self, vote: Vote) -> None:
        """Keep the vote, replacing the same person's earlier one on the same tender."""
        ...

    def vote_of(self, enterprise_id: str, tender_key: str, voter: str) -> Vote | None: ...


class MatchReader(Protocol):
    def items(self, keys: Iterable[tuple[str, str]]) -> list[AlertItem]: ...


class TenderReader(Protocol):
    def get(self, key: str) -> tuple[Tender, StoredVersion] | None: ...


class EnterpriseReader(Protocol):
    def enterprise(self, enterprise_id: str) -> Enterprise | None: ...
    def profiles_of(self, enterprise_id: str) -> list[Profile]: ...


class LinkGone(Exception):
    """The link is forged, expired, or names nothing that still exists: nothing was recorded."""


@dataclass(frozen=True, slots=True)
class Sent:
    """One enterprise that sent the tender: its name and the profiles (by name) that matched it."""

    enterprise: str
    profiles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BallotPage:
    tender: Tender | None  # None when the tender left the table since (the vote still counts)
    sent_by: tuple[Sent, ...]
    answer: bool | None  # the person's answer as recorded, None before they answered
    suggested: bool  # the answer the link they followed was for


class Feedback:
    def __init__(
        self,
        *,
        links: FeedbackLinks,
        votes: VoteStore,
        matches: MatchReader,
        tenders: TenderReader,
        enterprises: EnterpriseReader,
        clock: Callable[[], datetime],
    ) -> None:
        self._links = links
        self._votes = votes
        self._matches = matches
        self._tenders = tenders
        self._enterprises = enterprises
        self._clock = clock

    def ballot(self, token: str) -> BallotPage:
        """What the link's page shows; raises LinkGone."""
        ballot, matched = self._read(token)
        answers = [self._votes.vote_of(m.enterprise_id, ballot.tender_key, ballot.subscriber_id) for m in matched]
        recorded = max((v for v in answers if v is not None), key=lambda v: v.at, default=None)
        return self._page(ballot, matched, recorded.relevant if recorded else None)

    def vote(self, token: str, relevant: bool) -> BallotPage:
        """Record the answer for every enterprise the link names that matched the tender; raises LinkGone."""
        ballot, matched = self._read(token)
        stored = self._tenders.get(ballot.tender_key)
        now = self._clock()
        for item in matched:
            profile_ids = tuple(p for p in ballot.profile_ids(item.enterprise_id) if p in item.profile_ids)
            vote = Vote(
                enterprise_id=item.enterprise_id,
                tender_key=ballot.tender_key,
                voter=ballot.subscriber_id,
                profile_ids=profile_ids or item.profile_ids,
                relevant=relevant,
                at=now,
                tender=stored[0] if stored else None,
                reasons=item.match.reasons if item.match else (),
                matched_at=item.recorded_at,
            )
            self._votes.record_vote(vote)
        return self._page(ballot, matched, relevant)

    def _read(self, token: str) -> tuple[Ballot, list[AlertItem]]:
        try:
            ballot = self._links.ballot(token)
        except InvalidToken:
            raise LinkGone from None
        keys = [(enterprise_id, f"match#{ballot.tender_key}") for enterprise_id in ballot.enterprise_ids]
        matched = [item for item in self._matches.items(keys) if item.is_match]
        if not matched:
            raise LinkGone
        return ballot, matched

    def _page(self, ballot: Ballot, matched: list[AlertItem], answer: bool | None) -> BallotPage:
        stored = self._tenders.get(ballot.tender_key)
        sent_by = []
        for item in matched:
            enterprise = self._enterprises.enterprise(item.enterprise_id)
            if enterprise is None:
                continue
            names = {p.id: p.name or p.id for p in self._enterprises.profiles_of(enterprise.id)}
            wanted = ballot.profile_ids(enterprise.id)
            sent_by.append(Sent(enterprise.name, tuple(names[p] for p in wanted if p in names)))
        return BallotPage(stored[0] if stored else None, tuple(sent_by), answer, ballot.relevant)
