"""A pledge that stops being verified and in force loses its signatories' space at once, whoever takes it out:
its signer withdrawing it, an organizer rejecting or withdrawing it, the e-mailed withdrawal link, a newer pledge
replacing it. Every open session of its signer and its confirmed colleagues ends (through PledgePeople); another
institution's signatory and the organizer keep theirs. On fakes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from esja.console.pledges import PledgeBook
from esja.people.roles import Role
from esja.pledges.links import PledgeLinks
from esja.pledges.service import PledgeService
from esja.signatory_space.colleagues import Colleague, ColleagueState
from esja.signatory_space.commitments import Commitments
from esja.signin.model import Session
from esja.tokens import SigningKeys
from tests.fakes import TEST_KEYS
from tests.pledge_builders import pledge_fields
from tests.space_builders import ESBSL, NOW, People

CEGEP = "achats@cegep.example.org"  # signed p-verified
COLLEAGUE = "approvisionnement@cegep.example.org"
MONTREAL = "achats@montreal.example.org"  # signed p-montreal, another institution
KEYS = ("pledge-test-key",)


@pytest.fixture
def people() -> People:
    people = People()
    key = TEST_KEYS(COLLEAGUE)
    people.world.colleagues.by_key[("p-verified", key)] = Colleague(
        "p-verified", key, COLLEAGUE, "fr", NOW, ColleagueState.CONFIRMED, NOW
    )
    return people


def pledge_service(people: People) -> PledgeService:
    return people.world.build(
        PledgeService, links=PledgeLinks("https://esja.example.org"), keys=SigningKeys.from_list(KEYS)
    )


def signer_withdraws(people: People) -> str:
    people.world.build(Commitments).withdraw(people.actor(CEGEP, Role.SIGNATORY, "p-verified"))
    return "pledge.withdraw"


def organizer_rejects(people: People) -> str:
    organizer = people.actor(ESBSL.email, Role.ORGANIZER, "esbsl")
    people.world.build(PledgeBook).reject(organizer, "p-verified", "La directrice nous dit n'avoir rien signé.")
    return "pledge.reject"


def organizer_withdraws(people: People) -> str:
    organizer = people.actor(ESBSL.email, Role.ORGANIZER, "esbsl")
    people.world.build(PledgeBook).withdraw(organizer, "p-verified", "Demande de la directrice par téléphone.")
    return "pledge.withdraw"


def withdrawal_link_followed(people: People) -> str:
    service = pledge_service(people)
    link = service.withdrawal_link(people.world.pledges.by_id["p-verified"], "fr")
    service.withdraw(link.split("jeton=", 1)[1].split("&", 1)[0], network="203.0.113.0/24")
    return "pledge.withdraw"


def signed_again(people: People) -> str:
    service = pledge_service(people)
    form_token = service.new_form_token()
    people.world.clock.advance(seconds=10)  # people take more than the time-trap's 3 s
    fields = pledge_fields(email=CEGEP, institution_name="Cégep de Rimouski", form_token=form_token)
    sent = {name: [value] if isinstance(value, str) else list(value) for name, value in fields.items()}
    service.submit(sent, language="fr", source="203.0.113.7")
    link = people.world.mailer.sent[-1].text.split("jeton=", 1)[1].split()[0]
    confirmed = service.confirm(link.split("&", 1)[0])
    assert confirmed is not None and people.world.pledges.by_id["p-verified"].replaced_by == confirmed.pledge.id
    return ""  # replacing writes no record of its own (the new pledge's confirmation is the signer's act)


PATHS: Sequence[Callable[[People], str]] = (
    signer_withdraws,
    organizer_rejects,
    organizer_withdraws,
    withdrawal_link_followed,
    signed_again,
)


def is_open(people: People, session: Session) -> bool:
    return people.world.sessions.by_key[session.key].is_open(people.world.clock())


@pytest.mark.parametrize("take_out", PATHS, ids=lambda path: path.__name__)
def test_every_way_out_of_verified_ends_the_sessions_of_the_pledges_people_only(
    people: People, take_out: Callable[[People], str]
) -> None:
    _, signer = people.session(CEGEP, Role.SIGNATORY, "p-verified")
    _, colleague = people.session(COLLEAGUE, Role.SIGNATORY, "p-verified")
    _, other_institution = people.session(MONTREAL, Role.SIGNATORY, "p-montreal")
    _, organizer = people.session(ESBSL.email, Role.ORGANIZER, "esbsl")

    action = take_out(people)

    assert not is_open(people, signer) and not is_open(people, colleague)
    assert is_open(people, other_institution) and is_open(people, organizer)
    assert people.world.roles.holds(TEST_KEYS(COLLEAGUE), Role.SIGNATORY, "p-verified") is None
    if action:
        record = people.world.audit_log.records[-1]
        assert (record.action, record.item.id) == (action, "p-verified")
        assert int(record.details["sessions"]) >= 2  # the signer's and the colleague's (and the acting one's)


@pytest.mark.parametrize("take_out", PATHS, ids=lambda path: path.__name__)
def test_every_way_out_of_verified_erases_its_colleagues(people: People, take_out: Callable[[People], str]) -> None:
    # Rejected too: nothing would delete their addresses with the pledge's, and a verdict can be asked again.
    assert people.world.colleagues.colleagues_of("p-verified")

    take_out(people)

    assert people.world.colleagues.colleagues_of("p-verified") == []


def test_the_public_link_withdrawal_is_audited_from_its_network_without_the_address(people: People) -> None:
    withdrawal_link_followed(people)

    record = people.world.audit_log.records[-1]
    assert (record.actor_role, record.network, record.address_key) == ("person", "203.0.113.0/24", TEST_KEYS(CEGEP))
    assert record.details["by"] == "link" and CEGEP not in str(record.details)


def test_a_pledge_that_never_opened_the_space_ends_nobodys_session(people: People) -> None:
    # The signer of the pledge still « to verify » is also an organizer's contact: that session is not the space's.
    _, elsewhere = people.session("maire@ville.example.org")
    organizer = people.actor(ESBSL.email, Role.ORGANIZER, "esbsl")

    people.world.build(PledgeBook).reject(organizer, "p-to-verify", "Adresse personnelle.")

    assert is_open(people, elsewhere) and people.world.audit_log.records[-1].details["sessions"] == "0"
