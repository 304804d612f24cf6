"""Organizers take abusive listings down, on fakes: off the directory at once, the reason told to the enterprise,
which may publish again only once the take-down is lifted — and only the organizers of its regions may."""

from __future__ import annotations

import pytest

from esja.directory.listing import ChoiceKind
from esja.directory.moderation import Outcome
from esja.directory.space import Notice
from esja.people.actor import NotAllowed
from tests.directory_builders import CONSENT, Directory
from tests.space_builders import FJORD, MON_CHOIX

REASON = "Description injurieuse envers un concurrent."


@pytest.fixture
def directory() -> Directory:
    directory = Directory()
    directory.listed()
    return directory


def test_a_take_down_leaves_the_directory_at_once_and_tells_the_enterprise_why(directory: Directory) -> None:
    assert directory.public.listed([MON_CHOIX.id]) == {MON_CHOIX.id}

    done = directory.moderation.take_down(directory.organizer("esbsl"), MON_CHOIX.id, f"  {REASON} ")

    assert done.outcome is Outcome.TAKEN_DOWN and done.status == 200
    assert directory.public.listed([MON_CHOIX.id]) == set() and directory.public.entry(MON_CHOIX.id) is None
    page = directory.space.show(directory.julie)
    assert page.record is not None and page.record.taken_down is not None
    assert (page.record.taken_down.by, page.record.taken_down.reason) == ("esbsl", REASON)
    assert directory.world.listings.log[-1].kind is ChoiceKind.TAKEN_DOWN


def test_a_taken_down_listing_cannot_be_published_again_until_the_take_down_is_lifted(directory: Directory) -> None:
    directory.moderation.take_down(directory.organizer(), MON_CHOIX.id, REASON)

    refused = directory.space.publish(directory.julie, CONSENT)
    assert refused.notice is Notice.TAKEN_DOWN and refused.status == 409
    assert directory.public.entries() == ()

    assert directory.moderation.restore(directory.organizer(), MON_CHOIX.id).outcome is Outcome.RESTORED
    assert directory.public.entries() == ()  # lifting is no consent: the enterprise chooses again
    assert directory.space.publish(directory.julie, CONSENT).notice is Notice.PUBLISHED
    assert [c.kind for c in directory.world.listings.log] == [
        ChoiceKind.LISTED,
        ChoiceKind.TAKEN_DOWN,
        ChoiceKind.RESTORED,
        ChoiceKind.LISTED,
    ]


def test_an_organizer_of_another_region_may_not_and_an_all_region_one_may(directory: Directory) -> None:
    with pytest.raises(NotAllowed) as refused:
        directory.moderation.take_down(directory.organizer("cesim"), MON_CHOIX.id, REASON)

    assert not refused.value.hidden and directory.public.listed([MON_CHOIX.id]) == {MON_CHOIX.id}
    assert directory.moderation.listings(directory.organizer("cesim")) == ()
    assert directory.moderation.take_down(directory.organizer("chantier"), MON_CHOIX.id, REASON).status == 200


def test_an_enterprise_cannot_moderate(directory: Directory) -> None:
    for action in (
        lambda: directory.moderation.listings(directory.marc),
        lambda: directory.moderation.take_down(directory.marc, MON_CHOIX.id, REASON),
        lambda: directory.moderation.restore(directory.julie, MON_CHOIX.id),
    ):
        with pytest.raises(NotAllowed):
            action()
    assert directory.public.listed([MON_CHOIX.id]) == {MON_CHOIX.id}


def test_an_unknown_listing_is_not_found(directory: Directory) -> None:
    with pytest.raises(NotAllowed) as refused:
        directory.moderation.take_down(directory.organizer(), FJORD.id, REASON)

    assert refused.value.hidden


@pytest.mark.parametrize("reason", ["", "ok", "Voir evil-phish.com", "Abus\u200b", "x" * 301])
def test_a_take_down_needs_a_plain_reason_or_changes_nothing(directory: Directory, reason: str) -> None:
    done = directory.moderation.take_down(directory.organizer(), MON_CHOIX.id, reason)

    assert done.outcome is Outcome.INVALID and done.status == 422 and done.error is not None
    assert directory.public.listed([MON_CHOIX.id]) == {MON_CHOIX.id}
    assert directory.world.audit_log.actions() == ["listing.save", "listing.publish"]


def test_taking_down_what_was_withdrawn_meanwhile_does_nothing(directory: Directory) -> None:
    directory.space.unpublish(directory.julie)

    done = directory.moderation.take_down(directory.organizer(), MON_CHOIX.id, REASON)

    assert done.outcome is Outcome.NOT_LISTED and done.status == 409
    assert directory.world.listings.by_id[MON_CHOIX.id].taken_down is None


def test_the_console_lists_its_regions_listings_and_the_journal_keeps_the_reason_out(directory: Directory) -> None:
    organizer = directory.organizer()
    directory.moderation.take_down(organizer, MON_CHOIX.id, REASON)
    directory.moderation.restore(organizer, MON_CHOIX.id)

    assert directory.moderation.listings(organizer) == ()  # lifted, not published again: nothing to moderate
    take_down, restore = directory.world.audit_log.records[-2:]
    assert (take_down.action, restore.action) == ("listing.take-down", "listing.restore")
    assert take_down.regions == ("01", "11") and take_down.actor_id == "esbsl"
    assert REASON not in repr(take_down.details)
