"""The console's home and journal, and the spaces' homes: each person sees theirs (esja.console, *_space)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from esja.audit.log import Item
from esja.console.home import Console
from esja.console.journal import Journal
from esja.enterprise_space.home import EnterpriseSpace
from esja.ingest.feed_state import FeedState
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from esja.pledges.model import Verdict
from esja.signatory_space.home import SignatorySpace
from tests.space_builders import CESIM, ESBSL, EVERYWHERE, JULIE, NOW, People, pledge


@pytest.fixture
def people() -> People:
    return People()


def test_an_organizer_counts_the_pledges_to_verify_of_their_regions(people: People) -> None:
    waiting = pledge("p-montreal-waiting", "achats2@montreal.example.org", region="06", verdict=Verdict())
    people.world.pledges.by_id[waiting.id] = waiting
    console = people.world.build(Console)

    esbsl = console.home(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"))
    cesim = console.home(people.actor(CESIM.email, Role.ORGANIZER, "cesim"))
    everywhere = console.home(people.actor(EVERYWHERE.email, Role.ORGANIZER, "chantier"))

    assert (esbsl.to_verify, cesim.to_verify, everywhere.to_verify) == (1, 1, 2)
    assert esbsl.oldest_to_verify == NOW - timedelta(days=2)


def test_the_home_shows_a_feed_failing_since_its_last_success(people: People) -> None:
    ok = FeedState("seao", last_success_at=(NOW - timedelta(hours=2)).isoformat())
    failing = FeedState(
        "canadabuys-new",
        last_success_at=(NOW - timedelta(days=3)).isoformat(),
        last_error="HTTP 503",
        last_error_at=(NOW - timedelta(hours=1)).isoformat(),
    )
    people.world.feed_states.saved = {"seao": ok, "canadabuys-new": failing}

    home = people.world.build(Console).home(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"))

    assert [(f.feed, f.failing_since is not None) for f in home.feeds] == [("canadabuys-new", True), ("seao", False)]


@pytest.mark.parametrize("space", [Console, Journal])
def test_the_console_refuses_everyone_but_organizers(people: People, space: type) -> None:
    julie = people.actor(JULIE.email, Role.ENTERPRISE, "ateliers-mon-choix")
    use_case = people.world.build(space)

    with pytest.raises(NotAllowed):
        use_case.home(julie) if space is Console else use_case.read(julie, date(2026, 11, 1), date(2026, 11, 30))


def test_the_journal_shows_an_organizer_their_regions_and_their_own_actions(people: People) -> None:
    esbsl = people.actor(ESBSL.email, Role.ORGANIZER, "esbsl")
    cesim = people.actor(CESIM.email, Role.ORGANIZER, "cesim")
    audit = people.world.audit
    audit.record(cesim, "pledge.verify", Item("pledge", "p-montreal"), regions=("06",))
    people.world.clock.advance(minutes=1)
    audit.record(esbsl, "pledge.verify", Item("pledge", "p-verified"), regions=("01",))
    people.world.clock.advance(minutes=1)
    audit.record(esbsl, "sessions.end-all", Item("person", "abc"))
    journal = people.world.build(Journal)
    day = NOW.date()

    assert [r.item.id for r in journal.read(esbsl, day, day).records] == ["abc", "p-verified"]  # newest first
    assert [r.item.id for r in journal.read(cesim, day, day).records] == ["p-montreal"]
    everything = journal.read(people.actor(EVERYWHERE.email, Role.ORGANIZER, "chantier"), day, day)
    assert len(everything.records) == 3
    assert [r.item.id for r in journal.read(esbsl, day, day, "sessions.end-all").records] == ["abc"]


@pytest.mark.parametrize(
    ("first", "last"), [(date(2026, 11, 2), date(2026, 11, 1)), (date(2025, 1, 1), date(2026, 11, 1))]
)
def test_the_journal_reads_a_day_to_a_year(people: People, first: date, last: date) -> None:
    with pytest.raises(NotAllowed):
        people.world.build(Journal).read(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"), first, last)


def test_an_enterprises_home_is_its_own(people: People) -> None:
    space = people.world.build(EnterpriseSpace)

    home = space.home(people.actor(JULIE.email, Role.ENTERPRISE, "ateliers-mon-choix"))

    assert home.enterprise.id == "ateliers-mon-choix"
    with pytest.raises(NotAllowed):
        space.home(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"))


def test_a_signatorys_home_is_their_pledge(people: People) -> None:
    space = people.world.build(SignatorySpace)

    assert space.home(people.actor("achats@cegep.example.org", Role.SIGNATORY, "p-verified")).id == "p-verified"
    with pytest.raises(NotAllowed):
        space.home(people.actor(JULIE.email, Role.ENTERPRISE, "ateliers-mon-choix"))
