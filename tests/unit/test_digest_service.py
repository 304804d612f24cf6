"""weekly_digest on fakes: each organizer's digest of a week sent once and archived, whatever fails."""

from __future__ import annotations

from datetime import timedelta

import pytest

from esja.digest.links import DigestLinks, archive_key
from esja.digest.service import DigestService
from esja.model import Supplier, Tender
from esja.sends import SendKey
from esja.tokens import SigningKeys
from tests.digest_builders import CESIM, ESBSL, MONDAY, WEEK, awarded, enterprise, tender
from tests.fakes import REJECTED, FakeWorld

SUNDAY_NIGHT = WEEK.end + timedelta(hours=8)  # Monday 8:00, when the schedule runs


class World(FakeWorld):
    def __init__(self) -> None:
        super().__init__(SUNDAY_NIGHT)
        self.organizers.save_organizers([ESBSL, CESIM])
        self.enterprises.save([enterprise("coop", "Coop de propreté", neq="1170000001")], [])
        links = DigestLinks("https://esja.example.org", SigningKeys.from_list(("digest-test-key",)))
        self.service = self.build(DigestService, links=links)

    def publish(self, item: Tender) -> None:
        self.tenders.publish(item, MONDAY)


@pytest.fixture
def world() -> World:
    world = World()
    world.publish(tender("a"))
    return world


def test_each_organizer_gets_the_week_that_ended_in_its_language_and_archived(world: World) -> None:
    report = world.service.send_week(scheduled_at=SUNDAY_NIGHT)

    assert (report.week, report.organizers, report.sent) == (str(WEEK), 2, 2)
    [french] = world.mailer.to(ESBSL.email)
    [english] = world.mailer.to(CESIM.email)
    assert (french.language, english.language) == ("fr", "en") and "/sommaire?jeton=" in french.text
    assert set(world.archive.pages) == {archive_key("esbsl", WEEK), archive_key("cesim", WEEK)}


def test_a_replay_sends_nothing_twice(world: World) -> None:
    world.service.send_digests(WEEK)

    replay = world.service.send_digests(WEEK)

    assert (replay.sent, replay.already_sent) == (0, 2) and len(world.mailer.sent) == 2


def test_a_refusal_costs_only_that_digest_and_the_retry_sends_only_it(world: World) -> None:
    world.mailer.refuse(REJECTED, only_to=CESIM.email)

    report = world.service.send_digests(WEEK)
    retry = world.service.send_digests(WEEK)

    assert (report.sent, report.failed) == (1, 1) and (retry.sent, retry.already_sent) == (1, 1)
    assert len(world.mailer.to(CESIM.email)) == 1 and len(world.mailer.to(ESBSL.email)) == 1


def test_no_answer_from_ses_leaves_the_digest_in_doubt_never_sent_twice(world: World) -> None:
    world.mailer.refuse(TimeoutError("read timeout"), only_to=ESBSL.email)

    report = world.service.send_digests(WEEK)
    replay = world.service.send_digests(WEEK)

    assert (report.sent, report.in_doubt) == (1, 1) and (replay.in_doubt, replay.already_sent) == (1, 1)
    assert world.mailer.to(ESBSL.email) == []
    assert world.archive.get(archive_key("esbsl", WEEK)) is not None  # there to forward by hand


def test_a_digest_that_could_not_be_archived_is_not_sent_and_the_next_run_sends_it(world: World) -> None:
    world.archive.fail("put")

    report = world.service.send_digests(WEEK)
    retry = world.service.send_digests(WEEK)

    assert (report.sent, report.failed) == (1, 1) and (retry.sent, retry.already_sent) == (1, 1)


def test_a_run_that_died_while_preparing_is_taken_over_after_fifteen_minutes_only(world: World) -> None:
    world.sends.claim(SendKey("esbsl", str(WEEK)), SUNDAY_NIGHT - timedelta(minutes=20))
    world.sends.claim(SendKey("cesim", str(WEEK)), SUNDAY_NIGHT - timedelta(minutes=1))

    report = world.service.send_digests(WEEK)

    assert (report.sent, report.in_flight) == (1, 1) and world.mailer.to(CESIM.email) == []


def test_a_contract_won_is_recorded_once_whoever_reads_the_digest(world: World) -> None:
    world.publish(awarded("won", Supplier("Coop de propreté", neq="1170000001"), "45990"))

    first, again = world.service.send_digests(WEEK), world.service.send_digests(WEEK)

    assert (first.contracts_recorded, again.contracts_recorded) == (1, 0)
    [(enterprise_id, _)] = world.matches.won
    assert enterprise_id == "coop"


def test_a_week_given_by_name_is_the_one_sent() -> None:
    world = World()

    report = world.service.send_week(str(WEEK.previous), scheduled_at=SUNDAY_NIGHT)

    assert report.week == str(WEEK.previous)
    with pytest.raises(ValueError, match="2026-W99"):
        world.service.send_week("2026-W99")
