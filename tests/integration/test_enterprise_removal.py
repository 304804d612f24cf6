"""Removing an enterprise on moto, through the stores the command line wires: what is deleted (its people's
answers to « was it relevant? » too), what stays as evidence with the table's TTL attribute set, and that an
address that comes back is kept again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from esja.alerts.model import Preferences
from esja.bootstrap import build_enterprise_removal
from esja.config import Settings
from esja.directory.listing import ChoiceKind, Listing, ListingChoice, ListingRecord
from esja.enterprises.removal import CONSENT_EVIDENCE_RETENTION, EnterpriseRemoval, Leaving
from esja.feedback.model import Vote
from esja.model import Text
from esja.people.actor import at_the_terminal
from esja.store.directory import DirectoryStore
from esja.store.feedback import FeedbackStore
from local.runtime import LocalAws
from tests.alert_builders import ENV, NOW, SEND, AlertWorld, enterprise, profile, subscriber, tender
from tests.moto_tables import LOCAL_KEYS

JULIE, SHARED = "direction@coop.example.org", "compta@grappe.example.org"


@pytest.fixture
def world(aws: LocalAws) -> AlertWorld:
    world = AlertWorld(aws)
    world.add(
        [
            enterprise("coop", subscriber(JULIE), subscriber(SHARED), name="Coop de propreté"),
            enterprise("voisins", subscriber(SHARED), name="Les Voisins"),
        ],
        [profile("coop"), profile("voisins")],
    )
    world.match("coop", tender("a"))
    world.match("voisins", tender("b"))
    world.service().send_alerts("daily")  # both addresses registered, their consents logged, alerts sent
    return world


def removal(world: AlertWorld) -> EnterpriseRemoval:
    tables = {"DIRECTORY_TABLE": world.names["DirectoryTable"], "AUDIT_TABLE": world.names["AuditTable"]}
    settings = Settings.from_env(world.aws.environment(SEND, **ENV, **tables))
    return build_enterprise_removal(settings, dynamodb=world.aws.client("dynamodb"))


def items(world: AlertWorld, table: str) -> list[dict[str, Any]]:
    client = world.aws.client("dynamodb")
    return [i for p in client.get_paginator("scan").paginate(TableName=world.names[table]) for i in p["Items"]]


def of_address(world: AlertWorld, address: str) -> dict[str, int | None]:
    """The address's items in the Subscriptions table, by kind ("state#preferences", "send", "log#consent"…),
    with the TTL each has (epoch seconds) or None."""
    found: dict[str, int | None] = {}
    for item in items(world, "SubscriptionsTable"):
        if item["pk"]["S"] == f"address#{LOCAL_KEYS(address)}":
            sk = item["sk"]["S"]
            kind = f"log#{item['kind']['S']}" if sk.startswith("log#") else "send" if sk.startswith("send#") else sk
            found[kind] = int(item["expires_at"]["N"]) if "expires_at" in item else None
    return found


def test_an_address_nothing_else_needs_keeps_only_its_evidence_set_to_expire(world: AlertWorld) -> None:
    julie = LOCAL_KEYS(JULIE)
    world.subscriptions.unsubscribe(julie, how="lien", wording_version="v1", language="fr", now=NOW)
    sid = world.state(JULIE).subscriber_id
    before = world.enterprises.version()

    done = removal(world).remove(at_the_terminal(), ["coop"])

    expires = int(done.evidence_until.timestamp())
    assert done.enterprises == (Leaving("coop", "Coop de propreté", (), 1, 1, 1, 1, 0),)
    assert abs(done.evidence_until - (datetime.now(UTC) + CONSENT_EVIDENCE_RETENTION)) < timedelta(minutes=1)
    assert of_address(world, JULIE) == {
        "log#consent": expires,
        "log#unsubscribe": expires,
        "state#unsubscribed": expires,
    }  # no listing, no preferences, no send record
    assert not [i for i in items(world, "SubscriptionsTable") if i["pk"]["S"] == f"subscriber#{sid}"]
    assert {i["enterprise_id"]["S"] for i in items(world, "MatchesTable")} == {"voisins"}
    assert {i["enterprise_id"]["S"] for i in items(world, "EnterprisesTable")} == {"voisins", "_catalogue"}
    assert world.enterprises.version() == before + 1


def test_its_peoples_votes_go_with_it_and_another_enterprises_stay(world: AlertWorld) -> None:
    votes = FeedbackStore(world.names["MatchesTable"], world.aws.client("dynamodb"))
    sid = world.state(SHARED).subscriber_id or ""
    for enterprise_id, native_id in (("coop", "a"), ("voisins", "b")):
        votes.record_vote(Vote(enterprise_id, tender(native_id).key, sid, ("menage",), False, NOW, tender(native_id)))

    done = removal(world).remove(at_the_terminal(), ["coop"])

    assert votes.votes_of("coop") == [] and [v.enterprise_id for v in votes.votes_of("voisins")] == ["voisins"]
    assert not [i for i in items(world, "MatchesTable") if i["enterprise_id"]["S"] == "coop"]  # nothing of it
    assert done.enterprises[0].votes == 1 and done.enterprises[0].details()["votes"] == "1"


def test_an_address_another_enterprise_subscribes_keeps_what_that_one_needs(world: AlertWorld) -> None:
    shared = LOCAL_KEYS(SHARED)
    off = frozenset({"coop/menage", "voisins/menage"})
    world.subscriptions.save_preferences(
        shared, Preferences("weekly", "en", profiles_off=off), how="page", wording_version="v1", now=NOW
    )

    removal(world).remove(at_the_terminal(), ["coop"])

    state = world.state(SHARED)
    assert state.listing is not None and state.listing.enterprise_names() == ("Les Voisins",)
    assert state.preferences == Preferences("weekly", "en", profiles_off=frozenset({"voisins/menage"}))
    consents = {
        r.details["enterprise_id"]: r.expires_at for r in world.subscriptions.history(shared) if r.kind == "consent"
    }
    assert consents["voisins"] is None and consents["coop"] is not None
    assert "send" in of_address(world, SHARED)  # its alerts go on: their records stay


def test_the_table_deletes_the_evidence_by_the_attribute_set(world: AlertWorld) -> None:
    ttl = world.aws.client("dynamodb").describe_time_to_live(TableName=world.names["SubscriptionsTable"])

    assert ttl["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_an_enterprise_imported_again_makes_its_consent_evidence_needed_again(world: AlertWorld) -> None:
    removal(world).remove(at_the_terminal(), ["coop"])
    world.add([enterprise("coop", subscriber(JULIE), name="Coop de propreté")], [profile("coop")])

    world.service().send_alerts("daily", NOW + timedelta(days=1))  # registers the address again

    [consent] = world.subscriptions.history(LOCAL_KEYS(JULIE))
    assert consent.details == {"enterprise_id": "coop"} and consent.expires_at is None
    assert world.state(JULIE).subscriber_id is not None


def test_a_dry_run_changes_nothing(world: AlertWorld) -> None:
    before = [items(world, table) for table in ("EnterprisesTable", "MatchesTable", "SubscriptionsTable")]

    plan = removal(world).plan(["coop"])

    assert plan.enterprises == (Leaving("coop", "Coop de propreté", (), 1, 1, 1),) and not plan.done
    assert [items(world, table) for table in ("EnterprisesTable", "MatchesTable", "SubscriptionsTable")] == before


def test_a_removed_enterprise_leaves_the_directory_at_once_its_choices_kept_as_evidence(world: AlertWorld) -> None:
    listings = DirectoryStore(world.names["DirectoryTable"], world.aws.client("dynamodb"))
    listing = Listing(Text("Entretien ménager d'immeubles à Rimouski."), ("01",), website="https://coop.example.org")
    listed = ListingRecord("coop", "Coop de propreté", "coop", ("01",), listing, NOW, listed_since=NOW, version=1)
    chose = ListingChoice("coop", ChoiceKind.LISTED, NOW, "enterprise", "coop", LOCAL_KEYS(JULIE), "repertoire-2026-11")
    listings.write(listed, choice=chose, public=True)

    done = removal(world).remove(at_the_terminal(), ["coop"])

    assert listings.record("coop") is None and listings.published() == []
    assert listings.choices("coop") == [chose]
    [evidence] = [i for i in items(world, "DirectoryTable") if i["pk"]["S"] == "choices#coop"]
    assert int(evidence["expires_at"]["N"]) == int(done.evidence_until.timestamp())
