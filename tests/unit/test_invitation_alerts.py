"""An invitation told at once, whatever the subscriber's frequency; the instant runs as its safety net."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from esja.alerts.model import Preferences
from esja.model import Match
from esja.signatory_space.invitation import Invitation
from tests.alert_builders import REASONS, tender
from tests.fakes import TEST_KEYS, THROTTLED
from tests.invitation_builders import RIMOUSKI, SignatoryWorld, as_form, invitation_fields
from tests.space_builders import NOW

JULIE, MARC, PAUL = "direction@menage.example.org", "ventes@menage.example.org", "paul@traiteur.example.org"
TITLE = "Entretien ménager de la bibliothèque Lisette-Morin"


@pytest.fixture
def world() -> SignatoryWorld:
    world = SignatoryWorld()
    world.add_enterprise("menage-bsl", JULIE, MARC, frequency="daily")
    world.add_enterprise("traiteur", PAUL, codes=("90101600",), frequency="daily")
    return world


def posted(world: SignatoryWorld, **overrides: Any) -> Invitation:
    invitation = world.post(**overrides).invitation
    assert invitation is not None
    return invitation


def test_the_matched_enterprises_daily_subscribers_are_told_at_once(world: SignatoryWorld) -> None:
    posted(world)

    [report] = world.flow()

    assert (report.sent, report.recipients) == (2, 2)
    assert [e.to for e in world.mailer.sent] == [JULIE, MARC]
    assert TITLE in world.mailer.sent[0].text and "Ville de Rimouski" in world.mailer.sent[0].text
    assert world.mailer.sent[0].subject == f"Invitation de Ville de Rimouski\u00a0: {TITLE}"
    assert world.mailer.to(PAUL) == []  # the caterer's profile does not match
    assert world.alerts.send_alerts("daily", NOW).sent == 0  # told already: not again at 7 h


def test_a_replayed_request_sends_nothing_twice(world: SignatoryWorld) -> None:
    posted(world)
    world.match_announced()
    [key] = world.invitation_alerts.requested

    first, replay = world.alerts.send_invitation(key), world.alerts.send_invitation(key)

    assert first.sent == 2 and replay.sent == 0 and len(world.mailer.sent) == 2


def test_a_subscriber_who_turned_it_off_hears_of_it_at_their_own_frequency(world: SignatoryWorld) -> None:
    world.alerts.send_alerts("daily", NOW - timedelta(days=1))  # registers the subscribers
    julie = world.subscriptions.state(TEST_KEYS(JULIE))
    later = Preferences("daily", "fr", invitations_at_once=False)
    world.subscriptions.save_preferences(TEST_KEYS(JULIE), later, how="test", wording_version="t", now=NOW)
    assert julie.subscriber_id
    posted(world)

    [report] = world.flow()

    assert (report.sent, report.other_frequency) == (1, 1) and world.mailer.to(JULIE) == []
    assert world.alerts.send_alerts("instant", NOW).sent == 0  # nor by the instant runs
    world.clock.advance(days=1)
    assert world.alerts.send_alerts("daily", world.clock.now).sent == 1
    [email] = world.mailer.to(JULIE)
    assert TITLE in email.text


def test_an_amendment_and_a_cancellation_are_told_at_once_to_those_told(world: SignatoryWorld) -> None:
    invitation = posted(world)
    world.flow()
    world.clock.advance(hours=1)

    world.invitation_service.amend(
        world.actor(RIMOUSKI), invitation.id, as_form(invitation_fields(closing=NOW + timedelta(days=14)))
    )
    [amended] = world.flow()
    world.clock.advance(hours=1)
    world.invitation_service.cancel(world.actor(RIMOUSKI), invitation.id)
    [cancelled] = world.flow()

    assert amended.sent == 2 and cancelled.sent == 2
    julie = world.mailer.to(JULIE)
    assert len(julie) == 3
    assert "modifié" in julie[1].text.lower() and "annulé" in julie[2].text.lower()
    assert world.mailer.to(PAUL) == []


def test_paused_subscribers_hear_nothing_at_once(world: SignatoryWorld) -> None:
    world.alerts.send_alerts("daily", NOW - timedelta(days=1))
    paused = Preferences("daily", "fr", paused=True)
    world.subscriptions.save_preferences(TEST_KEYS(MARC), paused, how="test", wording_version="t", now=NOW)
    posted(world)

    [report] = world.flow()

    assert (report.sent, report.paused) == (1, 1) and world.mailer.to(MARC) == []


def test_the_instant_runs_carry_invitations_the_at_once_path_missed(world: SignatoryWorld) -> None:
    posted(world)
    world.match_announced()
    world.invitation_alerts.requested.clear()  # the hand-over was lost (the queue down, then its dead letters)
    ordinary = tender("ordinary", "Lavage de vitres de l'hôtel de ville", closing_at=NOW + timedelta(days=9))
    world.tenders.publish(ordinary, NOW)
    world.matches.record_match(Match("menage-bsl", "menage", ordinary.key, 1.0, REASONS), ("menage",), "h", NOW)

    report = world.alerts.send_alerts("instant", NOW + timedelta(hours=1))

    assert report.sent == 2 and {e.to for e in world.mailer.sent} == {JULIE, MARC}
    assert all(TITLE in e.text and "Lavage de vitres" not in e.text for e in world.mailer.sent)
    assert world.alerts.send_alerts("instant", NOW + timedelta(hours=3)).sent == 0
    daily = world.alerts.send_alerts("daily", NOW + timedelta(days=1))
    assert daily.sent == 2 and all("Lavage de vitres" in e.text for e in world.mailer.sent[2:])
    assert all(TITLE not in e.text for e in world.mailer.sent[2:])  # told once, at the instant run


def test_ses_throttling_stops_the_run_and_leaves_the_invitation_to_the_retry(world: SignatoryWorld) -> None:
    posted(world)
    world.match_announced()
    [key] = world.invitation_alerts.requested
    world.mailer.refuse(THROTTLED)

    stopped = world.alerts.send_invitation(key)
    retried = world.alerts.send_invitation(key)

    assert stopped.stopped == "throttled" and stopped.sent == 0
    assert retried.sent == 2
