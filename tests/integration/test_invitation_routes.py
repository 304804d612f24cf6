"""The invitations' public pages on moto, through the web function's real handler: each invitation in
French and English, the OCDS package (valid, read back by ESJA's own OCDS poller), hostile values inert."""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esja.bootstrap import build_poll_service
from esja.config import Settings
from esja.signatory_space.invitation import Invitation
from esja.sources.catalogue import INVITATIONS_SOURCE
from local.feed_server import FeedServer, Route
from local.outbox import sent_emails
from local.runtime import LocalAws, environment, local_aws
from tests.invitation_builders import MATANE, RIMOUSKI, SignatoriesOnMoto, as_form, invitation_fields
from tests.ocds_schema import problems, release_package_validator
from tests.pledge_builders import main_of

TITLE = "Entretien ménager de la bibliothèque Lisette-Morin"
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</title><script>x()</script>",
)


@pytest.fixture
def world(aws: LocalAws) -> SignatoriesOnMoto:
    return SignatoriesOnMoto(aws)


def test_the_page_says_what_where_until_when_and_how_to_answer_in_french(world: SignatoriesOnMoto) -> None:
    closing = (datetime.now(UTC) + timedelta(days=10)).replace(hour=19, minute=0, second=0, microsecond=0)
    invitation = world.post(closing=closing)

    page = world.web.get(f"/invitations/{invitation.id}")

    assert page["statusCode"] == 200 and page["headers"]["Content-Language"] == "fr"
    shown = main_of(page)
    assert TITLE in shown and "Ville de Rimouski" in shown
    assert "à 14\u00a0h" in shown or "à 15\u00a0h" in shown  # 19:00 UTC in Montréal, whatever the season
    assert "24\u00a0500\u00a0$" in shown and "Rimouski (01 Bas-Saint-Laurent)" in shown
    assert "76111500" in shown and "Toute entreprise" in shown
    assert 'href="mailto:approvisionnement@ville.rimouski.example.org"' in page["body"]
    assert 'href="/ocds/invitations.json"' in page["body"]


def test_the_page_is_english_on_request_with_the_french_words_marked(world: SignatoriesOnMoto) -> None:
    invitation = world.post()
    bilingual = world.post(MATANE, municipality="Matane", title_en="Cleaning of the arena")

    french_only = world.web.get(f"/invitations/{invitation.id}?lang=en")
    english = world.web.get(f"/invitations/{bilingual.id}?lang=en")

    assert french_only["headers"]["Content-Language"] == "en"
    assert f'<h1 lang="fr">{html.escape(TITLE, quote=False)}</h1>' in french_only["body"].replace("&#39;", "'")
    assert "Deadline" in main_of(french_only) and "Any enterprise" in main_of(french_only)
    assert "<h1>Cleaning of the arena</h1>" in english["body"]


def test_an_unknown_or_malformed_invitation_is_not_found(world: SignatoriesOnMoto) -> None:
    for path in ("/invitations/0123456789", "/invitations/NOT-AN-ID", "/invitations/%3Cscript%3E"):
        assert world.web.get(path)["statusCode"] == 404


def test_a_cancelled_invitation_says_so_and_offers_no_way_to_answer(world: SignatoriesOnMoto) -> None:
    invitation = world.post()
    world.service.cancel(world.actors[RIMOUSKI], invitation.id)

    shown = main_of(world.web.get(f"/invitations/{invitation.id}"))

    assert "Cette invitation a été annulée" in shown and "Comment répondre" not in shown


def test_before_the_first_invitation_there_is_no_package_yet(world: SignatoriesOnMoto) -> None:
    answer = world.web.get("/ocds/invitations.json")

    # A release package holds at least one release (the OCDS schema): none yet is a 404, not an invalid package.
    assert answer["statusCode"] == 404 and answer["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(answer["body"]) == {"error": "no invitation published yet"}
    world.post()
    assert world.web.get("/ocds/invitations.json")["statusCode"] == 200


def test_the_ocds_package_is_valid_and_read_back_by_esjas_own_poller(
    world: SignatoriesOnMoto, publisher: FeedServer, shared_data: Path
) -> None:
    invitations = [world.post(), world.post(MATANE, municipality="Matane", title_en="Cleaning of the arena")]

    answer = world.web.get("/ocds/invitations.json")

    assert answer["statusCode"] == 200 and answer["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert answer["headers"]["Access-Control-Allow-Origin"] == "*"
    package = json.loads(answer["body"])
    assert problems(release_package_validator(shared_data), package) == []
    publisher.routes["/ocds/invitations.json"] = Route(answer["body"].encode())
    with environment(world.aws.environment("PollTendersFunction")):
        poll = build_poll_service(Settings.from_env(), dynamodb=world.dynamodb, sqs=world.aws.client("sqs"))
    report = poll.poll_source("relu", fmt="ocds", url=publisher.url("/ocds/invitations.json"))
    assert report.ok and report.totals["new"] == 2 and report.totals["rejected"] == 0
    for invitation in invitations:
        ours = world.tenders.get(f"{INVITATIONS_SOURCE}:ocds-esja00-{invitation.id}")
        theirs = world.tenders.get(f"relu:ocds-esja00-{invitation.id}")
        assert ours is not None and theirs is not None
        assert (theirs[0].title, theirs[0].closing_at, theirs[0].unspsc_codes) == (
            ours[0].title,
            ours[0].closing_at,
            ours[0].unspsc_codes,
        )
        assert theirs[0].regions is not None and theirs[0].regions.codes == ("01",)  # inferred from the words


# --- hostile values, on moto started once for the module ---------------------------------------------------


@pytest.fixture(scope="module")
def hostile_world() -> Iterator[SignatoriesOnMoto]:
    with local_aws() as aws:
        world = SignatoriesOnMoto(aws)
        world.add_enterprise("menage-bsl", "direction@menage.example.org")
        yield world


def hostile_text(prefix: str) -> st.SearchStrategy[str]:
    return st.builds(lambda p, rest: f"{prefix} {p} {rest}", st.sampled_from(PAYLOADS), st.text(max_size=30))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=hostile_text("Entretien ménager"),
    description=hostile_text("Nettoyage des planchers et des toilettes"),
    documents=hostile_text("Hôtel de ville"),
)
def test_hostile_values_never_reach_a_page_an_email_or_the_feed_unescaped(
    hostile_world: SignatoriesOnMoto, title: str, description: str, documents: str
) -> None:
    signatory = hostile_world.signatory(f"Ville numéro {next(_TOWNS)}")  # a few invitations a day each
    saved = hostile_world.service.post(
        signatory,
        as_form(
            {
                **_fields(),
                "title_fr": title,
                "title_en": title,
                "description_fr": description,
                "documents": documents,
            }
        ),
    )
    before = len(sent_emails())
    if saved.invitation is None:  # refused (an invisible character…): nothing shown
        assert saved.form is not None and saved.form.errors
        return
    invitation: Invitation = saved.invitation
    assert hostile_world.deliver() == 1
    assert len(sent_emails()) == before + 1

    for lang in ("fr", "en"):
        page = hostile_world.web.get(f"/invitations/{invitation.id}?lang={lang}")
        assert page["statusCode"] == 200
        assert not [p for p in PAYLOADS if p in page["body"]]
    for email in sent_emails()[before:]:
        assert not [p for p in PAYLOADS if p in email.part("text/html")]
    feed = hostile_world.web.get("/ocds/invitations.json")
    assert feed["headers"]["Content-Type"].startswith("application/json")
    assert json.loads(feed["body"])["releases"][0]["tender"]["title"] == saved.invitation.details.title.fr


def _fields() -> dict[str, Any]:
    return invitation_fields(datetime.now(UTC) + timedelta(days=10))


_TOWNS = itertools.count(1)
