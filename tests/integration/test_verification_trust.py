"""Nothing public can be forged: signing as an institution from an address outside its known domains and
confirming by e-mail puts nothing on the public registry, in the digest's count of signatories or its signatories'
tenders, or as a badge in the alerts — until an organizer of its region verifies it in the console. On moto, through
the real pages, the digest's and the alerts' own code."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from esja.bootstrap import build_digest_service
from esja.config import Settings
from esja.digest.weeks import Week
from esja.people.roles import Role
from local.runtime import LocalAws
from local.world import COACH
from tests.alert_builders import AlertWorld, enterprise, subscriber, tender
from tests.digest_builders import DIGEST, ENV, DigestWorld
from tests.space_web import SpaceWeb, main_text

JULIE = "julie@coop-proprete.example.org"
BADGE = "Acheteur signataire de la Déclaration d'engagement"


@pytest.fixture
def web(aws: LocalAws) -> SpaceWeb:
    """The demo's people (ESBSL's organizer; the Ville de Rimouski's domain ville.rimouski.qc.ca listed), an
    enterprise whose profile matched a tender of the Ville de Rimouski this week."""
    web = SpaceWeb(aws)
    alerts = AlertWorld(aws)
    alerts.add([enterprise("coop-proprete", subscriber(JULIE), name="Coop de propreté")])
    rimouski = tender("rimouski-menage", "Entretien ménager de l'hôtel de ville")  # bought by « Ville de Rimouski »
    alerts.match("coop-proprete", rimouski)
    return web


def public_places(web: SpaceWeb) -> dict[str, Any]:
    """Where the public (or the digest's readers, or the enterprises) would see the Ville de Rimouski as a signatory."""
    aws = web.aws
    digest = build_digest_service(
        Settings.from_env(aws.environment(DIGEST, **ENV)), dynamodb=aws.client("dynamodb"), sending=False
    )
    [preview] = digest.preview(Week.containing(datetime.now(UTC)), "esbsl", "fr")
    text = preview.email.text.replace("\u00a0", " ")
    count = re.search(r"Institutions signataires \(total\) : (\d+)", text)
    tenders = re.search(r"Nouveaux appels d'offres d'institutions signataires de la Déclaration : (\d+)", text)
    alert = AlertWorld(aws).service().preview("coop-proprete", "fr").email
    assert count and tenders and alert is not None
    return {
        "registry": "Ville de Rimouski" in main_text(web.get("/registre")),
        "digest signatories": int(count[1]),
        "digest signatories' tenders": int(tenders[1]),
        "alert badge": BADGE in alert.html,
    }


def test_a_pledge_confirmed_from_outside_the_institutions_domains_is_public_nowhere_until_verified(
    aws: LocalAws, web: SpaceWeb
) -> None:
    DigestWorld(aws)  # the digest's sender identity
    before = public_places(web)  # the demo's verified signatory: the Cégep de Rimouski

    forged = web.sign_pledge("ville.de.rimouski@courriel-gratuit.example.com")  # anyone's mailbox

    assert (
        public_places(web)
        == before
        == {
            "registry": False,
            "digest signatories": 1,
            "digest signatories' tenders": 0,
            "alert badge": False,
        }
    )
    organizer = web.session_for(COACH.email, Role.ORGANIZER, "esbsl")
    assert organizer.post("/organisation/engagements/verifier", {"pledge": forged.id})["statusCode"] == 303
    assert public_places(web) == {
        "registry": True,
        "digest signatories": 2,
        "digest signatories' tenders": 1,
        "alert badge": True,
    }


def test_a_pledge_confirmed_from_the_institutions_listed_domain_is_public_at_once(aws: LocalAws, web: SpaceWeb) -> None:
    DigestWorld(aws)

    vouched = web.sign_pledge("approvisionnement@ville.rimouski.qc.ca")

    assert vouched.is_verified_signatory
    assert public_places(web) == {
        "registry": True,
        "digest signatories": 2,
        "digest signatories' tenders": 1,
        "alert badge": True,
    }
