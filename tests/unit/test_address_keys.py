"""The one keyed hash of an address (esja.people.keys), and the move of the tables onto it (esja.people.rekey)."""

from __future__ import annotations

import hashlib

import pytest

from esja.alerts.model import Listing, Preferences
from esja.people.keys import AddressKeys, address_key
from esja.people.rekey import AddressRekeying, plain_hash
from tests.fakes import TEST_KEYS, FakeWorld
from tests.space_builders import MON_CHOIX, NOW, People, pledge


def test_an_address_has_one_key_whatever_its_case_and_spaces() -> None:
    assert TEST_KEYS(" Julie@MonChoix.example.org ") == TEST_KEYS("julie@monchoix.example.org")


def test_the_key_cannot_be_found_from_a_list_of_addresses_without_the_secret() -> None:
    email = "julie@monchoix.example.org"

    assert address_key(email, b"secret") != hashlib.sha256(email.encode()).hexdigest()  # a plain hash is reversible
    assert address_key(email, b"secret") != address_key(email, b"another secret")


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        AddressKeys.fixed("")


def test_the_secret_is_read_only_when_a_key_is_first_needed() -> None:
    reads: list[int] = []

    def secret() -> bytes:
        reads.append(1)
        return b"s"

    keys = AddressKeys(secret)
    assert reads == []
    keys("a@example.org")
    assert reads == [1]


# --- esja people rekey ---


def rekeyed(world: FakeWorld) -> AddressRekeying:
    return world.build(AddressRekeying)


def test_rekeying_moves_each_known_address_from_its_plain_hash_to_its_keyed_hash() -> None:
    people = People()
    world = people.world
    listing = Listing((("ateliers-mon-choix", "Les Ateliers Mon Choix"),), (), Preferences("daily", "fr"), ())
    world.subscriptions.enrol(plain_hash(MON_CHOIX.subscribers[0].email), listing, NOW)  # stored before the change
    world.subscriptions.enrol(plain_hash("former@example.org"), listing, NOW)  # no longer in any enterprise

    report = rekeyed(world).run()

    assert TEST_KEYS(MON_CHOIX.subscribers[0].email) in world.subscriptions.by_address
    assert plain_hash(MON_CHOIX.subscribers[0].email) not in world.subscriptions.by_address
    assert (report.partitions_moved, report.unknown_partitions) == (1, 1)  # the former subscriber's cannot move


def test_rekeying_twice_moves_nothing_the_second_time() -> None:
    world = People().world
    world.subscriptions.enrol(
        plain_hash(MON_CHOIX.subscribers[0].email), Listing((), (), Preferences("daily", "fr"), ()), NOW
    )
    rekeyed(world).run()

    again = rekeyed(world).run()

    assert (again.partitions_moved, again.items_moved, again.pledges_keyed) == (0, 0, 0)


def test_rekeying_gives_pledges_signed_before_address_keys_their_key() -> None:
    world = People().world
    old = pledge("p-old", "ancien@ville.example.org", address_key="")
    world.pledges.by_id[old.id] = old

    report = rekeyed(world).run()

    assert world.pledges.by_id["p-old"].address_key == TEST_KEYS("ancien@ville.example.org")
    assert report.pledges_keyed == 1


def test_rekeying_queues_the_pledges_confirmed_before_verification_existed() -> None:
    world = People().world
    legacy = pledge("p-legacy", "ancien@ville.example.org", verdict=None)
    world.pledges.by_id[legacy.id] = legacy

    first, again = rekeyed(world).run(), rekeyed(world).run()

    assert (first.pledges_queued, again.pledges_queued) == (1, 0)
    assert {p.id for p in world.pledges.to_verify(NOW)} == {"p-to-verify", "p-legacy"}
