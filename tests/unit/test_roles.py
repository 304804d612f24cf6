"""Roles come from what exists, and a session's role is re-checked on each request (esja.people.roles)."""

from __future__ import annotations

from dataclasses import replace

from esja.people.roles import Role, RoleGrant
from esja.pledges.model import PledgeStatus, Verdict, Verification
from tests.fakes import TEST_KEYS
from tests.space_builders import ESBSL, FJORD, JULIE, MARC, MON_CHOIX, NOW, People


def held(people: People, email: str) -> set[tuple[Role, str]]:
    return {(grant.role, grant.item_id) for grant in people.world.roles.of(TEST_KEYS(email))}


def test_an_organizer_is_an_address_of_the_organizers_list_with_its_regions() -> None:
    people = People()

    [grant] = people.world.roles.of(TEST_KEYS("SOMMAIRE@esbsl.example.org"))

    assert grant == RoleGrant(Role.ORGANIZER, "esbsl", ESBSL.name, ("01",))
    assert grant.email == ESBSL.email


def test_an_enterprises_first_subscriber_manages_its_space_when_none_is_marked() -> None:
    people = People()

    assert held(people, JULIE.email) == {(Role.ENTERPRISE, "ateliers-mon-choix")}
    assert held(people, MARC.email) == {(Role.ENTERPRISE, "coop-fjord")}  # first of the Fjord, second at Mon Choix


def test_subscribers_marked_to_manage_the_space_are_its_managers() -> None:
    people = People()
    marked = replace(MON_CHOIX, subscribers=(JULIE, replace(MARC, manages_space=True)))
    people.world.enterprises.save([marked], [])

    assert held(people, MARC.email) == {(Role.ENTERPRISE, "ateliers-mon-choix"), (Role.ENTERPRISE, "coop-fjord")}
    assert held(people, JULIE.email) == set()


def test_only_a_confirmed_verified_pledge_makes_a_signatory() -> None:
    people = People()

    assert held(people, "achats@cegep.example.org") == {(Role.SIGNATORY, "p-verified")}
    for email in ("maire@ville.example.org", "x@gmail.example.org", "parti@ville.example.org", "nobody@example.org"):
        assert held(people, email) == set(), email


def test_a_removed_manager_loses_the_space_on_the_next_request() -> None:
    people = People()
    actor = people.actor(JULIE.email, Role.ENTERPRISE, "ateliers-mon-choix")
    assert actor.email == JULIE.email

    people.world.enterprises.save([replace(MON_CHOIX, subscribers=(MARC,))], [])

    assert people.world.roles.holds(TEST_KEYS(JULIE.email), Role.ENTERPRISE, "ateliers-mon-choix") is None


def test_a_withdrawn_or_unverified_pledge_loses_the_space_at_once() -> None:
    people = People()
    key = TEST_KEYS("achats@cegep.example.org")
    pledges = people.world.pledges.by_id
    assert people.world.roles.holds(key, Role.SIGNATORY, "p-verified") is not None

    pledges["p-verified"] = replace(pledges["p-verified"], verdict=Verdict(Verification.TO_VERIFY))
    assert people.world.roles.holds(key, Role.SIGNATORY, "p-verified") is None
    pledges["p-verified"] = replace(
        pledges["p-verified"], verdict=Verdict(Verification.VERIFIED), status=PledgeStatus.WITHDRAWN
    )
    assert people.world.roles.holds(key, Role.SIGNATORY, "p-verified") is None


def test_a_role_is_never_held_for_another_persons_item() -> None:
    people = People()

    assert people.world.roles.holds(TEST_KEYS(JULIE.email), Role.ENTERPRISE, FJORD.id) is None
    assert people.world.roles.holds(TEST_KEYS(JULIE.email), Role.ORGANIZER, "esbsl") is None
    assert people.world.roles.holds(TEST_KEYS(ESBSL.email), Role.SIGNATORY, "p-verified") is None


def test_a_pledge_past_its_retention_makes_no_signatory() -> None:
    people = People()
    pledges = people.world.pledges.by_id
    pledges["p-verified"] = replace(pledges["p-verified"], purge_at=NOW)

    assert held(people, "achats@cegep.example.org") == set()
