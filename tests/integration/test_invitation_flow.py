"""An invitation on moto, through the real handlers: posted, matched from the match queue, handed to
send_invitation_alerts through its queue, accepted by SES; amended and cancelled the same way."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from esja.ingest.changes import Change, plan_change
from esja.signatory_space.invitation_tender import as_tender
from esja.signatory_space.publication import Publication
from esja.sources.catalogue import INVITATIONS_SOURCE
from esja.store.invitations import InvitationStore
from local.outbox import sent_emails
from local.runtime import LocalAws
from tests.invitation_builders import RIMOUSKI, SignatoriesOnMoto, as_form, invitation_fields
from tests.pledge_builders import BASE_URL

JULIE, PAUL = "direction@menage.example.org", "paul@traiteur.example.org"
TITLE = "Entretien ménager de la bibliothèque Lisette-Morin"


@pytest.fixture
def world(aws: LocalAws) -> SignatoriesOnMoto:
    world = SignatoriesOnMoto(aws)
    world.add_enterprise("menage-bsl", JULIE)
    world.add_enterprise("traiteur", PAUL, codes=("90101600",))
    return world


def to(address: str) -> list[str]:
    return [e.subject for e in sent_emails() if address in e.to]


def test_a_posted_invitation_is_in_the_matched_enterprises_inbox_after_both_queues(world: SignatoriesOnMoto) -> None:
    invitation = world.post()

    assert world.deliver() == 1

    [email] = [e for e in sent_emails() if JULIE in e.to]
    text = email.part("text/plain")
    assert TITLE in text and "Ville de Rimouski" in text
    assert f"http://127.0.0.1:3000/invitations/{invitation.id}" in text
    assert email.message["List-Unsubscribe"]  # a commercial e-mail like any alert
    assert to(PAUL) == []  # the caterer's profile does not match
    daily = world.aws.invoke("SendAlertsFunction", {"frequency": "daily"}, world.send_env)
    assert daily["sent"] == 0  # told at once: not again at 7 h


def test_amending_then_cancelling_tells_every_enterprise_already_told(world: SignatoriesOnMoto) -> None:
    invitation = world.post()
    world.deliver()

    later = datetime.now(UTC) + timedelta(days=15)
    world.service.amend(world.actors[RIMOUSKI], invitation.id, as_form(invitation_fields(later)))
    world.deliver()
    world.service.cancel(world.actors[RIMOUSKI], invitation.id)
    world.deliver()

    texts = [e.part("text/plain") for e in sent_emails() if JULIE in e.to]
    assert len(texts) == 3
    assert re.search(r"modifi", texts[1], re.IGNORECASE) and re.search(r"annul", texts[2], re.IGNORECASE)
    assert to(PAUL) == []


def test_an_invitation_and_its_tender_are_written_together_or_not_at_all(world: SignatoriesOnMoto) -> None:
    invitation = world.post()
    key = f"{INVITATIONS_SOURCE}:ocds-esja00-{invitation.id}"
    stored = world.tenders.get(key)
    assert stored is not None
    store = InvitationStore(world.names["InvitationsTable"], world.names["TendersTable"], world.dynamodb)
    now = datetime.now(UTC)

    copy = replace(invitation, details=replace(invitation.details, title=replace(invitation.details.title, fr="Autre")))
    change = plan_change(as_tender(copy, Publication(BASE_URL), now), stored[1], now)
    assert isinstance(change, Change)

    assert store.add(copy, change) is False  # its id is taken
    assert store.replace(replace(copy, version=2), change, expected_version=5) is False  # not the version read
    tender, version = world.tenders.get(key) or (None, None)
    assert tender is not None and tender.title.fr == TITLE and version == stored[1]
    assert world.service.public(invitation.id) == invitation


def test_an_invitation_past_its_retention_is_gone_from_the_page_and_the_feed(world: SignatoriesOnMoto) -> None:
    invitation = world.post()
    world.dynamodb.update_item(
        TableName=world.names["InvitationsTable"],
        Key={"invitation_id": {"S": invitation.id}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": "1"}},
    )

    assert world.service.public(invitation.id) is None
    assert world.service.package()["releases"] == []
