"""An enterprise's own profiles: each action, the spreadsheet's validation and messages, and refusals
for a person who acts for another enterprise or for none."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esja.enterprise_space.profiles import (
    MAX_PROFILES,
    EnterpriseProfiles,
    ProfileChanged,
    ProfileNotFound,
    Refused,
    TooManyProfiles,
)
from esja.matching.profile_cells import PROFILE_COLUMNS
from esja.matching.profiles_csv import read_profiles_csv
from esja.model import Category, Enterprise, Profile
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role, RoleGrant
from esja.store.enterprises import profile_from_json, profile_json
from tests.fakes import FakeWorld, acting_for

NOW = datetime(2026, 11, 16, 12, tzinfo=UTC)
MINE, THEIRS = acting_for("coop-mitis"), acting_for("ateliers-rimouski")
FORM = {
    "profile_name": "Entretien ménager",
    "unspsc": "76111500; 7611",
    "keywords": 'entretien ménager; "nettoyage de vitres"',
    "excluded": "amiante",
    "regions": "1; QC",
    "categories": "services",
    "min_value": "10 000",
    "max_value": "250 000 $",
    "buyers_allow": "",
    "buyers_deny": "Ville de Québec",
}


@pytest.fixture
def world() -> FakeWorld:
    world = FakeWorld(NOW)
    world.enterprises.save(
        [
            Enterprise("coop-mitis", "Coop de la Mitis", regions_served=("01", "11")),
            Enterprise("ateliers-rimouski", "Ateliers"),
        ],
        [Profile("ateliers-rimouski", "theirs", "Leur profil", keywords=("menuiserie",))],
    )
    return world


def profiles(world: FakeWorld) -> EnterpriseProfiles:
    return EnterpriseProfiles(profiles=world.enterprises, audit=world.audit)


def saved(result: object) -> Profile:
    assert not isinstance(result, Refused), result
    return result.profile  # type: ignore[attr-defined,no-any-return]


def test_a_new_profile_holds_every_criterion_of_the_spreadsheet_and_is_active(world: FakeWorld) -> None:
    profile = saved(profiles(world).create(MINE, FORM))
    assert profile == Profile(
        enterprise_id="coop-mitis",
        id="entretien-menager",
        name="Entretien ménager",
        unspsc=("76111500", "7611"),
        keywords=("entretien ménager", '"nettoyage de vitres"'),
        excluded=("amiante",),
        regions=("01", "QC"),
        categories=(Category.SERVICES,),
        min_value=Decimal(10_000),
        max_value=Decimal(250_000),
        buyers_deny=("Ville de Québec",),
        active=True,
    )
    assert world.enterprises.profiles[("coop-mitis", "entretien-menager")] == profile
    assert [s.profile.id for s in profiles(world).list(MINE)] == ["entretien-menager"]


def test_the_matcher_is_told_every_change(world: FakeWorld) -> None:
    book = profiles(world)
    before = world.enterprises.version()
    stored = book.create(MINE, FORM)
    assert not isinstance(stored, Refused)
    paused = book.set_active(MINE, "entretien-menager", False, stored.version)
    book.delete(MINE, "entretien-menager", paused.version)
    assert world.enterprises.version() == before + 3


def test_every_change_is_in_the_audit_log_with_what_changed_and_no_ones_words(world: FakeWorld) -> None:
    book = profiles(world)
    created = book.create(MINE, FORM)
    assert not isinstance(created, Refused)
    edited = book.update(
        MINE, "entretien-menager", FORM | {"keywords": "conciergerie", "regions": "01"}, created.version
    )
    assert not isinstance(edited, Refused)
    paused = book.set_active(MINE, "entretien-menager", False, edited.version)
    resumed = book.set_active(MINE, "entretien-menager", True, paused.version)
    book.delete(MINE, "entretien-menager", resumed.version)

    records = world.audit_log.records
    assert [r.action for r in records] == [
        "profile.create",
        "profile.update",
        "profile.pause",
        "profile.resume",
        "profile.delete",
    ]
    assert {(r.item.type, r.item.id, r.actor_role, r.actor_id, r.regions) for r in records} == {
        ("profile", "coop-mitis/entretien-menager", "enterprise", "coop-mitis", ("01", "11"))
    }
    assert records[0].details == {
        "criteria": "profile_name unspsc keywords excluded regions categories min_value max_value buyers_deny"
    }
    assert records[1].details == {"changed": "keywords regions"}  # which criteria, never the words typed
    assert "conciergerie" not in repr([r.details for r in records])


def test_two_profiles_of_the_same_name_get_their_own_ids(world: FakeWorld) -> None:
    book = profiles(world)
    ids = [saved(book.create(MINE, FORM)).id for _ in range(3)]
    nameless = saved(book.create(MINE, FORM | {"profile_name": "  ¡¿!? "}))
    assert ids == ["entretien-menager", "entretien-menager-2", "entretien-menager-3"]
    assert nameless.id == "profil"


def test_a_form_gets_exactly_the_spreadsheets_messages_and_nothing_is_written(world: FakeWorld) -> None:
    form = FORM | {"unspsc": "7611x", "keywords": "de la", "regions": "18", "min_value": "5000", "max_value": "10"}
    refused = profiles(world).create(MINE, form)
    assert isinstance(refused, Refused)
    header = "enterprise_id,enterprise_name,profile_id," + ",".join(form)
    row = "coop-mitis,Coop,p," + ",".join(f'"{v}"' for v in form.values())
    from_the_spreadsheet = read_profiles_csv(f"{header}\n{row}\n").errors
    assert [(p.column, p.fr, p.en) for p in refused.problems] == [(e.column, e.fr, e.en) for e in from_the_spreadsheet]
    assert {p.column for p in refused.problems} == {"unspsc", "keywords", "regions", "max_value"}
    assert ("coop-mitis", "entretien-menager") not in world.enterprises.profiles


def test_a_profile_without_codes_or_keywords_is_refused_as_in_the_spreadsheet(world: FakeWorld) -> None:
    refused = profiles(world).create(MINE, {"profile_name": "Vide", "regions": "01"})
    assert isinstance(refused, Refused)
    assert [(p.column, p.en) for p in refused.problems] == [
        ("unspsc", "profile with neither a UNSPSC code nor a keyword: it would never be alerted")
    ]


def test_hostile_sizes_are_refused_with_a_message(world: FakeWorld) -> None:
    many = "; ".join(f"mot{i}" for i in range(51))
    refused = profiles(world).create(MINE, FORM | {"profile_name": "x" * 101, "keywords": many, "excluded": "y" * 101})
    assert isinstance(refused, Refused)
    assert [(p.column, p.fr) for p in refused.problems] == [
        ("profile_name", "plus de 100 caractères"),
        ("keywords", "plus de 50 éléments"),
        ("excluded", "plus de 100 caractères"),
    ]


def test_an_edit_changes_the_criteria_and_keeps_the_pause(world: FakeWorld) -> None:
    book = profiles(world)
    created = book.create(MINE, FORM)
    assert not isinstance(created, Refused)
    paused = book.set_active(MINE, "entretien-menager", False, created.version)
    edited = saved(book.update(MINE, "entretien-menager", FORM | {"keywords": "conciergerie"}, paused.version))
    assert edited.keywords == ("conciergerie",) and edited.id == "entretien-menager" and not edited.active
    resumed = book.set_active(MINE, "entretien-menager", True, book.get(MINE, "entretien-menager").version)
    assert resumed.profile.active


def test_an_edit_over_a_colleagues_change_writes_nothing(world: FakeWorld) -> None:
    book = profiles(world)
    created = book.create(MINE, FORM)
    assert not isinstance(created, Refused)
    book.update(MINE, "entretien-menager", FORM | {"keywords": "colleague"}, created.version)
    with pytest.raises(ProfileChanged):
        book.update(MINE, "entretien-menager", FORM | {"keywords": "mine"}, created.version)
    with pytest.raises(ProfileChanged):
        book.delete(MINE, "entretien-menager", created.version)
    assert book.get(MINE, "entretien-menager").profile.keywords == ("colleague",)


def test_another_enterprises_profile_is_never_found_and_stays_as_it_was(world: FakeWorld) -> None:
    book = profiles(world)
    theirs = book.get(THEIRS, "theirs")
    for attempt in (
        lambda: book.get(MINE, "theirs"),
        lambda: book.update(MINE, "theirs", FORM, theirs.version),
        lambda: book.set_active(MINE, "theirs", False, theirs.version),
        lambda: book.delete(MINE, "theirs", theirs.version),
    ):
        with pytest.raises(ProfileNotFound):
            attempt()
    assert book.get(THEIRS, "theirs") == theirs
    assert [s.profile.id for s in book.list(MINE)] == []


def test_a_person_acting_for_no_enterprise_may_do_nothing(world: FakeWorld) -> None:
    book, nobody = profiles(world), acting_for("esbsl", Role.ORGANIZER)
    for attempt in (
        lambda: book.list(nobody),
        lambda: book.get(nobody, "theirs"),
        lambda: book.create(nobody, FORM),
        lambda: book.update(nobody, "theirs", FORM, "v"),
        lambda: book.set_active(nobody, "theirs", False, "v"),
        lambda: book.delete(nobody, "theirs", "v"),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    assert len(world.enterprises.profiles) == 1


def test_an_enterprise_has_at_most_a_few_profiles(world: FakeWorld) -> None:
    book = profiles(world)
    for _ in range(MAX_PROFILES):
        saved(book.create(MINE, FORM))
    with pytest.raises(TooManyProfiles):
        book.create(MINE, FORM)


def test_no_profile_is_added_to_an_enterprise_that_is_no_more(world: FakeWorld) -> None:
    with pytest.raises(ProfileChanged):
        profiles(world).create(acting_for("removed-meanwhile"), FORM)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(PROFILE_COLUMNS[1:]), st.text(max_size=300), max_size=len(PROFILE_COLUMNS)))
def test_any_text_in_any_field_is_saved_or_refused_with_messages_never_an_error(form: dict[str, str]) -> None:
    world = FakeWorld(NOW)
    world.enterprises.save([Enterprise("coop-mitis", "Coop")], [])
    result = profiles(world).create(MINE, form)
    if isinstance(result, Refused):
        assert result.problems and all(p.fr and p.en for p in result.problems)
        assert world.enterprises.profiles == {}
    else:
        assert world.enterprises.profiles == {("coop-mitis", result.profile.id): result.profile}
        assert profile_from_json(profile_json(result.profile)) == result.profile


def _organizer(*regions: str) -> Actor:
    grant = RoleGrant(Role.ORGANIZER, "esbsl", "ESBSL", regions=regions)
    return Actor(grant, "organizer-key", "fr", "session", "form-token")


def test_an_organizer_of_the_enterprises_region_works_on_its_profiles_and_the_journal_says_so(
    world: FakeWorld,
) -> None:
    book, organizer = profiles(world), _organizer("01")
    created = saved(book.create(organizer, FORM, enterprise="coop-mitis"))
    assert created.enterprise_id == "coop-mitis"
    stored = book.get(MINE, created.id)  # the enterprise's own person sees it, as theirs
    edited = book.update(organizer, created.id, {**FORM, "keywords": "vitres"}, stored.version, enterprise="coop-mitis")
    assert saved(edited).keywords == ("vitres",)
    paused = book.set_active(organizer, created.id, False, book.get(MINE, created.id).version, enterprise="coop-mitis")
    assert not paused.profile.active
    book.delete(organizer, created.id, paused.version, enterprise="coop-mitis")
    assert book.list(MINE) == []
    records = world.audit_log.records
    assert [r.action for r in records] == ["profile.create", "profile.update", "profile.pause", "profile.delete"]
    assert {(r.actor_role, r.actor_id, r.regions) for r in records} == {("organizer", "esbsl", ("01", "11"))}
    assert records[1].details == {"changed": "keywords"}


def test_an_organizer_of_another_region_never_finds_the_enterprise_and_changes_nothing(world: FakeWorld) -> None:
    book, elsewhere = profiles(world), _organizer("06")
    theirs = book.get(THEIRS, "theirs")
    world.enterprises.save([Enterprise("ateliers-rimouski", "Ateliers", regions_served=("01",))], [theirs.profile])
    theirs = book.get(THEIRS, "theirs")
    for attempt in (
        lambda: book.list(elsewhere, enterprise="ateliers-rimouski"),
        lambda: book.get(elsewhere, "theirs", enterprise="ateliers-rimouski"),
        lambda: book.create(elsewhere, FORM, enterprise="ateliers-rimouski"),
        lambda: book.update(elsewhere, "theirs", FORM, theirs.version, enterprise="ateliers-rimouski"),
        lambda: book.set_active(elsewhere, "theirs", False, theirs.version, enterprise="ateliers-rimouski"),
        lambda: book.delete(elsewhere, "theirs", theirs.version, enterprise="ateliers-rimouski"),
        lambda: book.list(elsewhere, enterprise="no-such-enterprise"),
        lambda: book.list(elsewhere, enterprise="x" * 101),
    ):
        with pytest.raises(NotAllowed) as refused:
            attempt()
        assert refused.value.hidden  # a 404: the page does not say the enterprise exists
    assert book.get(THEIRS, "theirs") == theirs
    assert world.audit_log.records == []


def test_an_enterprises_person_names_no_other_enterprise(world: FakeWorld) -> None:
    """`enterprise=` is the console's: an enterprise's person always works on their own profiles."""
    book = profiles(world)
    assert book.list(MINE, enterprise="ateliers-rimouski") == []
    created = saved(book.create(MINE, FORM, enterprise="ateliers-rimouski"))
    assert created.enterprise_id == "coop-mitis"
    assert [s.profile.id for s in book.list(THEIRS)] == ["theirs"]
