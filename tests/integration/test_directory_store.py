"""The Directory table on moto, as strict as its fake: a listing written only over the version read, its choice
appended in the same transaction, the directory's version moved by what the public sees; a removed enterprise's
listing gone at once, its choices kept until the purge date — and nothing ever deleted."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from esja.directory.listing import ChoiceKind, Listing, ListingChoice, ListingRecord, TakeDown
from esja.model import Category, Text
from esja.store.directory import DirectoryStore
from local.runtime import LocalAws

NOW = datetime.now(UTC).replace(microsecond=0)
LISTING = Listing(
    Text("Traiteur solidaire : boîtes à lunch et buffets.", "Catering: lunch boxes and buffets."),
    ("03", "QC"),
    (Category.GOODS, Category.SERVICES),
    ("9010", "5019"),
    "https://traiteur.example.org/menu?x=1",
    "info@traiteur.example.org",
)
FIRST = ListingRecord(
    "traiteur", "Traiteur solidaire de la Capitale", "non-profit", ("03", "12"), LISTING, NOW, version=1
)


@pytest.fixture
def store(aws: LocalAws) -> DirectoryStore:
    return DirectoryStore(aws.resources.names["DirectoryTable"], aws.client("dynamodb"))


def choice(kind: ChoiceKind = ChoiceKind.LISTED, at: datetime = NOW, enterprise_id: str = "traiteur") -> ListingChoice:
    return ListingChoice(enterprise_id, kind, at, "enterprise", enterprise_id, "k" * 64, "repertoire-2026-11")


def test_a_listing_reads_back_as_written(store: DirectoryStore) -> None:
    down = replace(FIRST, version=2, taken_down=TakeDown(NOW, "esbsl", "Injures « envers » un concurrent"))

    assert store.write(FIRST, public=False) and store.record("traiteur") == FIRST
    assert store.write(down, public=False) and store.record("traiteur") == down
    assert store.record("nobody") is None
    assert store.record("") is None and store.record("é" * 600) is None  # no key DynamoDB could hold


def test_a_listing_is_written_only_over_the_version_read(store: DirectoryStore) -> None:
    assert store.write(FIRST, public=False)
    theirs = replace(FIRST, version=2, listing=replace(LISTING, website=""))
    assert store.write(theirs, public=False)

    stale = replace(FIRST, version=2, listed_since=NOW)  # also read version 1
    again = replace(FIRST, version=1)  # a first save, when one exists

    assert not store.write(stale, choice=choice(), public=True)
    assert not store.write(again, public=False)
    assert store.record("traiteur") == theirs
    assert store.choices("traiteur") == [] and store.directory_version() == 0  # nothing of the refused transaction


def test_choices_are_appended_with_the_listing_and_read_oldest_first(store: DirectoryStore) -> None:
    listed = replace(FIRST, listed_since=NOW)
    store.write(listed, choice=choice(), public=True)
    later = NOW + timedelta(minutes=3)
    store.write(replace(listed, version=2, listed_since=None), choice=choice(ChoiceKind.UNLISTED, later), public=True)

    assert [c.kind for c in store.choices("traiteur")] == [ChoiceKind.LISTED, ChoiceKind.UNLISTED]
    assert store.choices("traiteur")[0] == choice()
    assert store.directory_version() == 2


def test_the_public_read_has_only_listed_listings_and_the_version_moves_with_them(store: DirectoryStore) -> None:
    store.write(FIRST, public=False)
    assert store.published() == [] and store.directory_version() == 0

    listed = replace(FIRST, version=2, listed_since=NOW)
    store.write(listed, choice=choice(), public=True)
    store.write(replace(FIRST, enterprise_id="autre"), public=False)

    assert store.published() == [listed] and store.directory_version() == 1
    assert {r.enterprise_id for r in store.records()} == {"traiteur", "autre"}


def test_a_removed_enterprise_leaves_at_once_its_choices_kept_until_the_purge(
    aws: LocalAws, store: DirectoryStore
) -> None:
    store.write(replace(FIRST, listed_since=NOW), choice=choice(), public=True)
    purge = NOW + timedelta(days=3 * 365)

    store.forget("traiteur", purge_at=purge)
    forgotten = datetime.now(UTC).timestamp()

    assert store.record("traiteur") is None and store.published() == [] and store.records() == []
    assert store.directory_version() == 2 and store.choices("traiteur") == [choice()]
    items = aws.client("dynamodb").scan(TableName=aws.resources.names["DirectoryTable"])["Items"]
    expiring = {item["sk"]["S"]: int(item["expires_at"]["N"]) for item in items if "expires_at" in item}
    assert expiring["traiteur"] <= forgotten  # the TTL takes the emptied item
    assert [at for sk, at in expiring.items() if sk != "traiteur"] == [int(purge.timestamp())]
    assert not {"record", "listed"} & {name for item in items if item["sk"]["S"] == "traiteur" for name in item}


def test_the_same_enterprise_registered_again_starts_a_new_listing(aws: LocalAws, store: DirectoryStore) -> None:
    store.write(FIRST, public=False)
    store.forget("traiteur", purge_at=NOW + timedelta(days=1))

    assert store.write(FIRST, public=False) and store.record("traiteur") == FIRST
    key = {"pk": {"S": "listing"}, "sk": {"S": "traiteur"}}
    item = aws.client("dynamodb").get_item(TableName=aws.resources.names["DirectoryTable"], Key=key)["Item"]
    assert "expires_at" not in item  # the TTL of the removal does not take the new listing
