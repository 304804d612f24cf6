"""Past digests in the console (esja.console.digests): an organizer of some regions reads their own, never
another organizer's — not even whether it exists; one with every region reads everyone's."""

from __future__ import annotations

import pytest

from esja.console.digests import PastDigests
from esja.digest.links import archive_key
from esja.digest.weeks import Week
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from tests.space_builders import CESIM, ESBSL, EVERYWHERE, JULIE, MON_CHOIX, People

W46, W47 = Week.parse("2026-W46"), Week.parse("2026-W47")


@pytest.fixture
def people() -> People:
    people = People()
    for organizer, week in (("esbsl", W46), ("esbsl", W47), ("cesim", W47), ("left", W46)):
        people.world.archive.pages[archive_key(organizer, week)] = (
            f"<html><head></head><body>{organizer} {week}</body></html>"
        )
    people.world.archive.pages["digests/notes.txt"] = "not a digest"
    return people


def digests(people: People) -> PastDigests:
    return people.world.build(PastDigests, open_archive=lambda: people.world.archive)


def test_a_regional_organizer_lists_their_own_digests_newest_first(people: People) -> None:
    listed = digests(people).listed(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"))

    assert [(d.organizer_id, str(d.week)) for d in listed] == [("esbsl", "2026-W47"), ("esbsl", "2026-W46")]
    assert listed[0].organizer == ESBSL.name


def test_an_organizer_of_every_region_lists_everyones_by_week(people: People) -> None:
    listed = digests(people).listed(people.actor(EVERYWHERE.email, Role.ORGANIZER, "chantier"))

    assert [(d.organizer, str(d.week)) for d in listed] == [
        ("CÉSIM", "2026-W47"),
        ("Économie sociale Bas-Saint-Laurent", "2026-W47"),
        ("Économie sociale Bas-Saint-Laurent", "2026-W46"),
        ("left", "2026-W46"),  # an organizer no longer on the list: by its id
    ]


def test_an_organizer_opens_their_archived_digest(people: People) -> None:
    opened = digests(people).opened(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"), "esbsl", "2026-W47")

    assert "esbsl 2026-W47" in opened.page and opened.digest.week == W47


@pytest.mark.parametrize(
    ("organizer_id", "week"),
    [("cesim", "2026-W47"), ("esbsl", "2026-W12"), ("esbsl", "2026-W99"), ("../cesim", "2026-W47"), ("esbsl", "x")],
)
def test_another_organizers_digest_and_one_that_is_not_there_are_the_same_not_found(
    people: People, organizer_id: str, week: str
) -> None:
    with pytest.raises(NotAllowed) as refused:
        digests(people).opened(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"), organizer_id, week)

    assert refused.value.hidden


def test_an_organizer_of_every_region_opens_anyones(people: People) -> None:
    everywhere = people.actor(EVERYWHERE.email, Role.ORGANIZER, "chantier")

    assert "cesim" in digests(people).opened(everywhere, "cesim", "2026-W47").page
    assert digests(people).listed(people.actor(CESIM.email, Role.ORGANIZER, "cesim"))[0].organizer_id == "cesim"


def test_only_organizers_read_digests(people: People) -> None:
    with pytest.raises(NotAllowed):
        digests(people).listed(people.actor(JULIE.email, Role.ENTERPRISE, MON_CHOIX.id))
