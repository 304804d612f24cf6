"""match_tenders on fakes: each (enterprise, tender) recorded once, updates for those told, retries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from esja.ingest.changes import ChangeKind
from esja.matching.service import Announcement, MatchService, TenderNotStoredYet
from esja.model import Enterprise, Profile, Status, Tender
from tests.alert_builders import tender
from tests.fakes import FakeWorld

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
TENDER = tender("ocds-1")
MENAGE = Profile("coop", "menage", "Entretien ménager", unspsc=("7611",))
VITRES = Profile("coop", "vitres", "Vitres", keywords=("entretien ménager",))
OTHER = Profile("voisins", "parcs", "Parcs", unspsc=("7611",))


def world_of(*profiles: Profile) -> FakeWorld:
    world = FakeWorld(NOW)
    world.enterprises.save([Enterprise(e, e) for e in sorted({p.enterprise_id for p in profiles})], profiles)
    return world


def announce(world: FakeWorld, tender: Tender) -> Announcement:
    change = world.tenders.publish(tender, NOW)
    return Announcement(tender.key, change.kind, change.content_hash, tender.revision)


def matcher(world: FakeWorld) -> MatchService:
    service = world.build(MatchService)
    service.refresh()
    return service


def test_a_new_tender_is_recorded_once_per_enterprise_with_every_profile_that_found_it() -> None:
    world = world_of(MENAGE, VITRES, OTHER)

    outcome = matcher(world).handle(announce(world, TENDER))

    assert outcome.new_matches == 2
    coop = world.matches.items_by_key[("coop", "match#seao:ocds-1")].alert
    assert set(coop.profile_ids) == {"menage", "vitres"} and coop.match is not None
    assert world.matches.enterprises_matched("seao:ocds-1") == ["coop", "voisins"]


def test_the_same_announcement_twice_records_nothing_more() -> None:
    world = world_of(MENAGE)
    service, announcement = matcher(world), announce(world, TENDER)

    first, again = service.handle(announcement), service.handle(announcement)

    assert (first.new_matches, again.new_matches, again.updates) == (1, 0, 0)


def test_an_announcement_ahead_of_the_table_is_retried_not_lost() -> None:
    world = world_of(MENAGE)
    service = matcher(world)

    with pytest.raises(TenderNotStoredYet):
        service.handle(Announcement(TENDER.key, ChangeKind.NEW, "hash", TENDER.revision))
    announce(world, TENDER)
    with pytest.raises(TenderNotStoredYet):  # a later revision than the one stored
        service.handle(Announcement(TENDER.key, ChangeKind.AMENDED, "hash", "20261121000000"))


def test_a_cancellation_is_recorded_for_every_enterprise_told_and_once() -> None:
    world = world_of(MENAGE, OTHER)
    service = matcher(world)
    service.handle(announce(world, TENDER))

    cancelled = announce(world, replace(TENDER, revision="20261121120000", status=Status.CANCELLED))
    outcome, again = service.handle(cancelled), service.handle(cancelled)

    assert (outcome.updates, again.updates) == (2, 0)
    updates = [m.alert for m in world.matches.items_by_key.values() if not m.alert.is_match]
    assert {(u.enterprise_id, u.change) for u in updates} == {("coop", "cancelled"), ("voisins", "cancelled")}


def test_the_index_is_rebuilt_only_when_the_profiles_change() -> None:
    world = world_of(MENAGE)
    service = world.build(MatchService)

    assert service.refresh() and not service.refresh()
    world.enterprises.save([Enterprise("voisins", "voisins")], [OTHER])
    assert service.refresh()
    assert service.handle(announce(world, TENDER)).new_matches == 2


def test_the_open_tenders_stored_are_matched_from_the_command_line_once() -> None:
    world = world_of(MENAGE, OTHER)
    world.tenders.publish(TENDER, NOW)
    world.tenders.publish(tender("ocds-2", status=Status.AWARDED), NOW)  # not open: never read
    service = world.build(MatchService)

    first, again = service.match_stored(), service.match_stored()

    assert (first.profiles, first.tenders, first.new_matches) == (2, 1, 2)
    assert (again.tenders, again.new_matches) == (1, 0)  # each match is written once
    assert world.matches.enterprises_matched("seao:ocds-1") == ["coop", "voisins"]
