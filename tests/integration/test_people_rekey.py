"""`esja people rekey` on moto: the Subscriptions table moves from the plain SHA-256 of each address to its keyed
hash, with nothing lost (an unsubscribe stays an unsubscribe, old links keep working), idempotent and resumable;
pledges get their address key, enterprises their manager index."""

from __future__ import annotations

import io

import pytest

from esja.alerts.links import SubscriberLinks
from esja.alerts.model import Listing, Preferences
from esja.cli import main as cli
from esja.people.rekey import plain_hash
from esja.store.subscriptions import SubscriptionStore
from esja.tokens import SigningKeys
from local.runtime import LocalAws, environment
from tests.alert_builders import NOW, AlertWorld, emails_to, enterprise, profile, subscriber, tender
from tests.moto_tables import LOCAL_KEYS
from tests.pledge_builders import BASE_URL, WebClient

JULIE, MARC = "direction@coop.example.org", "ventes@coop.example.org"
SEND = "SendAlertsFunction"  # its environment names every table the command moves


@pytest.fixture
def world(aws: LocalAws) -> AlertWorld:
    """Julie and Marc subscribed and registered under the plain hash, as before the keyed hash; Julie unsubscribed."""
    world = AlertWorld(aws)
    world.add([enterprise("coop", subscriber(JULIE), subscriber(MARC), name="Coop")], [profile("coop")])
    listing = Listing((("coop", "Coop"),), (), Preferences("daily", "fr"), ())
    legacy = SubscriptionStore(aws.resources.names["SubscriptionsTable"], aws.client("dynamodb"))
    for address in (JULIE, MARC):
        legacy.enrol(plain_hash(address), listing, NOW)
    legacy.unsubscribe(plain_hash(JULIE), how="page", wording_version="v1", language="fr", now=NOW)
    return world


def rekey(aws: LocalAws) -> str:
    out = io.StringIO()
    with environment(aws.environment(SEND)):
        assert cli(["people", "rekey"], stdout=out, environ={"LANG": "en_CA.UTF-8"}) == 0
    return out.getvalue()


def partitions(aws: LocalAws) -> set[str]:
    items = aws.client("dynamodb").scan(TableName=aws.resources.names["SubscriptionsTable"])["Items"]
    return {item["pk"]["S"] for item in items}


def test_every_known_address_moves_to_its_keyed_hash_with_its_history(aws: LocalAws, world: AlertWorld) -> None:
    julie_id = world.subscriptions.state(plain_hash(JULIE)).subscriber_id

    report = rekey(aws)

    assert "partitions moved: 2" in report and "unknown partitions: 0" in report
    assert not {f"address#{plain_hash(a)}" for a in (JULIE, MARC)} & partitions(aws)
    state = world.subscriptions.state(LOCAL_KEYS(JULIE))
    assert state.subscriber_id == julie_id and state.unsubscribed_at is not None
    assert [r.kind for r in world.subscriptions.history(LOCAL_KEYS(JULIE))] == ["unsubscribe"]
    assert world.subscriptions.address_of(julie_id or "") == LOCAL_KEYS(JULIE)


def test_after_the_move_an_unsubscribed_address_still_gets_nothing_and_its_old_link_works(
    aws: LocalAws, world: AlertWorld
) -> None:
    julie_id = world.subscriptions.state(plain_hash(JULIE)).subscriber_id or ""
    rekey(aws)
    world.publish(tender("ocds-1"))
    world.match("coop", tender("ocds-1"))

    world.run("daily")

    assert emails_to(JULIE) == [] and len(emails_to(MARC)) == 1
    web = WebClient(aws)
    links = SubscriberLinks(BASE_URL, SigningKeys.from_list(web.keys))
    link = links.preferences_url(links.preferences_token(julie_id), "fr")
    page = web.get(link.removeprefix(BASE_URL))
    assert page["statusCode"] == 200 and "Coop" in page["body"]  # her listing, found through the moved pointer


def test_rekeying_again_moves_nothing(aws: LocalAws, world: AlertWorld) -> None:
    rekey(aws)
    before = partitions(aws)

    assert "partitions moved: 0 · items moved: 0" in rekey(aws) and partitions(aws) == before


def test_a_run_stopped_after_copying_is_finished_by_the_next(aws: LocalAws, world: AlertWorld) -> None:
    client, table = aws.client("dynamodb"), aws.resources.names["SubscriptionsTable"]
    old = client.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": f"address#{plain_hash(JULIE)}"}},
    )["Items"]
    for item in old:  # copied, then the run died: nothing repointed, nothing deleted
        client.put_item(TableName=table, Item={**item, "pk": {"S": f"address#{LOCAL_KEYS(JULIE)}"}})

    rekey(aws)

    moved = client.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": f"address#{LOCAL_KEYS(JULIE)}"}},
    )["Items"]
    assert len(moved) == len(old) and f"address#{plain_hash(JULIE)}" not in partitions(aws)


def test_an_address_no_longer_known_is_counted_not_moved(aws: LocalAws, world: AlertWorld) -> None:
    legacy = SubscriptionStore(aws.resources.names["SubscriptionsTable"], aws.client("dynamodb"))
    legacy.suppress(plain_hash("gone@example.org"), reason="bounce", detail="Permanent", event_id="e", at=NOW)

    assert "unknown partitions: 1" in rekey(aws)


def test_pledges_and_enterprises_get_what_sign_in_reads(aws: LocalAws, world: AlertWorld) -> None:
    web = WebClient(aws)
    web.submit(email="Marie@Ville.example.org")
    client, table = aws.client("dynamodb"), aws.resources.names["PledgesTable"]
    [item] = web.pledges()
    client.update_item(TableName=table, Key={"pledge_id": item["pledge_id"]}, UpdateExpression="REMOVE address_key")
    enterprises = aws.resources.names["EnterprisesTable"]
    for manager in client.scan(TableName=enterprises)["Items"]:  # as stored before the index existed
        if manager["item"]["S"].startswith("manager#"):
            client.delete_item(
                TableName=enterprises, Key={"enterprise_id": manager["enterprise_id"], "item": manager["item"]}
            )

    assert "pledges keyed: 1" in rekey(aws)

    assert web.pledges()[0]["address_key"]["S"] == LOCAL_KEYS("marie@ville.example.org")
    assert world.enterprises.managed_by(LOCAL_KEYS(JULIE)) == ["coop"]
