"""send_alerts on fakes: one e-mail per recipient and period, each match told once, nothing lost on a fault."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from esja.alerts.links import SubscriberLinks
from esja.alerts.service import AlertService, UnknownEnterprise
from esja.model import Enterprise, Match, Tender
from esja.sends import SendKey
from esja.tokens import SigningKeys
from tests.alert_builders import REASONS, enterprise, profile, subscriber, tender
from tests.fakes import PAUSED, REJECTED, TEST_KEYS, THROTTLED, FakeWorld

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
JULIE, MARC, ALEX = "direction@coop.example.org", "ventes@coop.example.org", "partners@voisins.example.org"
DAY = "daily#2026-11-20"


class World(FakeWorld):
    def __init__(self, *enterprises: Enterprise) -> None:
        super().__init__(NOW)
        self.enterprises.save(enterprises, [profile(e.id) for e in enterprises])
        self.service = self.build(
            AlertService, links=SubscriberLinks("https://esja.example.org", SigningKeys.from_list(("test-key",)))
        )

    def match(self, enterprise_id: str, item: Tender) -> None:
        self.tenders.publish(item, NOW)
        self.matches.record_match(Match(enterprise_id, "menage", item.key, 2.0, REASONS), ("menage",), "h1", NOW)

    def pending_for(self, address: str) -> set[str]:
        sid = self.subscriptions.state(TEST_KEYS(address)).subscriber_id
        theirs = {e.id for e in self.enterprises.enterprises.values() if address in (s.email for s in e.subscribers)}
        return {
            m.alert.tender_key
            for m in self.matches.items_by_key.values()
            if m.alert.is_match and m.alert.is_open and m.alert.enterprise_id in theirs and sid not in m.alert.sent_to
        }


@pytest.fixture
def world() -> World:
    coop = enterprise("coop", subscriber(JULIE), subscriber(MARC, frequency="instant"), name="Coop de propreté")
    world = World(coop, enterprise("voisins", subscriber(ALEX, language="en"), name="Les Voisins"))
    world.match("coop", tender("soon", "Lavage de vitres", closing_at=NOW + timedelta(days=5)))
    world.match("coop", tender("late", "Entretien des parcs", closing_at=NOW + timedelta(days=20)))
    return world


def test_each_recipient_of_the_frequency_gets_one_email_with_every_pending_tender(world: World) -> None:
    report = world.service.send_alerts("daily", NOW)

    assert (report.sent, report.other_frequency, report.nothing_new, report.tenders) == (1, 1, 1, 2)
    [email] = world.mailer.to(JULIE)
    assert email.text.index("Lavage de vitres") < email.text.index("Entretien des parcs")
    assert world.pending_for(JULIE) == set() and world.pending_for(MARC) == {"seao:soon", "seao:late"}
    assert world.sends.state(SendKey(TEST_KEYS(JULIE), DAY)) == "sent"


def test_a_replayed_run_sends_nothing_and_what_came_since_waits_for_the_next_period(world: World) -> None:
    world.service.send_alerts("daily", NOW)
    world.match("coop", tender("new", "Vitres"))

    replay = world.service.send_alerts("daily", NOW)

    assert (replay.sent, replay.already_sent) == (0, 1) and len(world.mailer.to(JULIE)) == 1
    assert world.pending_for(JULIE) == {"seao:new"}
    assert world.service.send_alerts("daily", NOW + timedelta(days=1)).sent == 1


def test_an_address_ses_refuses_costs_only_its_own_alert_and_its_period_stays_open(world: World) -> None:
    world.match("voisins", tender("b"))
    world.mailer.refuse(REJECTED, only_to=JULIE)

    report = world.service.send_alerts("daily", NOW)

    assert (report.sent, report.failed) == (1, 1) and len(world.mailer.to(ALEX)) == 1
    assert world.sends.state(SendKey(TEST_KEYS(JULIE), DAY)) == "failed"
    assert world.pending_for(JULIE) == {"seao:soon", "seao:late"}
    assert world.service.send_alerts("daily", NOW).sent == 1  # the same period, tried again


@pytest.mark.parametrize(("refusal", "stopped"), [(PAUSED, "sending-paused"), (THROTTLED, "throttled")])
def test_ses_stopping_stops_the_run_and_keeps_everything_pending(
    world: World, refusal: Exception, stopped: str
) -> None:
    world.mailer.refuse(refusal, times=100)

    report = world.service.send_alerts("daily", NOW)

    assert report.stopped == stopped and report.sent == 0 and report.deferred == 3  # nobody reached
    assert world.mailer.sent == [] and world.pending_for(JULIE) == {"seao:soon", "seao:late"}
    assert world.sends.state(SendKey(TEST_KEYS(JULIE), DAY)) == "failed"


def test_a_crash_after_ses_accepted_the_email_never_sends_it_again_in_that_period(world: World) -> None:
    world.matches.fail("mark_told", RuntimeError("Lambda timed out"))

    crashed = world.service.send_alerts("daily", NOW)
    replay = world.service.send_alerts("daily", NOW)

    assert (crashed.failed, replay.already_sent) == (1, 1) and len(world.mailer.to(JULIE)) == 1
    assert world.sends.state(SendKey(TEST_KEYS(JULIE), DAY)) == "sending"  # in doubt: never sent twice


def test_unsubscribed_and_suppressed_addresses_are_skipped_before_anything_is_read(world: World) -> None:
    world.service.send_alerts("weekly", NOW)  # registers everyone, sends nothing
    world.subscriptions.unsubscribe(TEST_KEYS(JULIE), how="test", wording_version="t", language="fr", now=NOW)
    world.subscriptions.suppress(TEST_KEYS(ALEX), reason="bounce", detail="Permanent", event_id="1", at=NOW)

    report = world.service.send_alerts("daily", NOW)

    assert (report.unsubscribed, report.suppressed, report.sent) == (1, 1, 0) and world.mailer.sent == []


def test_a_run_out_of_time_defers_everyone_left(world: World) -> None:
    report = world.service.send_alerts("daily", NOW, time_left=lambda: 30.0)

    assert (report.deferred, report.sent) == (3, 0) and world.pending_for(JULIE) == {"seao:soon", "seao:late"}


def test_the_preview_renders_the_next_alert_and_writes_nothing(world: World) -> None:
    preview = world.service.preview("coop", "en")

    assert preview.email is not None and preview.email.subject.startswith("2 new tenders for Coop de propreté")
    assert (preview.status, preview.language) == ("active", "en")
    assert world.subscriptions.by_address == {} and world.sends.records == {} and world.mailer.sent == []
    with pytest.raises(UnknownEnterprise):
        world.service.preview("nobody")
