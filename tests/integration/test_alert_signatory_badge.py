"""send_alerts on moto: the badge shows when the tender's buyer is a signatory on the public registry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from esja.digest.signatories import SignatoryLink
from esja.model import Buyer, Text
from esja.pledges.model import BY_ORGANIZER, Verdict, Verification
from esja.store.pledges import PledgeStore
from local.runtime import LocalAws
from tests.alert_builders import AlertWorld, emails_to, enterprise, subscriber, tender
from tests.digest_builders import DigestWorld, pledge

JULIE = "direction@coop.example.org"
BADGE = "Acheteur signataire de la Déclaration d'engagement"


@pytest.fixture
def world(aws: LocalAws) -> AlertWorld:
    world = AlertWorld(aws)
    world.add([enterprise("coop", subscriber(JULIE), name="Coop de propreté")])
    return world


def sign(aws: LocalAws, pledge_id: str, institution: str, *, public: bool, verified: bool = True) -> None:
    """A pledge signed and confirmed through the pledge store, as the form does, then verified by an organizer
    (unless not `verified`)."""
    store = PledgeStore(aws.resources.names["PledgesTable"], aws.client("dynamodb"))
    now = datetime.now(UTC)
    signed = pledge(pledge_id, institution, created_at=now, confirmed_at=None)
    pending = replace(
        signed,
        details=replace(signed.details, registry_consent=public),
        token_digest="digest",
        token_expires_at=now + timedelta(days=1),
    )
    store.add(pending)
    confirmed = store.confirm(pending, now)
    assert confirmed is not None
    if verified:
        assert store.record_verdict(confirmed, Verdict(Verification.VERIFIED, now, "esbsl", BY_ORGANIZER))


def test_a_tender_of_a_signatory_on_the_registry_carries_the_badge(world: AlertWorld, aws: LocalAws) -> None:
    sign(aws, "p1", "Ville de Rimouski", public=True)
    world.match("coop", tender("rimouski", "Entretien ménager"))  # bought by « Ville de Rimouski »
    world.match("coop", tender("matane", "Déneigement", buyer=Buyer(Text("Ville de Matane"))))

    world.run("daily")

    [email] = emails_to(JULIE)
    assert email.part("text/html").count(BADGE) == 1
    text = email.part("text/plain")
    assert f"* Entretien ménager\n  [{BADGE}]" in text and text.count(BADGE) == 1


def test_an_organizers_link_to_a_seao_buyer_id_brings_the_badge(world: AlertWorld, aws: LocalAws) -> None:
    sign(aws, "p1", "Régie intermunicipale de l'énergie", public=True)
    DigestWorld(aws).organizers.add_link(SignatoryLink("p1", buyer_id="OP-36518"), datetime.now(UTC))
    world.match("coop", tender("rie", "Entretien", buyer=Buyer(Text("RIÉ BSL"), "OP-36518")))

    world.run("daily")

    assert BADGE in emails_to(JULIE)[0].part("text/html")


def test_a_signatory_who_chose_not_to_appear_on_the_registry_is_not_named(world: AlertWorld, aws: LocalAws) -> None:
    sign(aws, "p1", "Ville de Rimouski", public=False)
    world.match("coop", tender("rimouski", "Entretien ménager"))

    world.run("daily")

    assert BADGE not in emails_to(JULIE)[0].part("text/html")


def test_a_signatory_nobody_verified_yet_earns_no_badge(world: AlertWorld, aws: LocalAws) -> None:
    sign(aws, "p1", "Ville de Rimouski", public=True, verified=False)
    DigestWorld(aws).organizers.add_link(SignatoryLink("p1", buyer_id="OP-74012"), datetime.now(UTC))
    world.match("coop", tender("rimouski", "Entretien ménager"))

    world.run("daily")

    assert BADGE not in emails_to(JULIE)[0].part("text/html")
