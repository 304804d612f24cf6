"""Each tender an alert's profiles sent carries « Pertinent » / « Pas pertinent » links naming this reader, the
tender and the profiles; a change to a tender already told (an update) carries none. Followed, a link records
the reader's vote."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from esja.alerts.links import SubscriberLinks
from esja.alerts.service import AlertService
from esja.feedback.links import FeedbackLinks
from esja.feedback.service import Feedback
from esja.model import Match
from esja.tokens import SigningKeys
from tests.alert_builders import REASONS, enterprise, profile, subscriber, tender
from tests.fakes import TEST_KEYS, FakeWorld

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
JULIE = "direction@coop.example.org"
KEYS = SigningKeys.from_list(("test-key",))
FEEDBACK = FeedbackLinks("https://esja.example.org", KEYS)
LINK = re.compile(
    r"https://esja\.example\.org/pertinence\?jeton=([^&\s\"]+)&amp;lang=fr|"
    r"https://esja\.example\.org/pertinence\?jeton=([^&\s\"]+)&lang=fr"
)


def world_with_an_alert() -> tuple[FakeWorld, AlertService]:
    world = FakeWorld(NOW)
    world.enterprises.save([enterprise("coop", subscriber(JULIE), name="Coop de propreté")], [profile("coop")])
    item = tender("vitres", "Lavage de vitres")
    world.tenders.publish(item, NOW)
    world.matches.record_match(Match("coop", "menage", item.key, 2.0, REASONS), ("menage",), "h1", NOW)
    links = SubscriberLinks("https://esja.example.org", KEYS)
    return world, world.build(AlertService, links=links, feedback_links=FEEDBACK)


def tokens(text: str) -> list[str]:
    return [a or b for a, b in LINK.findall(text)]


def test_a_new_tender_carries_both_answers_naming_the_reader_the_tender_and_the_profile() -> None:
    world, alerts = world_with_an_alert()

    alerts.send_alerts("daily", NOW)

    [email] = world.mailer.to(JULIE)
    assert "Cet appel vous concernait-il\u00a0?" in email.text and "Pas pertinent" in email.html
    relevant, not_relevant = tokens(email.text)
    assert tokens(email.html) == [relevant, not_relevant]
    sid = world.subscriptions.state(TEST_KEYS(JULIE)).subscriber_id
    ballot = FEEDBACK.ballot(not_relevant)
    assert (ballot.subscriber_id, ballot.tender_key, ballot.profiles, ballot.relevant) == (
        sid,
        "seao:vitres",
        (("coop", "menage"),),
        False,
    )
    assert FEEDBACK.ballot(relevant).relevant is True


def test_an_update_of_a_tender_told_before_carries_no_answer() -> None:
    world, alerts = world_with_an_alert()
    alerts.send_alerts("daily", NOW)
    world.matches.record_update("coop", "seao:vitres", "amended", "h2", NOW + timedelta(hours=2))

    alerts.send_alerts("daily", NOW + timedelta(days=1))

    update = world.mailer.to(JULIE)[-1]
    assert "modifié" in update.text.lower() and tokens(update.text) == []


def test_the_link_in_the_alert_records_the_readers_vote() -> None:
    world, alerts = world_with_an_alert()
    alerts.send_alerts("daily", NOW)
    _, not_relevant = tokens(world.mailer.to(JULIE)[0].text)

    world.build(Feedback, links=FEEDBACK).vote(not_relevant, relevant=False)

    [vote] = world.votes.votes_of("coop")
    assert (vote.voter, vote.tender_key, vote.relevant) == (
        world.subscriptions.state(TEST_KEYS(JULIE)).subscriber_id,
        "seao:vitres",
        False,
    )
