"""The pledge itself in its space, on fakes: its target and categories, its colleagues (added by its signer,
confirmed by e-mail, then signatories of the same institution), and its withdrawal, which closes the space
for all its people at once."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from esja.model import Category
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from esja.pledges.model import PledgeStatus, Verdict, Verification
from esja.signatory_space.colleagues import MAX_COLLEAGUES, Added, ColleagueLinks, Colleagues
from esja.signatory_space.commitments import Commitments
from tests.fakes import REJECTED, TEST_KEYS
from tests.space_builders import People
from tests.tokens import altered

CEGEP = "achats@cegep.example.org"
COLLEAGUE = "approvisionnement@cegep.example.org"
MONTREAL = "achats@montreal.example.org"


@pytest.fixture
def people() -> People:
    return People()


def colleagues_of(people: People) -> Colleagues:
    return people.world.build(Colleagues, links=ColleagueLinks("https://esja.example.org"))


def link_in_the_email(people: People, address: str) -> str:
    [email] = people.world.mailer.to(address)
    found = re.search(r"jeton=([^&\s]+)", email.text)
    assert found
    return found[1].replace("%2E", ".")


def test_the_signer_adds_a_colleague_who_confirms_and_becomes_a_signatory_of_the_institution(people: People) -> None:
    colleagues = colleagues_of(people)
    signer = people.actor(CEGEP, Role.SIGNATORY, "p-verified")

    added, _ = colleagues.add(signer, {"email": [f" {COLLEAGUE} "]}, lang="en")
    token = link_in_the_email(people, COLLEAGUE)
    assert people.world.roles.of(TEST_KEYS(COLLEAGUE)) == ()  # not before confirming
    confirmed = colleagues.confirm(token, network="198.51.100.0/24")

    assert added is Added.SENT and confirmed is not None
    [grant] = people.world.roles.of(TEST_KEYS(COLLEAGUE))
    assert (grant.role, grant.item_id, grant.label, grant.email) == (
        Role.SIGNATORY,
        "p-verified",
        "Cégep de Rimouski",
        COLLEAGUE,
    )
    [email] = people.world.mailer.to(COLLEAGUE)
    assert email.language == "en" and "Cégep de Rimouski" in email.text and COLLEAGUE not in email.subject
    assert colleagues.confirm(token, network="198.51.100.0/24") is None  # the link works once
    assert people.world.audit_log.actions()[-2:] == ["colleague.add", "colleague.confirm"]
    assert all(COLLEAGUE not in str(record.details) for record in people.world.audit_log.records)


def test_a_colleague_sees_the_pledge_but_cannot_change_it_nor_add_anyone(people: People) -> None:
    colleagues = colleagues_of(people)
    colleagues.add(people.actor(CEGEP, Role.SIGNATORY, "p-verified"), {"email": [COLLEAGUE]}, lang="fr")
    colleagues.confirm(link_in_the_email(people, COLLEAGUE), network="")
    colleague = people.actor(COLLEAGUE, Role.SIGNATORY, "p-verified")
    commitments = people.world.build(Commitments)

    assert commitments.show(colleague).own is False
    for action in (
        lambda: commitments.update(colleague, {"target_share": ["50"]}),
        lambda: commitments.withdraw(colleague),
        lambda: colleagues.add(colleague, {"email": ["autre@cegep.example.org"]}, lang="fr"),
        lambda: colleagues.remove(colleague, TEST_KEYS(CEGEP)),
    ):
        with pytest.raises(NotAllowed):
            action()
    assert people.world.pledges.by_id["p-verified"].status is PledgeStatus.CONFIRMED


def test_a_removed_colleague_loses_the_space_and_its_sessions_at_once(people: People) -> None:
    colleagues = colleagues_of(people)
    signer = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    colleagues.add(signer, {"email": [COLLEAGUE]}, lang="fr")
    colleagues.confirm(link_in_the_email(people, COLLEAGUE), network="")
    _, session = people.session(COLLEAGUE, Role.SIGNATORY, "p-verified")

    colleagues.remove(signer, TEST_KEYS(COLLEAGUE))

    assert people.world.sessions.by_key[session.key].ended_at is not None
    assert people.world.roles.holds(TEST_KEYS(COLLEAGUE), Role.SIGNATORY, "p-verified") is None
    assert colleagues.of(signer) == []
    assert people.world.audit_log.records[-1].details["sessions"] == "1"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("pas une adresse", Added.INVALID),
        (CEGEP, Added.YOURSELF),
        ("", Added.INVALID),
        ("a" * 250 + "@x.org", Added.INVALID),
    ],
)
def test_what_is_not_a_colleague_is_said_and_nothing_is_sent(people: People, typed: str, expected: Added) -> None:
    signer = people.actor(CEGEP, Role.SIGNATORY, "p-verified")

    assert colleagues_of(people).add(signer, {"email": [typed]}, lang="fr")[0] is expected
    assert people.world.mailer.sent == [] and people.world.colleagues.by_key == {}


def test_a_pledge_has_a_few_colleagues_and_a_few_invitations_a_day(people: People) -> None:
    colleagues = colleagues_of(people)
    signer = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    outcomes = [colleagues.add(signer, {"email": [f"c{n}@cegep.example.org"]}, lang="fr")[0] for n in range(12)]

    assert outcomes == [Added.SENT] * MAX_COLLEAGUES + [Added.TOO_MANY] * 2
    people.world.colleagues.by_key.clear()
    assert colleagues.add(signer, {"email": ["c99@cegep.example.org"]}, lang="fr")[0] is Added.RATE_LIMITED


def test_an_expired_or_forged_link_confirms_nothing(people: People) -> None:
    colleagues = colleagues_of(people)
    colleagues.add(people.actor(CEGEP, Role.SIGNATORY, "p-verified"), {"email": [COLLEAGUE]}, lang="fr")
    token = link_in_the_email(people, COLLEAGUE)
    pledge_id, secret = token.split(".")

    assert colleagues.confirm(f"{pledge_id}.{altered(secret)}", network="") is None
    assert colleagues.confirm("p-verified.x", network="") is None
    people.world.clock.advance(hours=73)
    assert colleagues.confirm(token, network="") is None
    assert people.world.roles.of(TEST_KEYS(COLLEAGUE)) == ()


def test_ses_refusing_the_invitation_changes_nothing_the_signer_sees(people: People) -> None:
    people.world.mailer.refuse(REJECTED)
    signer = people.actor(CEGEP, Role.SIGNATORY, "p-verified")

    assert colleagues_of(people).add(signer, {"email": [COLLEAGUE]}, lang="fr")[0] is Added.SENT


def test_another_institutions_signatory_cannot_remove_a_colleague(people: People) -> None:
    colleagues = colleagues_of(people)
    colleagues.add(people.actor(CEGEP, Role.SIGNATORY, "p-verified"), {"email": [COLLEAGUE]}, lang="fr")
    montreal = people.actor(MONTREAL, Role.SIGNATORY, "p-montreal")

    with pytest.raises(NotAllowed) as refused:
        colleagues.remove(montreal, TEST_KEYS(COLLEAGUE))

    assert refused.value.hidden and len(people.world.colleagues.by_key) == 1


def test_the_signer_updates_the_target_and_the_categories_audited_without_personal_information(people: People) -> None:
    signer = people.actor(CEGEP, Role.SIGNATORY, "p-verified")

    updated, form = people.world.build(Commitments).update(
        signer, {"target_share": ["25 %"], "categories": ["works", "goods"]}
    )

    assert updated is not None and form.errors == ()
    assert updated.details.target_share == 25 and updated.details.categories == (Category.GOODS, Category.WORKS)
    [record] = [r for r in people.world.audit_log.records if r.action == "pledge.update"]
    assert record.details == {"target_share": "25", "categories": "goods;works"} and record.regions == ("01",)


@pytest.mark.parametrize("fields", [{"target_share": ["150"]}, {"target_share": ["dix"]}, {"categories": ["drones"]}])
def test_a_bad_target_or_category_changes_nothing(people: People, fields: dict[str, list[str]]) -> None:
    signer = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    before = people.world.pledges.by_id["p-verified"]

    updated, form = people.world.build(Commitments).update(signer, fields)

    assert updated is None and form.errors and people.world.pledges.by_id["p-verified"] == before
    assert "pledge.update" not in people.world.audit_log.actions()


def test_withdrawing_ends_every_session_of_its_people_and_erases_its_colleagues(people: People) -> None:
    colleagues = colleagues_of(people)
    signer = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    colleagues.add(signer, {"email": [COLLEAGUE]}, lang="fr")
    colleagues.confirm(link_in_the_email(people, COLLEAGUE), network="")
    _, theirs = people.session(COLLEAGUE, Role.SIGNATORY, "p-verified")
    _, mine = people.session(CEGEP, Role.SIGNATORY, "p-verified")

    withdrawn = people.world.build(Commitments).withdraw(signer)

    assert withdrawn.pledge.status is PledgeStatus.WITHDRAWN and withdrawn.sessions_ended >= 3
    assert all(s.ended_at is not None for s in people.world.sessions.by_key.values() if s.key in (theirs.key, mine.key))
    assert people.world.colleagues.by_key == {}
    assert people.world.roles.of(TEST_KEYS(CEGEP)) == () and people.world.roles.of(TEST_KEYS(COLLEAGUE)) == ()
    assert people.world.audit_log.records[-1].action == "pledge.withdraw"
    with pytest.raises(NotAllowed):
        people.sessions.actor(mine, Role.SIGNATORY, network="")


@pytest.mark.parametrize(
    ("email", "role", "item_id"),
    [
        ("julie@monchoix.example.org", Role.ENTERPRISE, "ateliers-mon-choix"),
        ("sommaire@esbsl.example.org", Role.ORGANIZER, "esbsl"),
    ],
)
def test_only_a_signatory_touches_a_pledge_in_the_space(people: People, email: str, role: Role, item_id: str) -> None:
    actor = people.actor(email, role, item_id)
    commitments, colleagues = people.world.build(Commitments), colleagues_of(people)

    for action in (
        lambda: commitments.show(actor),
        lambda: commitments.withdraw(actor),
        lambda: colleagues.add(actor, {"email": [COLLEAGUE]}, lang="fr"),
    ):
        with pytest.raises(NotAllowed):
            action()


def test_a_colleague_of_a_pledge_no_longer_verified_holds_nothing(people: People) -> None:
    colleagues = colleagues_of(people)
    colleagues.add(people.actor(CEGEP, Role.SIGNATORY, "p-verified"), {"email": [COLLEAGUE]}, lang="fr")
    colleagues.confirm(link_in_the_email(people, COLLEAGUE), network="")
    stored = people.world.pledges.by_id["p-verified"]
    assert stored.verdict is not None

    people.world.pledges.by_id["p-verified"] = replace(stored, verdict=Verdict(Verification.REJECTED))

    assert people.world.roles.holds(TEST_KEYS(COLLEAGUE), Role.SIGNATORY, "p-verified") is None
    people.world.clock.advance(days=1)
    assert people.world.roles.of(TEST_KEYS(COLLEAGUE)) == ()
