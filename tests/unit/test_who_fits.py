"""Who fits my tenders, on fakes: the institution's own open tenders and invitations, the listed enterprises the
matcher found for each with its reasons, and the notice ESJA sends — once, to the address the enterprise chose to
show, never to anyone else, within limits, audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from esja.model import Buyer, Match, Reason, Tender, Text
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from esja.signatory_space.fits import NOTICES_PER_DAY, Sent, WhoFits
from esja.signatory_space.invitations import InvitationService
from esja.signatory_space.notice_links import NoticeLinks, NoticeUnsubscribe
from esja.signatory_space.own_tenders import OwnTenders
from esja.tokens import SigningKeys
from tests.digest_builders import in_regions, tender
from tests.fakes import REJECTED, TEST_KEYS
from tests.invitation_builders import as_form, invitation_fields
from tests.space_builders import NOW, People

CEGEP = "achats@cegep.example.org"
MONTREAL = "achats@montreal.example.org"
CONTACT = "info@monchoix.example.org"  # what Les Ateliers Mon Choix shows in the directory
REASONS = (
    Reason("unspsc", "votre code 76111500", "your code 76111500", "76111500"),
    Reason("region", "région", "region"),
)
LINKS = NoticeLinks("https://esja.example.org", SigningKeys("notice-test-key"))


@pytest.fixture
def people() -> People:
    people = People()
    world = people.world
    own = cegep_tender("ocds-own")
    world.tenders.publish(own, NOW)
    for enterprise_id in ("ateliers-mon-choix", "coop-fjord", "unlisted"):
        world.matches.record_match(Match(enterprise_id, "menage", own.key, 1.2, REASONS), ("menage",), "h", NOW)
    world.directory.list("ateliers-mon-choix", "Les Ateliers Mon Choix", CONTACT)
    world.directory.list("coop-fjord", "Coop du Fjord")  # listed without a contact address
    return people


def cegep_tender(native_id: str, **changes: object) -> Tender:
    built = tender(native_id, "Entretien ménager du pavillon", buyer=Buyer(Text("CÉGEP DE RIMOUSKI."), "OP-24577"))
    return replace(built, **({"closing_at": NOW + timedelta(days=20)} | changes))  # type: ignore[arg-type]


def who_fits(people: People) -> WhoFits:
    world = people.world
    own = world.build(OwnTenders, buyer_links=world.organizers)
    return world.build(WhoFits, own_tenders=own, notice_links=LINKS)


def test_each_open_tender_of_the_institution_lists_the_listed_enterprises_that_fit_with_why(people: People) -> None:
    people.world.tenders.publish(cegep_tender("ocds-closed", closing_at=NOW - timedelta(days=1)), NOW)
    people.world.tenders.publish(cegep_tender("ocds-other", buyer=Buyer(Text("Ville de Matane"), "OP-1")), NOW)
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")

    [fitting] = who_fits(people).overview(actor)

    assert fitting.tender.native_id == "ocds-own"
    assert [(f.enterprise_id, f.reachable, f.notified) for f in fitting.fits] == [
        ("ateliers-mon-choix", True, False),
        ("coop-fjord", False, False),
    ]
    assert fitting.fits[0].reasons == REASONS


def test_its_invitations_are_listed_with_their_fits(people: People) -> None:
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    posted = people.world.build(InvitationService).post(actor, as_form(invitation_fields()))
    assert posted.invitation is not None
    [key] = [k for k in people.world.tenders.stored if k.startswith("esja-invitations:")]
    people.world.matches.record_match(Match("ateliers-mon-choix", "menage", key, 1.0, REASONS), ("menage",), "h", NOW)

    found = {f.tender.key: f for f in who_fits(people).overview(actor)}

    assert key in found and [f.enterprise_id for f in found[key].fits] == ["ateliers-mon-choix"]
    montreal = people.actor(MONTREAL, Role.SIGNATORY, "p-montreal")
    assert who_fits(people).overview(montreal) == []


def test_the_notice_goes_once_to_the_address_the_enterprise_chose_audited(people: People) -> None:
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    fits = who_fits(people)
    key = cegep_tender("ocds-own").key

    first, again = fits.send(actor, key, "ateliers-mon-choix"), fits.send(actor, key, "ateliers-mon-choix")

    assert (first, again) == (Sent.SENT, Sent.ALREADY)
    [email] = people.world.mailer.sent
    assert (
        email.to == CONTACT and email.unsubscribe_url and "/avis/desabonnement/un-clic?jeton=" in email.unsubscribe_url
    )
    assert "Cégep de Rimouski" in email.subject and "Entretien ménager du pavillon" in email.subject
    assert "votre code 76111500" in email.text and "https://seao.ca/avis/ocds-own" in email.text
    assert "/avis/desabonnement?jeton=" in email.html
    [record] = [r for r in people.world.audit_log.records if r.action == "notice.send"]
    assert record.details == {"enterprise": "ateliers-mon-choix"} and CONTACT not in str(record)
    assert who_fits(people).overview(actor)[0].fits[0].notified


@pytest.mark.parametrize(
    ("tender_key", "enterprise_id"),
    [
        ("seao:ocds-own", "unlisted"),  # matched, but not in the directory
        ("seao:ocds-own", "coop-deneigement-fjord"),  # listed nowhere, matched nowhere
        ("seao:ocds-unknown", "ateliers-mon-choix"),
        ("seao:ocds-matane", "ateliers-mon-choix"),  # another buyer's tender
    ],
)
def test_nothing_but_a_fit_of_its_own_tenders_can_be_reached(
    people: People, tender_key: str, enterprise_id: str
) -> None:
    matane = cegep_tender("ocds-matane", buyer=Buyer(Text("Ville de Matane"), "OP-1"))
    people.world.tenders.publish(matane, NOW)
    people.world.matches.record_match(Match("ateliers-mon-choix", "m", matane.key, 1.0, REASONS), ("m",), "h", NOW)
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")

    with pytest.raises(NotAllowed) as refused:
        who_fits(people).send(actor, tender_key, enterprise_id)

    assert refused.value.hidden and people.world.mailer.sent == []


def test_another_institution_cannot_send_the_cegeps_notices(people: People) -> None:
    montreal = people.actor(MONTREAL, Role.SIGNATORY, "p-montreal")

    with pytest.raises(NotAllowed):
        who_fits(people).send(montreal, "seao:ocds-own", "ateliers-mon-choix")
    assert people.world.mailer.sent == []


@pytest.mark.parametrize(
    ("email", "role", "item_id"),
    [
        ("julie@monchoix.example.org", Role.ENTERPRISE, "ateliers-mon-choix"),
        ("sommaire@esbsl.example.org", Role.ORGANIZER, "esbsl"),
    ],
)
def test_only_a_signatory_sees_or_sends(people: People, email: str, role: Role, item_id: str) -> None:
    actor = people.actor(email, role, item_id)
    for action in (
        lambda: who_fits(people).overview(actor),
        lambda: who_fits(people).send(actor, "seao:ocds-own", "ateliers-mon-choix"),
    ):
        with pytest.raises(NotAllowed):
            action()


def test_an_enterprise_without_a_contact_address_cannot_be_written_to(people: People) -> None:
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")

    assert who_fits(people).send(actor, "seao:ocds-own", "coop-fjord") is Sent.UNREACHABLE
    assert people.world.mailer.sent == []


def test_an_address_that_said_no_or_cannot_receive_gets_nothing(people: People) -> None:
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    key = TEST_KEYS(CONTACT)
    people.world.notice_stops.opt_out(key, how="page", at=NOW)
    assert who_fits(people).send(actor, "seao:ocds-own", "ateliers-mon-choix") is Sent.STOPPED

    people.world.notice_stops.stopped.clear()
    people.world.subscriptions.by_address[key] = replace(people.world.subscriptions._known(key), suppressed="bounce")
    assert who_fits(people).send(actor, "seao:ocds-own", "ateliers-mon-choix") is Sent.STOPPED
    assert people.world.mailer.sent == []


def test_following_the_unsubscribe_link_stops_every_later_notice(people: People) -> None:
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    who_fits(people).send(actor, "seao:ocds-own", "ateliers-mon-choix")
    token = people.world.mailer.sent[0].unsubscribe_url.split("jeton=")[1]  # type: ignore[union-attr]
    unsubscribe = people.world.build(NoticeUnsubscribe, notice_links=LINKS)

    assert unsubscribe.unsubscribe(token, how="un clic") and not unsubscribe.unsubscribe("forged", how="page")
    people.world.tenders.publish(cegep_tender("ocds-second"), NOW)
    people.world.matches.record_match(
        Match("ateliers-mon-choix", "menage", "seao:ocds-second", 1.0, REASONS), ("menage",), "h", NOW
    )
    assert who_fits(people).send(actor, "seao:ocds-second", "ateliers-mon-choix") is Sent.STOPPED
    assert len(people.world.mailer.sent) == 1


def test_notices_are_rate_limited_per_institution(people: People) -> None:
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    for n in range(NOTICES_PER_DAY + 1):
        built = cegep_tender(f"ocds-n{n}")
        people.world.tenders.publish(built, NOW)
        people.world.matches.record_match(Match(f"e{n}", "m", built.key, 1.0, REASONS), ("m",), "h", NOW)
        people.world.directory.list(f"e{n}", f"Coop {n}", f"c{n}@coop.example.org")

    outcomes = [who_fits(people).send(actor, f"seao:ocds-n{n}", f"e{n}") for n in range(NOTICES_PER_DAY + 1)]

    assert outcomes == [Sent.SENT] * NOTICES_PER_DAY + [Sent.RATE_LIMITED]


def test_ses_refusing_frees_the_notice_for_another_try(people: People) -> None:
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    people.world.mailer.refuse(REJECTED)

    assert who_fits(people).send(actor, "seao:ocds-own", "ateliers-mon-choix") is Sent.FAILED
    assert who_fits(people).send(actor, "seao:ocds-own", "ateliers-mon-choix") is Sent.SENT
    assert [r.action for r in people.world.audit_log.records if r.action == "notice.send"] == ["notice.send"]


def test_a_same_named_buyer_of_another_region_is_not_the_institution(people: People) -> None:
    elsewhere = cegep_tender("ocds-elsewhere", buyer=Buyer(Text("Cégep de Rimouski")), regions=in_regions("06"))
    people.world.tenders.publish(elsewhere, NOW)
    people.world.matches.record_match(Match("ateliers-mon-choix", "m", elsewhere.key, 1.0, REASONS), ("m",), "h", NOW)
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")

    assert [f.tender.native_id for f in who_fits(people).overview(actor)] == ["ocds-own"]
