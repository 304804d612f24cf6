"""« Pertinent » / « Pas pertinent » from an alert's link: the GET's page records nothing, the POST records one
vote per person, tender and enterprise, and a new answer replaces the last; a forged, expired or foreign link
records nothing."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from esja.alerts.model import ProfileRef
from esja.feedback.links import FeedbackLinks
from esja.feedback.service import Feedback, LinkGone
from esja.matching.features import tender_features
from esja.matching.rules import match_one
from esja.tokens import SigningKeys
from local.feedback_case import ENTERPRISE_ID, PROFILE_ID, answered_tenders
from tests.fakes import FakeWorld
from tests.space_builders import NOW, People
from tests.unit.test_feedback_suggestions import CLEANING

KEYS = SigningKeys("test-signing-key")
LINKS = FeedbackLinks("https://esja.example.org", KEYS)
REF = ProfileRef(ENTERPRISE_ID, PROFILE_ID, "Entretien ménager")
WINDOWS = next(t for t, relevant in answered_tenders(NOW) if "vitres" in t.title.any())


def alerted(world: FakeWorld) -> Feedback:
    """The window-washing tender stored and matched to the cleaning profile, as match_tenders records it."""
    world.enterprises.save([world.enterprises.enterprises[ENTERPRISE_ID]], [CLEANING])
    world.tenders.publish(WINDOWS, NOW - timedelta(days=10))
    match = match_one(CLEANING, WINDOWS, tender_features(WINDOWS, NOW - timedelta(days=10)))
    assert match is not None
    world.matches.record_match(match, (PROFILE_ID,), "hash", NOW - timedelta(days=10))
    return world.build(Feedback, links=LINKS)


@pytest.fixture
def world() -> FakeWorld:
    return People().world


def link(relevant: bool = False, sid: str = "subscriber-1", profiles: tuple[ProfileRef, ...] = (REF,)) -> str:
    url = LINKS.url(sid, WINDOWS.key, profiles, relevant=relevant, lang="fr")
    return url.split("jeton=")[1].split("&")[0]


def test_the_links_page_shows_the_tender_and_records_nothing(world: FakeWorld) -> None:
    feedback = alerted(world)

    page = feedback.ballot(link(relevant=False))

    assert page.tender == WINDOWS and page.answer is None and page.suggested is False
    assert [(s.enterprise, s.profiles) for s in page.sent_by] == [("Les Ateliers Mon Choix", ("Entretien ménager",))]
    assert world.votes.by_key == {}


def test_the_button_records_the_vote_with_the_tender_and_the_reasons(world: FakeWorld) -> None:
    feedback = alerted(world)

    page = feedback.vote(link(), relevant=False)

    [vote] = world.votes.by_key.values()
    assert page.answer is False
    assert (vote.enterprise_id, vote.tender_key, vote.voter, vote.profile_ids) == (
        ENTERPRISE_ID,
        WINDOWS.key,
        "subscriber-1",
        (PROFILE_ID,),
    )
    assert vote.tender == WINDOWS and vote.matched_at == NOW - timedelta(days=10)
    assert {r.kind for r in vote.reasons} >= {"unspsc", "region"}


def test_answering_again_replaces_the_answer_one_vote_per_person(world: FakeWorld) -> None:
    feedback = alerted(world)
    feedback.vote(link(), relevant=False)
    world.clock.advance(hours=2)

    feedback.vote(link(), relevant=True)
    feedback.vote(link(sid="subscriber-2"), relevant=False)

    votes = sorted((v.voter, v.relevant) for v in world.votes.by_key.values())
    assert votes == [("subscriber-1", True), ("subscriber-2", False)]
    assert feedback.ballot(link()).answer is True


@pytest.mark.parametrize("token", ["", "abc", link()[:-2] + "xx"])
def test_a_forged_or_altered_link_records_nothing(world: FakeWorld, token: str) -> None:
    feedback = alerted(world)

    with pytest.raises(LinkGone):
        feedback.vote(token, relevant=True)
    assert world.votes.by_key == {}


def test_an_expired_link_records_nothing(world: FakeWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    feedback = alerted(world)
    token = link()
    later = time.time() + timedelta(days=91).total_seconds()
    monkeypatch.setattr("esja.tokens.time.time", lambda: later)

    with pytest.raises(LinkGone):
        feedback.vote(token, relevant=True)


def test_a_link_naming_an_enterprise_the_tender_never_matched_records_nothing(world: FakeWorld) -> None:
    feedback = alerted(world)

    with pytest.raises(LinkGone):
        feedback.vote(link(profiles=(ProfileRef("coop-fjord", "x", "X"),)), relevant=False)
    assert world.votes.by_key == {}


def test_a_link_signed_for_another_purpose_is_no_ballot(world: FakeWorld) -> None:
    from esja.alerts.links import SubscriberLinks

    feedback = alerted(world)
    unsubscribe = SubscriberLinks("https://esja.example.org", KEYS).unsubscribe_token("subscriber-1")

    with pytest.raises(LinkGone):
        feedback.ballot(unsubscribe)
