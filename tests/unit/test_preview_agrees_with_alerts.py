"""The preview and the alerts agree: for generated profiles and stored tenders, a profile's preview lists
exactly the tenders `match_tenders` recorded for it, with the same score and reasons.

The tenders go through what they go through in AWS: stored as the poll stores them when first seen (some
open, some already awarded or closed), announced and matched then, some closed, cancelled or awarded
since; the snapshot is published after the polls and read as the web function reads it; each profile is
previewed through the form its enterprise would send.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from esja.enterprise_space.preview import Preview, ProfilePreview
from esja.enterprise_space.profiles import EnterpriseProfiles
from esja.enterprise_space.recent_tenders import LatestRecentTenders
from esja.ingest.changes import Change
from esja.ingest.recent import RecentTendersPublisher
from esja.matching.profile_cells import profile_cells, read_profile
from esja.matching.service import Announcement, MatchService
from esja.model import Enterprise, Profile, Status, Tender
from tests.fakes import FakeWorld, acting_for
from tests.matching_strategies import NOW, profiles, tenders

# What the spreadsheet and the form accept (the matcher takes anything).
form_profiles = profiles.filter(lambda p: not read_profile(p.enterprise_id, p.id, profile_cells(p))[1])
CLOSING = st.sampled_from((None, timedelta(hours=-1), timedelta(hours=1), timedelta(days=20)))
SINCE = st.sampled_from((None, Status.CLOSED, Status.CANCELLED, Status.AWARDED))
stored_tenders = st.tuples(tenders, st.integers(0, 59), CLOSING, SINCE)


def announce(world: FakeWorld, match: MatchService, change: Change) -> None:
    if change.announced:
        tender = change.tender
        match.handle(Announcement(tender.key, change.kind, change.content_hash, tender.revision))


Drawn = tuple[Tender, int, timedelta | None, Status | None]  # a tender, days since first seen, closing, since


def store_and_match(world: FakeWorld, match: MatchService, drawn: list[Drawn]) -> None:
    for i, (drawn_tender, days_ago, closing, since) in enumerate(drawn):
        seen = NOW - timedelta(days=days_ago, hours=i)
        tender = replace(drawn_tender, native_id=f"t{i}", closing_at=seen + closing if closing is not None else None)
        world.clock.now = seen
        announce(world, match, world.tenders.publish(tender, seen))
        if since is not None and seen + timedelta(days=1) < NOW:
            world.clock.now = seen + timedelta(days=1)
            announce(world, match, world.tenders.publish(replace(tender, status=since, revision="2"), world.clock.now))
    world.clock.now = NOW


@settings(max_examples=200, deadline=None)
@given(
    st.lists(form_profiles, min_size=1, max_size=6, unique_by=lambda p: (p.enterprise_id, p.id)),
    st.lists(stored_tenders, min_size=1, max_size=10),
)
def test_a_profiles_preview_lists_what_match_tenders_recorded_for_it(
    profile_list: list[Profile], drawn: list[Drawn]
) -> None:
    world = FakeWorld(NOW)
    world.enterprises.save([Enterprise(e, e) for e in sorted({p.enterprise_id for p in profile_list})], profile_list)
    match = world.build(MatchService)
    match.refresh()
    store_and_match(world, match, drawn)
    RecentTendersPublisher(tenders=world.tenders, snapshots=world.snapshots, clock=world.clock).publish()
    recent = LatestRecentTenders(world.snapshots, world.clock)
    previews = ProfilePreview(profiles=EnterpriseProfiles(profiles=world.enterprises, audit=world.audit), recent=recent)

    for profile in (p for p in profile_list if p.active):  # a paused profile is recorded nowhere
        preview = previews.preview(acting_for(profile.enterprise_id), profile_cells(profile), profile.id)
        assert isinstance(preview, Preview)
        recorded = {
            item.alert.tender_key: item.alert
            for (enterprise, _), item in world.matches.items_by_key.items()
            if enterprise == profile.enterprise_id and item.alert.match and profile.id in item.alert.profile_ids
        }
        assert {t.tender.tender.key for t in preview.matches} == set(recorded)
        for shown in preview.matches:
            told = recorded[shown.tender.tender.key].match
            assert told is not None
            if told.profile_id == profile.id:  # the enterprise's best profile: the alert's own score and reasons
                assert (shown.score, shown.reasons) == (told.score, told.reasons)
        assert preview.lost == () and preview.gained == ()  # previewed against itself
