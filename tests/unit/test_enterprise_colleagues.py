"""Colleagues, on fakes: a colleague asked for is e-mailed and subscribed only when they confirm (their consent
with its wording's version), once, within 72 hours; anyone's language, frequency and role changed, anyone
removed — at least one manager always remains; another enterprise's people, another role, a stale page: refused,
nothing changed."""

from __future__ import annotations

import re

import pytest

from esja.enterprise_space.colleagues import (
    CONSENT_WORDING,
    INVITATIONS_PER_DAY,
    Changed,
    ColleagueLinks,
    Colleagues,
    Invited,
    LastManager,
    TooMany,
    read_colleague_form,
)
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role
from tests.fakes import TEST_KEYS
from tests.space_builders import ESBSL, JULIE, MARC, MON_CHOIX, People

ANNE = {"name": "Anne Gagnon", "email": "anne@monchoix.example.org", "language": "en", "frequency": "weekly"}


@pytest.fixture
def people() -> People:
    return People()


def colleagues(people: People) -> Colleagues:
    return people.world.build(Colleagues, teams=people.world.teams, links=ColleagueLinks("https://esja.example.org"))


def julie(people: People) -> Actor:
    return people.actor(JULIE.email, Role.ENTERPRISE, MON_CHOIX.id)


def token_in(people: People) -> str:
    found = re.search(r"jeton=([^&\s]+)", people.world.mailer.sent[-1].text)
    assert found
    from urllib.parse import unquote

    return unquote(found[1])


def test_a_colleague_asked_for_is_emailed_and_subscribed_only_once_they_confirm(people: People) -> None:
    space = colleagues(people)

    asked = space.invite(julie(people), read_colleague_form(ANNE | {"manages": "1"}))

    assert isinstance(asked, Invited)
    [email] = people.world.mailer.sent
    assert email.to == ANNE["email"] and email.language == "en"
    assert "Les Ateliers Mon Choix" in email.subject and "72 hours" in email.text
    assert ANNE["email"] not in {s.email for s in people.world.enterprises.enterprises[MON_CHOIX.id].subscribers}
    token = token_in(people)
    assert space.confirmation(token) is not None  # the page: nothing changes
    assert ANNE["email"] not in {s.email for s in people.world.enterprises.enterprises[MON_CHOIX.id].subscribers}

    confirmed = space.confirm(token, "203.0.113.0/24")

    assert confirmed is not None and confirmed.subscribed
    anne = next(s for s in people.world.enterprises.enterprises[MON_CHOIX.id].subscribers if s.email == ANNE["email"])
    assert (anne.language, anne.frequency, anne.manages_space) == ("en", "weekly", True)
    assert (anne.consent.at, anne.consent.wording_version) == (people.world.clock(), CONSENT_WORDING)
    assert people.world.audit_log.actions() == ["colleague.invite", "colleague.confirm"]
    assert people.world.roles.holds(TEST_KEYS(ANNE["email"]), Role.ENTERPRISE, MON_CHOIX.id) is not None


def test_the_link_works_once_and_for_72_hours(people: People) -> None:
    space = colleagues(people)
    space.invite(julie(people), read_colleague_form(ANNE))
    token = token_in(people)

    people.world.clock.advance(hours=72)
    assert space.confirmation(token) is None and space.confirm(token, "net") is None

    space.invite(julie(people), read_colleague_form(ANNE))
    fresh = token_in(people)
    space.confirm(fresh, "net")
    again = space.confirm(fresh, "net")
    assert again is not None and again.subscribed  # « already »: nothing written twice
    assert [s.email for s in people.world.enterprises.enterprises[MON_CHOIX.id].subscribers].count(ANNE["email"]) == 1


@pytest.mark.parametrize("token", ["", "x", "ateliers-mon-choix/" + "0" * 32 + "." + "A" * 43, "coop-fjord/abc.def"])
def test_a_forged_link_names_nothing(people: People, token: str) -> None:
    assert colleagues(people).confirmation(token) is None


def test_a_link_for_another_enterprise_does_not_confirm_there(people: People) -> None:
    space = colleagues(people)
    space.invite(julie(people), read_colleague_form(ANNE))
    token = token_in(people)

    assert space.confirm(token.replace(MON_CHOIX.id, "coop-fjord", 1), "net") is None


def test_the_forms_errors_and_an_address_already_subscribed(people: People) -> None:
    space = colleagues(people)

    refused = space.invite(julie(people), read_colleague_form({"email": "pas une adresse", "language": "de"}))
    taken = space.invite(julie(people), read_colleague_form(ANNE | {"email": MARC.email.upper()}))

    assert not isinstance(refused, Invited) and {e.field for e in refused.errors} == {
        "name",
        "email",
        "language",
        "frequency",
    }
    assert not isinstance(taken, Invited) and [e.code for e in taken.errors] == ["already_subscribed"]
    assert people.world.mailer.sent == [] and people.world.audit_log.actions() == []


def test_a_day_s_requests_are_limited(people: People) -> None:
    space = colleagues(people)
    for n in range(INVITATIONS_PER_DAY):
        space.invite(julie(people), read_colleague_form(ANNE | {"email": f"c{n}@monchoix.example.org"}))

    with pytest.raises(TooMany):
        space.invite(julie(people), read_colleague_form(ANNE))
    assert len(people.world.mailer.sent) == INVITATIONS_PER_DAY


def test_anyones_language_frequency_and_role_change(people: People) -> None:
    space = colleagues(people)
    team = space.team(julie(people))

    space.change(julie(people), space.key(MARC), team.version, language="en", frequency="weekly", manages=True)

    marc = next(s for s in people.world.enterprises.enterprises[MON_CHOIX.id].subscribers if s.email == MARC.email)
    assert (marc.language, marc.frequency, marc.manages_space) == ("en", "weekly", True)
    assert people.world.roles.holds(TEST_KEYS(MARC.email), Role.ENTERPRISE, MON_CHOIX.id) is not None
    assert people.world.audit_log.actions() == ["colleague.change"]


def test_the_last_manager_stays(people: People) -> None:
    space = colleagues(people)
    team = space.team(julie(people))  # Julie manages (the first subscriber, none marked)

    with pytest.raises(LastManager):
        space.change(julie(people), space.key(JULIE), team.version, language="fr", frequency="daily", manages=False)
    with pytest.raises(LastManager):
        space.remove(julie(people), space.key(JULIE), team.version)
    assert people.world.enterprises.enterprises[MON_CHOIX.id] == MON_CHOIX


def test_a_person_removed_no_longer_receives_nor_manages(people: People) -> None:
    space = colleagues(people)
    team = space.team(julie(people))
    space.change(julie(people), space.key(MARC), team.version, language="fr", frequency="instant", manages=True)

    space.remove(julie(people), space.key(JULIE), space.team(julie(people)).version)

    assert [s.email for s in people.world.enterprises.enterprises[MON_CHOIX.id].subscribers] == [MARC.email]
    assert people.world.roles.holds(TEST_KEYS(JULIE.email), Role.ENTERPRISE, MON_CHOIX.id) is None


def test_a_page_read_before_another_change_changes_nothing(people: People) -> None:
    space = colleagues(people)
    stale = space.team(julie(people)).version
    space.change(julie(people), space.key(MARC), stale, language="en", frequency="daily", manages=False)

    with pytest.raises(Changed):
        space.remove(julie(people), space.key(MARC), stale)
    assert MARC.email in {s.email for s in people.world.enterprises.enterprises[MON_CHOIX.id].subscribers}


def test_another_enterprises_person_another_role_and_values_no_form_sends_are_refused(people: People) -> None:
    space = colleagues(people)
    fjord = people.actor(MARC.email, Role.ENTERPRISE, "coop-fjord")
    version = space.team(julie(people)).version

    with pytest.raises(NotAllowed) as hidden:
        space.remove(fjord, space.key(JULIE), space.team(fjord).version)  # Julie is not of the Coop du Fjord
    assert hidden.value.hidden
    with pytest.raises(NotAllowed):
        space.team(people.actor(ESBSL.email, Role.ORGANIZER, ESBSL.id))
    with pytest.raises(NotAllowed):
        space.change(julie(people), space.key(MARC), version, language="de", frequency="daily", manages=False)
    assert people.world.enterprises.enterprises[MON_CHOIX.id] == MON_CHOIX
