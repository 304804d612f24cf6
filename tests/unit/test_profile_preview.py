"""« Aperçu »: what a profile being edited would have matched in 60 days, what it gains and loses against
the saved one, whether it matches nothing or too much, and the codes its keywords' tenders carry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from esja.enterprise_space.preview import Breadth, Change, Preview, ProfilePreview, Unavailable
from esja.enterprise_space.profiles import EnterpriseProfiles, ProfileNotFound, Refused
from esja.enterprise_space.recent_tenders import LatestRecentTenders
from esja.ingest.recent import RecentTendersPublisher
from esja.model import Classification, Enterprise, Profile, RegionEvidence, Regions, Scope, Status, Tender, Text
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from tests.fakes import FakeWorld, acting_for

NOW = datetime(2026, 11, 16, 12, tzinfo=UTC)
MINE = acting_for("coop-mitis")
SAVED = Profile("coop-mitis", "hiver", "Hiver", keywords=("déneigement",), regions=("01",))
SNOW = Classification("UNSPSC", "72102901", Text("Services de déneigement", "Snow removal services"))
ROADS = Classification("UNSPSC", "72103301", Text("Déneigement d'infrastructures routières"))


def tender(key: str, title: str, *codes: Classification, region: str = "01", days_ago: int = 1) -> tuple[Tender, int]:
    regions = Regions(Scope.REGIONS, (RegionEvidence(region, "test", 1.0),))
    closing = NOW + timedelta(days=30 - days_ago)
    stored = Tender("seao", key, "1", Text(title), Status.OPEN, classifications=codes, closing_at=closing)
    return replace(stored, regions=regions), days_ago


def world_with(*stored: tuple[Tender, int], profiles: tuple[Profile, ...] = (SAVED,)) -> FakeWorld:
    world = FakeWorld(NOW)
    world.enterprises.save([Enterprise("coop-mitis", "Coop"), Enterprise("other", "Other")], list(profiles))
    for t, days_ago in stored:
        world.tenders.publish(t, NOW - timedelta(days=days_ago))
    RecentTendersPublisher(tenders=world.tenders, snapshots=world.snapshots, clock=world.clock).publish()
    return world


def previews(world: FakeWorld) -> ProfilePreview:
    recent = LatestRecentTenders(world.snapshots, world.clock)
    return ProfilePreview(profiles=EnterpriseProfiles(profiles=world.enterprises, audit=world.audit), recent=recent)


def preview(world: FakeWorld, form: dict[str, str], profile_id: str | None = "hiver") -> Preview:
    shown = previews(world).preview(MINE, form, profile_id)
    assert isinstance(shown, Preview), shown
    return shown


def keys(tenders: tuple[object, ...]) -> list[str]:
    return [t.tender.tender.native_id for t in tenders]  # type: ignore[attr-defined]


def test_the_preview_shows_the_tenders_gained_and_lost_against_the_saved_profile_with_reasons() -> None:
    world = world_with(
        tender("rimouski-snow", "Déneigement des cours d'école", SNOW, days_ago=3),
        tender("matane-roofs", "Déneigement des toitures, amiante", days_ago=2),
        tender("gaspe-snow", "Déneigement du stationnement", SNOW, region="11", days_ago=1),
        tender("rimouski-paint", "Peinture", days_ago=1),
    )
    shown = preview(world, {"keywords": "déneigement", "excluded": "amiante", "regions": "01; 11"})
    assert keys(shown.matches) == ["gaspe-snow", "rimouski-snow"]  # newest first
    assert keys(shown.gained) == ["gaspe-snow"] and keys(shown.lost) == ["matane-roofs"]
    assert [t.change for t in shown.matches] == [Change.GAINED, Change.KEPT]
    kept = shown.matches[1]
    assert [(r.kind, r.fr) for r in kept.reasons] == [
        ("keyword", "mot-clé «\u00a0déneigement\u00a0» dans le titre"),
        ("region", "région 01 Bas-Saint-Laurent"),
    ]
    assert kept.reasons[0].en == "keyword “déneigement” in the title" and kept.score == 1.0
    assert (shown.tenders_in_window, shown.data_as_of, shown.window_start) == (4, NOW, NOW - timedelta(days=60))


def test_a_new_profile_gains_everything_it_matches() -> None:
    world = world_with(tender("a", "Déneigement"), tender("b", "Peinture"))
    shown = preview(world, {"keywords": "peinture; déneigement"}, None)
    assert keys(shown.matches) == keys(shown.gained) and set(keys(shown.gained)) == {"a", "b"} and not shown.lost


def test_closed_and_cancelled_tenders_of_the_60_days_are_shown_with_their_status_now() -> None:
    closing, _ = tender("closing", "Déneigement A", days_ago=40)
    cancelled, _ = tender("cancelled", "Déneigement B", days_ago=5)
    world = world_with((closing, 40), (cancelled, 5))
    world.tenders.publish(replace(cancelled, status=Status.CANCELLED, revision="2"), NOW - timedelta(days=1))
    world.clock.advance(minutes=1)
    RecentTendersPublisher(tenders=world.tenders, snapshots=world.snapshots, clock=world.clock).publish()
    shown = preview(world, {"keywords": "déneigement", "regions": "01"})
    statuses = {t.tender.tender.native_id: t.tender.tender.status for t in shown.matches}
    assert statuses == {"closing": Status.OPEN, "cancelled": Status.CANCELLED}
    assert closing.closing_at is not None and closing.closing_at < NOW  # closed since: still shown


def test_a_profile_that_would_match_nothing_says_so() -> None:
    world = world_with(tender("a", "Déneigement"))
    shown = preview(world, {"keywords": "traiteur"})
    assert shown.breadth is Breadth.NOTHING and shown.matches == () and keys(shown.lost) == ["a"]


def test_a_profile_that_would_match_more_than_the_digest_calls_flooded_says_so() -> None:
    # 15 a week is the digest's « flooded »: 60 days hold about 8.6 weeks of them.
    many = [tender(f"t{i}", "Services de déneigement", days_ago=i % 59) for i in range(129)]
    world = world_with(*many)
    assert preview(world, {"keywords": "services"}).breadth is Breadth.TOO_BROAD
    fitting = world_with(*many[:128])
    assert preview(fitting, {"keywords": "services"}).breadth is Breadth.FITTING


def test_a_paused_profile_is_previewed_as_if_resumed_and_says_it_is_paused() -> None:
    world = world_with(tender("a", "Déneigement"), profiles=(replace(SAVED, active=False),))
    shown = preview(world, {"keywords": "déneigement"})
    assert shown.paused and keys(shown.matches) == ["a"]


def test_codes_that_the_tenders_found_by_keywords_carry_are_suggested_most_common_first() -> None:
    world = world_with(
        tender("a", "Déneigement", SNOW, ROADS),
        tender("b", "Déneigement", SNOW),
        tender("c", "Déneigement", ROADS, SNOW),
        tender("d", "Travaux routiers", ROADS),  # not found by the keyword
    )
    shown = preview(world, {"keywords": "déneigement", "unspsc": "721033"})
    assert [(s.code, s.tenders, s.given.fr) for s in shown.suggestions] == [
        ("72102901", 3, "Services de déneigement")  # 72103301 is covered by the profile's class 721033
    ]
    assert preview(world, {"keywords": "déneigement", "unspsc": "7210"}).suggestions == ()


def test_a_form_with_problems_gets_the_spreadsheets_messages_and_no_preview() -> None:
    world = world_with(tender("a", "Déneigement"))
    refused = previews(world).preview(MINE, {"keywords": "déneigement", "unspsc": "12x"})
    assert isinstance(refused, Refused) and [p.column for p in refused.problems] == ["unspsc"]


def test_before_the_first_poll_or_while_s3_fails_the_preview_is_unavailable_not_an_error() -> None:
    world = FakeWorld(NOW)
    world.enterprises.save([Enterprise("coop-mitis", "Coop")], [SAVED])
    assert isinstance(previews(world).preview(MINE, {"keywords": "déneigement"}, "hiver"), Unavailable)
    world.snapshots.fail("read")
    assert isinstance(previews(world).preview(MINE, {"keywords": "déneigement"}, "hiver"), Unavailable)


def test_another_enterprises_profile_cannot_be_previewed_against_nor_by_a_person_of_no_enterprise() -> None:
    theirs = Profile("other", "theirs", keywords=("secret",))
    world = world_with(tender("a", "Secret"), profiles=(SAVED, theirs))
    with pytest.raises(ProfileNotFound):
        previews(world).preview(MINE, {"keywords": "x"}, "theirs")
    with pytest.raises(NotAllowed):
        previews(world).preview(acting_for("esbsl", Role.ORGANIZER), {"keywords": "x"}, None)
