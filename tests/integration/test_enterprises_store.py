"""Organizers' imports into the Enterprises table: idempotent, and the file is the truth."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from esja.model import Category, Consent, Enterprise, Profile, Subscriber
from esja.store.enterprises import EnterpriseStore
from local.runtime import LocalAws

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
    return EnterpriseStore(aws.resources.names["EnterprisesTable"], aws.client("dynamodb"))


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
