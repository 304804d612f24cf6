"""The realistic case of answers (local.feedback_case) in a FakeWorld: Les Ateliers Mon Choix's cleaning profile,
its tenders stored and matched ten days ago as match_tenders records them, and its people's answers."""

from __future__ import annotations

from datetime import datetime, timedelta

from esja.feedback.model import Vote
from esja.matching.features import tender_features
from esja.matching.rules import match_one
from local.feedback_case import ENTERPRISE_ID, PROFILE_ID, answered_tenders
from tests.fakes import FakeWorld
from tests.unit.test_feedback_suggestions import CLEANING


def answered(world: FakeWorld, now: datetime, *, voter: str = "subscriber-julie") -> list[Vote]:
    """The cleaning profile added to Les Ateliers Mon Choix, and its seven tenders answered by `voter`."""
    enterprise = world.enterprises.enterprises[ENTERPRISE_ID]
    kept = [p for p in world.enterprises.profiles_of(ENTERPRISE_ID) if p.id != PROFILE_ID]
    world.enterprises.save([enterprise], [*kept, CLEANING])
    matched_at = now - timedelta(days=10)
    votes = []
    for n, (tender, relevant) in enumerate(answered_tenders(now)):
        world.tenders.publish(tender, matched_at)
        match = match_one(CLEANING, tender, tender_features(tender, matched_at))
        assert match is not None, tender.key
        world.matches.record_match(match, (PROFILE_ID,), "hash", matched_at)
        at = now - timedelta(days=5, minutes=-n)
        vote = Vote(ENTERPRISE_ID, tender.key, voter, (PROFILE_ID,), relevant, at, tender, match.reasons, matched_at)
        world.votes.record_vote(vote)
        votes.append(vote)
    return votes
