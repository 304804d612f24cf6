"""The feedback in the enterprise's space and in the organizers' console: each profile's answers and
suggestions, to the enterprise's own people and to the organizers of its regions — nobody else."""

from __future__ import annotations

import pytest

from esja.console.feedback import ConsoleFeedback
from esja.enterprise_space.feedback import EnterpriseFeedback
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from local.feedback_case import ENTERPRISE_ID, PROFILE_ID
from tests.feedback_builders import answered
from tests.space_builders import CESIM, ESBSL, EVERYWHERE, JULIE, MARC, NOW, People


@pytest.fixture
def people() -> People:
    people = People()
    answered(people.world, NOW)
    return people


def test_the_enterprise_sees_each_profiles_answers_and_what_they_suggest(people: People) -> None:
    space = people.world.build(EnterpriseFeedback)

    own = space.show(people.actor(JULIE.email, Role.ENTERPRISE, ENTERPRISE_ID))

    [cleaning] = own.profiles
    assert (cleaning.profile.id, cleaning.relevant, cleaning.not_relevant) == (PROFILE_ID, 3, 4)
    assert [s.word or s.code for s in cleaning.suggestions] == ["vitres", "761115"]
    assert cleaning.suggestions[1].changed.unspsc == ("76111501",)
    assert cleaning.latest[0].tender.title.fr == "Nettoyage après sinistre – bibliothèque municipale"
    [stored] = people.world.enterprises.stored_profiles(ENTERPRISE_ID)
    assert own.versions == {PROFILE_ID: stored.version}  # what the profile's form saves over


def test_another_enterprises_person_sees_only_their_own(people: People) -> None:
    space = people.world.build(EnterpriseFeedback)
    fjord = people.actor(MARC.email, Role.ENTERPRISE, "coop-fjord")  # Marc also works for the Coop du Fjord

    assert space.show(fjord).profiles == ()


def test_an_organizer_is_no_enterprise(people: People) -> None:
    with pytest.raises(NotAllowed):
        people.world.build(EnterpriseFeedback).show(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"))


def test_the_organizers_of_its_region_see_the_same_feedback(people: People) -> None:
    console = people.world.build(ConsoleFeedback)

    for organizer in (ESBSL, EVERYWHERE):
        actor = people.actor(organizer.email, Role.ORGANIZER, organizer.id)
        [line] = console.overview(actor)
        assert (line.enterprise.id, line.judged, line.not_relevant, line.suggestions) == (ENTERPRISE_ID, 7, 4, 2)
        assert console.enterprise(actor, ENTERPRISE_ID).profiles[0].suggestions


def test_an_organizer_of_another_region_sees_neither_the_list_nor_the_enterprise(people: People) -> None:
    console = people.world.build(ConsoleFeedback)
    cesim = people.actor(CESIM.email, Role.ORGANIZER, "cesim")

    assert console.overview(cesim) == ()
    with pytest.raises(NotAllowed) as refused:
        console.enterprise(cesim, ENTERPRISE_ID)
    assert refused.value.hidden


def test_an_enterprise_is_no_organizer(people: People) -> None:
    with pytest.raises(NotAllowed):
        people.world.build(ConsoleFeedback).overview(people.actor(JULIE.email, Role.ENTERPRISE, ENTERPRISE_ID))
