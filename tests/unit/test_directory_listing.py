"""An enterprise's listing in its space, on fakes: off by default, saved, previewed, published with its choice
recorded like a consent, withdrawn at once; only ever its own; audited without personal information."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from esja.directory.listing import LISTING_WORDING_VERSION, ChoiceKind
from esja.directory.search import SearchQuery
from esja.directory.space import CONSENT_FIELD, WORDING_FIELD, Notice
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from tests.directory_builders import CONSENT, Directory, listing_form
from tests.fakes import TEST_KEYS
from tests.space_builders import FJORD, JULIE, MARC, MON_CHOIX, NOW


@pytest.fixture
def directory() -> Directory:
    return Directory()


def found(directory: Directory, words: str = "") -> list[str]:
    return [e.enterprise_id for e in directory.public.search(SearchQuery(words)).entries]


def test_no_enterprise_is_in_the_directory_until_it_chooses(directory: Directory) -> None:
    page = directory.space.show(directory.julie)

    assert page.record is None and page.form.values["regions"] == ("01",)
    assert page.suggested_families == ("7315", "7611")  # its profiles' codes; the segment 72 is too broad
    assert page.form.values["families"] == ("7315", "7611") and page.form.values["categories"] == ("services",)
    assert found(directory) == [] and directory.world.listings.log == []


def test_a_preview_shows_the_entry_as_the_public_would_see_it_and_saves_nothing(directory: Directory) -> None:
    page = directory.space.preview(directory.julie, listing_form())

    assert page.preview is not None and page.preview.name == "Les Ateliers Mon Choix"
    assert page.preview.listing.families == ("7315", "7611")
    assert directory.world.listings.by_id == {} and directory.world.audit_log.records == []


def test_a_saved_listing_stays_private_until_published(directory: Directory) -> None:
    page = directory.space.save(directory.julie, listing_form())

    assert page.notice is Notice.SAVED and page.record is not None and not page.record.listed
    assert found(directory) == [] and directory.public.entry(MON_CHOIX.id) is None
    assert directory.world.audit_log.actions() == ["listing.save"]


def test_publishing_records_who_chose_when_and_under_which_wording(directory: Directory) -> None:
    directory.space.save(directory.julie, listing_form())
    directory.world.clock.advance(minutes=5)

    page = directory.space.publish(directory.julie, CONSENT)

    now = directory.world.clock()
    assert page.notice is Notice.PUBLISHED and page.record is not None and page.record.listed_since == now
    [choice] = directory.world.listings.log
    assert (choice.kind, choice.at, choice.wording_version) == (ChoiceKind.LISTED, now, LISTING_WORDING_VERSION)
    assert (choice.by_role, choice.by_id, choice.address_key) == ("enterprise", MON_CHOIX.id, TEST_KEYS(JULIE.email))
    assert found(directory, "entretien ménager") == [MON_CHOIX.id]
    assert directory.world.audit_log.actions() == ["listing.save", "listing.publish"]


@pytest.mark.parametrize(
    ("fields", "notice"),
    [
        ({WORDING_FIELD: [LISTING_WORDING_VERSION]}, Notice.CONSENT),
        ({CONSENT_FIELD: ["yes"], WORDING_FIELD: ["repertoire-2020-01"]}, Notice.STALE_WORDING),
        ({CONSENT_FIELD: ["yes"]}, Notice.STALE_WORDING),
        ({CONSENT_FIELD: ["yes", "yes"], WORDING_FIELD: [LISTING_WORDING_VERSION]}, Notice.CONSENT),
    ],
)
def test_publishing_without_the_consent_ticked_under_the_wording_shown_changes_nothing(
    directory: Directory, fields: dict[str, list[str]], notice: Notice
) -> None:
    directory.space.save(directory.julie, listing_form())

    page = directory.space.publish(directory.julie, fields)

    assert page.notice is notice and page.status in (409, 422)
    assert not directory.world.listings.by_id[MON_CHOIX.id].listed and directory.world.listings.log == []
    assert found(directory) == []


def test_publishing_before_saving_anything_says_so(directory: Directory) -> None:
    page = directory.space.publish(directory.julie, CONSENT)

    assert page.notice is Notice.NOTHING_SAVED and page.status == 409 and directory.world.listings.by_id == {}


def test_withdrawing_takes_the_entry_off_at_once_and_keeps_it_saved(directory: Directory) -> None:
    directory.listed()
    assert found(directory) == [MON_CHOIX.id]  # the read model is built and cached

    page = directory.space.unpublish(directory.julie)

    assert page.notice is Notice.UNPUBLISHED and page.record is not None and not page.record.listed
    assert found(directory) == [] and directory.public.entry(MON_CHOIX.id) is None
    assert directory.public.listed([MON_CHOIX.id]) == set()
    assert [c.kind for c in directory.world.listings.log] == [ChoiceKind.LISTED, ChoiceKind.UNLISTED]
    assert directory.space.show(directory.julie).form.values["contact_email"] == "info@ateliersmonchoix.example.org"


def test_saving_a_listed_listing_changes_the_directory_at_once(directory: Directory) -> None:
    directory.listed()
    assert found(directory, "cidre") == []

    page = directory.space.save(directory.julie, listing_form(description_fr="Nous pressons aussi du cidre de pommes."))

    assert page.notice is Notice.SAVED_PUBLIC
    assert found(directory, "cidre") == [MON_CHOIX.id]
    assert len(directory.world.listings.log) == 1  # saving is no new choice


def test_an_enterprise_acts_only_on_its_own_listing(directory: Directory) -> None:
    directory.listed()
    before = directory.world.listings.by_id[MON_CHOIX.id]

    directory.space.save(directory.marc, listing_form(description_fr="Déneigement de stationnements au Saguenay."))
    directory.space.unpublish(directory.marc)
    fjord = directory.space.show(directory.marc)

    assert directory.world.listings.by_id[MON_CHOIX.id] == before
    assert fjord.enterprise.id == FJORD.id and fjord.record is not None and not fjord.record.listed
    assert found(directory) == [MON_CHOIX.id]


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.SIGNATORY])
def test_only_an_enterprise_has_a_listing(directory: Directory, role: Role) -> None:
    actor = (
        directory.organizer()
        if role is Role.ORGANIZER
        else directory.people.actor("achats@cegep.example.org", Role.SIGNATORY, "p-verified")
    )

    actions: list[Callable[[], object]] = [
        lambda: directory.space.show(actor),
        lambda: directory.space.save(actor, listing_form()),
        lambda: directory.space.publish(actor, CONSENT),
        lambda: directory.space.unpublish(actor),
    ]
    for action in actions:
        with pytest.raises(NotAllowed):
            action()
    assert directory.world.listings.by_id == {}


def test_a_removed_enterprise_is_answered_as_not_found(directory: Directory) -> None:
    actor = directory.julie
    del directory.world.enterprises.enterprises[MON_CHOIX.id]

    with pytest.raises(NotAllowed) as refused:
        directory.space.save(actor, listing_form())

    assert refused.value.hidden and directory.world.listings.by_id == {}


@pytest.mark.parametrize("address", [JULIE.email, MARC.email.upper()])
def test_the_contact_address_is_never_one_of_its_subscribers(directory: Directory, address: str) -> None:
    page = directory.space.save(directory.julie, listing_form(contact_email=address))

    assert page.status == 422 and page.form.error("contact_email").code == "subscriber_address"  # type: ignore[union-attr]
    assert directory.world.listings.by_id == {}


def test_two_people_saving_at_once_the_second_is_told_and_nothing_is_lost(directory: Directory) -> None:
    directory.space.save(directory.julie, listing_form())
    first = directory.world.listings.by_id[MON_CHOIX.id]
    directory.space.save(directory.julie, listing_form(description_fr="La version de ma collègue, enregistrée avant."))
    directory.world.listings.record = lambda enterprise_id: first  # type: ignore[method-assign]  # read before

    page = directory.space.save(directory.julie, listing_form(description_fr="Ma version, partie du vieux formulaire."))

    assert page.notice is Notice.CONFLICT and page.status == 409
    assert directory.world.listings.by_id[MON_CHOIX.id].listing.description.fr == (
        "La version de ma collègue, enregistrée avant."
    )


def test_the_listing_takes_the_registered_name_and_regions_as_they_are_now(directory: Directory) -> None:
    directory.listed()
    renamed = replace(MON_CHOIX, name="Ateliers Mon Choix inc.", regions_served=("01", "03"))
    directory.world.enterprises.enterprises[MON_CHOIX.id] = renamed

    directory.space.save(directory.julie, listing_form())

    [entry] = directory.public.entries()
    assert entry.name == "Ateliers Mon Choix inc."
    assert directory.world.listings.by_id[MON_CHOIX.id].regions == ("01", "03", "11")


def test_the_audit_records_say_what_changed_without_personal_information(directory: Directory) -> None:
    directory.listed()
    directory.space.unpublish(directory.julie)

    records = directory.world.audit_log.records
    assert [r.action for r in records] == ["listing.save", "listing.publish", "listing.unpublish"]
    for record in records:
        assert (record.item.type, record.item.id, record.actor_id) == ("listing", MON_CHOIX.id, MON_CHOIX.id)
        assert record.regions == ("01", "11") and record.at == NOW
        assert "@" not in repr(record.details)
