"""Organizers' imports into the Enterprises table: idempotent, and the file is the truth."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from esja.model import Category, Consent, Enterprise, Profile, Subscriber
from esja.store.enterprises import EnterpriseStore
from local.runtime import LocalAws
from tests.moto_tables import LOCAL_KEYS

COOP = Enterprise(
    "coop-proprete",
    "Coopérative de propreté",
    neq="1140000017",
    legal_form="coop",
    regions_served=("01",),
    subscribers=(
        Subscriber(
            "info@coop.example.org",
            "Julie",
            "fr",
            "daily",
            Consent(datetime(2026, 2, 3, 14, tzinfo=UTC), "formulaire web", "v1"),
        ),
    ),
)
CLEANING = Profile(
    "coop-proprete", "menage", "Entretien", ("7611",), ("entretien ménager",), categories=(Category.SERVICES,)
)
SNOW = Profile("coop-proprete", "neige", "Déneigement", ("72102903",))


def store(aws: LocalAws) -> EnterpriseStore:
    return EnterpriseStore(aws.resources.names["EnterprisesTable"], aws.client("dynamodb"), address_keys=LOCAL_KEYS)


def test_import_round_trips_enterprises_and_profiles(aws: LocalAws) -> None:
    store(aws).save([COOP], [CLEANING, SNOW])

    assert store(aws).load() == ([COOP], [CLEANING, SNOW])


def test_reimporting_the_same_file_changes_nothing(aws: LocalAws) -> None:
    store(aws).save([COOP], [CLEANING, SNOW])
    version = store(aws).version()

    summary = store(aws).save([COOP], [CLEANING, SNOW])

    assert not summary.changed and summary.unchanged == 3
    assert store(aws).version() == version


def test_a_profile_left_out_of_the_file_is_removed_and_the_version_moves(aws: LocalAws) -> None:
    store(aws).save([COOP], [CLEANING, SNOW])
    version = store(aws).version()

    summary = store(aws).save([COOP], [replace(CLEANING, keywords=("conciergerie",))])

    assert summary.profiles_changed == 1 and summary.profiles_removed == 1
    assert store(aws).load()[1] == [replace(CLEANING, keywords=("conciergerie",))]
    assert store(aws).version() == version + 1


# --- who manages each enterprise's space (the manager index sign-in reads) ---

ALEX = Subscriber("alex@coop.example.org", "Alex", "fr", "weekly", COOP.subscribers[0].consent)


def test_the_first_subscriber_manages_the_space_when_none_is_marked(aws: LocalAws) -> None:
    store(aws).save([replace(COOP, subscribers=(*COOP.subscribers, ALEX))], [CLEANING])

    assert store(aws).managed_by(LOCAL_KEYS("INFO@coop.example.org ")) == ["coop-proprete"]
    assert store(aws).managed_by(LOCAL_KEYS(ALEX.email)) == []


def test_a_manager_unmarked_in_the_next_import_loses_the_space(aws: LocalAws) -> None:
    first, alex = replace(COOP.subscribers[0], manages_space=True), replace(ALEX, manages_space=True)
    store(aws).save([replace(COOP, subscribers=(first, alex))], [CLEANING])
    assert store(aws).managed_by(LOCAL_KEYS(ALEX.email)) == ["coop-proprete"]

    summary = store(aws).save([replace(COOP, subscribers=(first, ALEX))], [CLEANING])

    assert store(aws).managed_by(LOCAL_KEYS(ALEX.email)) == []
    assert store(aws).managed_by(LOCAL_KEYS(first.email)) == ["coop-proprete"]
    assert summary.enterprises_changed == 1 and summary.profiles_removed == 0  # the index counts in no figure


def test_one_enterprise_and_its_profiles_are_read_alone(aws: LocalAws) -> None:
    store(aws).save([COOP], [SNOW, CLEANING])

    assert store(aws).enterprise("coop-proprete") == COOP
    assert [p.id for p in store(aws).profiles_of("coop-proprete")] == ["menage", "neige"]
    assert store(aws).enterprise("nobody") is None and store(aws).profiles_of("nobody") == []


def test_saving_subscribers_without_the_address_keys_is_refused_before_anything_is_written(aws: LocalAws) -> None:
    bare = EnterpriseStore(aws.resources.names["EnterprisesTable"], aws.client("dynamodb"))

    with pytest.raises(TypeError):
        bare.save([COOP], [CLEANING])
    assert store(aws).enterprise("coop-proprete") is None
