"""Removing an enterprise, on fakes: all of it goes, and its subscribers' personal information with it,
except what another enterprise still needs and the evidence of consent, which expires three years on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from esja.alerts.links import SubscriberLinks
from esja.alerts.model import Preferences
from esja.alerts.service import AlertService
from esja.digest.outcomes import ContractWon
from esja.directory.listing import Listing, ListingRecord
from esja.directory.public import PublicDirectory
from esja.enterprises.removal import CONSENT_EVIDENCE_RETENTION, EnterpriseRemoval, Leaving, UnknownEnterprises
from esja.feedback.model import Vote
from esja.model import Enterprise, Match, Text
from esja.people.actor import at_the_terminal
from esja.sends import SendKey
from esja.tokens import SigningKeys
from tests.alert_builders import REASONS, enterprise, profile, subscriber, tender
from tests.fakes import TEST_KEYS, FakeWorld

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
JULIE, SHARED, ALEX = "direction@coop.example.org", "compta@grappe.example.org", "partners@voisins.example.org"
THREE_YEARS_ON = NOW + CONSENT_EVIDENCE_RETENTION


class World(FakeWorld):
    def __init__(self, *enterprises: Enterprise) -> None:
        super().__init__(NOW)
        self.enterprises.save(enterprises, [profile(e.id) for e in enterprises])
        links = SubscriberLinks("https://esja.example.org", SigningKeys.from_list(("test-key",)))
        self.alerts = self.build(AlertService, links=links)
        self.removal = self.build(EnterpriseRemoval)

    def match(self, enterprise_id: str, native_id: str) -> None:
        item = tender(native_id)
        self.tenders.publish(item, self.clock())
        self.matches.record_match(Match(enterprise_id, "menage", item.key, 2.0, REASONS), ("menage",), "h", NOW)

    def subscribed(self, address: str) -> tuple[str | None, set[str]]:
        """The address's link id and the enterprises its listing names."""
        state = self.subscriptions.state(TEST_KEYS(address))
        return state.subscriber_id, {e for e, _ in state.listing.enterprises} if state.listing else set()

    def consents(self, address: str) -> list[tuple[str, str | None, datetime | None]]:
        return [
            (r.kind, r.details.get("enterprise_id"), r.expires_at)
            for r in self.subscriptions.history(TEST_KEYS(address))
        ]


@pytest.fixture
def world() -> World:
    coop = enterprise("coop", subscriber(JULIE), subscriber(SHARED), name="Coop de propreté")
    world = World(coop, enterprise("voisins", subscriber(SHARED), subscriber(ALEX, language="en"), name="Les Voisins"))
    world.match("coop", "a")
    world.match("voisins", "b")
    world.alerts.send_alerts("daily", NOW)  # every address registered, its consents logged, an alert sent
    return world


def test_the_enterprise_its_profiles_and_its_alert_items_go_and_its_contracts_won_stay(world: World) -> None:
    won = ContractWon(
        "coop", "Coop", "seao:a", "1", Text("Entretien"), Text("Ville de Rimouski"), None, None, "Coop", "neq"
    )
    world.matches.record_won(won, NOW)
    version = world.enterprises.version()

    removal = world.removal.remove(at_the_terminal(), ["coop"])

    assert removal.done and removal.enterprises == (Leaving("coop", "Coop de propreté", (), 1, 1, 1, 1, 0),)
    assert "coop" not in world.enterprises.enterprises and ("coop", "menage") not in world.enterprises.profiles
    assert [key for key in world.matches.items_by_key if key[0] == "coop"] == []
    assert list(world.matches.won) == [("coop", won.record_key)]  # public award data: the programme's results
    assert world.enterprises.version() > version  # every matcher rebuilds its index without the profiles


def test_its_peoples_answers_to_was_it_relevant_go_with_it_and_the_other_enterprises_stay(world: World) -> None:
    for enterprise_id, native_id in (("coop", "a"), ("voisins", "b")):
        vote = Vote(enterprise_id, tender(native_id).key, "sid-1", ("menage",), False, NOW, tender(native_id))
        world.votes.record_vote(vote)

    removal = world.removal.remove(at_the_terminal(), ["coop"])

    assert world.votes.votes_of("coop") == [] and len(world.votes.votes_of("voisins")) == 1
    assert removal.enterprises[0].votes == 1


def test_each_removal_is_audited_as_its_actors_doing_with_counts_only(world: World) -> None:
    removal = world.removal.remove(at_the_terminal(), ["coop", "voisins"])
    world.removal.plan([])

    records = world.audit_log.records
    assert [(r.action, r.item.id, r.actor_id, r.network) for r in records] == [
        ("enterprise.remove", "coop", "terminal", "terminal"),
        ("enterprise.remove", "voisins", "terminal", "terminal"),
    ]
    assert [r.details for r in records] == [leaving.details() for leaving in removal.enterprises]


def test_an_address_nothing_else_needs_loses_all_but_the_evidence_which_expires_three_years_on(world: World) -> None:
    julie = TEST_KEYS(JULIE)
    sid = world.subscriptions.state(julie).subscriber_id
    assert sid is not None and world.sends.state(SendKey(julie, "daily#2026-11-20")) == "sent"

    world.removal.remove(at_the_terminal(), ["coop"])

    assert world.subscribed(JULIE) == (None, set())
    assert world.subscriptions.state(julie).preferences is None
    assert world.subscriptions.address_of(sid) is None  # the links in the alerts she kept lead nowhere
    assert world.sends.state(SendKey(julie, "daily#2026-11-20")) is None
    assert world.consents(JULIE) == [("consent", "coop", THREE_YEARS_ON)]


def test_an_address_another_enterprise_subscribes_keeps_only_what_that_one_needs(world: World) -> None:
    shared = TEST_KEYS(SHARED)
    sid = world.subscriptions.state(shared).subscriber_id
    world.subscriptions.save_preferences(
        shared,
        Preferences("weekly", "fr", profiles_off=frozenset({"coop/menage", "voisins/menage"})),
        how="page",
        wording_version="v1",
        now=NOW,
    )

    world.removal.remove(at_the_terminal(), ["coop"])

    state = world.subscriptions.state(shared)
    assert world.subscribed(SHARED) == (sid, {"voisins"})
    assert state.listing is not None and [p.ref for p in state.listing.profiles] == ["voisins/menage"]
    assert state.preferences == Preferences("weekly", "fr", profiles_off=frozenset({"voisins/menage"}))
    assert sorted(world.consents(SHARED), key=str) == sorted(
        [("consent", "coop", THREE_YEARS_ON), ("consent", "voisins", None), ("preferences", None, None)], key=str
    )


def test_the_other_enterprise_still_alerts_the_shared_address(world: World) -> None:
    before = len(world.mailer.to(SHARED))
    world.removal.remove(at_the_terminal(), ["coop"])
    world.match("voisins", "c")

    world.alerts.send_alerts("daily", NOW + timedelta(days=1))

    [email] = world.mailer.to(SHARED)[before:]
    assert "Les Voisins" in email.subject and "Coop de propreté" not in email.text


def test_its_directory_listing_leaves_at_once_and_its_choices_stay_as_evidence(world: World) -> None:
    listing = Listing(Text("Entretien ménager d'immeubles à Rimouski."), ("01",), website="https://coop.example.org")
    listed = ListingRecord("coop", "Coop de propreté", "coop", (), listing, NOW, listed_since=NOW, version=1)
    world.listings.write(listed, public=True)
    directory = world.build(PublicDirectory)
    assert directory.listed(["coop"]) == {"coop"}

    world.removal.remove(at_the_terminal(), ["coop"])

    assert directory.listed(["coop"]) == set() and directory.entry("coop") is None
    assert world.listings.purge_at == {"coop": THREE_YEARS_ON}
    world.removal.plan(["voisins"])
    assert "voisins" not in world.listings.purge_at  # a plan changes nothing


def test_a_dry_run_says_what_would_go_and_changes_nothing(world: World) -> None:
    before = (dict(world.enterprises.enterprises), dict(world.matches.items_by_key), world.consents(SHARED))

    plan = world.removal.plan(["coop", "voisins"])

    assert not plan.done and plan.evidence_until == THREE_YEARS_ON
    assert plan.enterprises == (
        Leaving("coop", "Coop de propreté", (), 1, 2, 0),  # the shared address goes too: nothing else needs it
        Leaving("voisins", "Les Voisins", (), 1, 2, 0),
    )
    assert (dict(world.enterprises.enterprises), dict(world.matches.items_by_key), world.consents(SHARED)) == before


def test_pruning_plans_the_removal_of_every_enterprise_the_file_leaves_out(world: World) -> None:
    voisins = world.enterprises.enterprises["voisins"]
    newcomer = enterprise("grappe", subscriber(JULIE), name="La Grappe")  # Julie moves to a new enterprise

    plan = world.removal.plan_prune([voisins, newcomer], [profile("voisins"), profile("grappe")])

    assert plan.enterprises == (Leaving("coop", "Coop de propreté", (), 1, 0, 2),)  # both addresses stay subscribed
    assert world.removal.plan_prune(list(world.enterprises.enterprises.values()), []).enterprises == ()


def test_an_unknown_enterprise_is_refused_and_nothing_changes(world: World) -> None:
    with pytest.raises(UnknownEnterprises) as refused:
        world.removal.remove(at_the_terminal(), ["coop", "nobody"])

    assert refused.value.enterprise_ids == ("nobody",)
    assert "coop" in world.enterprises.enterprises and world.subscribed(JULIE)[0] is not None


def test_an_address_that_unsubscribed_is_never_written_to_again_when_its_enterprise_comes_back(world: World) -> None:
    julie = TEST_KEYS(JULIE)
    world.subscriptions.unsubscribe(julie, how="lien", wording_version="v1", language="fr", now=NOW)
    coop = world.enterprises.enterprises["coop"]

    world.removal.remove(at_the_terminal(), ["coop"])
    assert world.subscriptions.by_address[julie].marks_expire_at == THREE_YEARS_ON
    world.clock.advance(days=30)
    world.enterprises.save([coop], [profile("coop")])  # imported again, with the same consent
    world.match("coop", "d")
    report = world.alerts.send_alerts("daily", world.clock())

    assert report.unsubscribed == 1 and len(world.mailer.to(JULIE)) == 1  # the alert sent before she left
    # The relationship is back: its consent is needed again, no longer set to expire.
    assert ("consent", "coop", None) in world.consents(JULIE)


def test_a_removal_cut_short_by_aws_is_finished_by_running_it_again(world: World) -> None:
    world.matches.fail("remove_alert_items")

    with pytest.raises(Exception, match="Throttling"):
        world.removal.remove(at_the_terminal(), ["coop"])
    assert "coop" in world.enterprises.enterprises  # the enterprise goes last: the next run finds it

    world.removal.remove(at_the_terminal(), ["coop"])

    assert "coop" not in world.enterprises.enterprises and world.subscribed(JULIE) == (None, set())
    assert world.consents(JULIE) == [("consent", "coop", THREE_YEARS_ON)]


def test_evidence_already_set_to_expire_keeps_its_earlier_date(world: World) -> None:
    world.removal.remove(at_the_terminal(), ["coop"])  # the shared address's consent for coop: three years from now
    world.clock.advance(days=100)

    world.removal.remove(at_the_terminal(), ["voisins"])

    later = world.clock() + CONSENT_EVIDENCE_RETENTION
    assert sorted(world.consents(SHARED), key=str) == sorted(
        [("consent", "coop", THREE_YEARS_ON), ("consent", "voisins", later)], key=str
    )


def test_the_removal_report_holds_no_personal_information(world: World) -> None:
    """What the audit log says of it: enterprises and counts."""
    removal = world.removal.remove(at_the_terminal(), ["coop"])
    shown = repr(world.removal.plan(["voisins"])) + repr(removal) + repr(removal.enterprises[0].details())

    assert not [address for address in (JULIE, SHARED) if address in shown or TEST_KEYS(address) in shown]
    assert removal.enterprises[0].details() == {
        "name": "Coop de propreté",
        "profiles": "1",
        "addresses_forgotten": "1",
        "addresses_kept": "1",
        "alert_items": "1",
        "votes": "0",
    }
