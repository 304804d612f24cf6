"""The recent tenders' snapshot: the matcher's view of each tender survives the trip exactly, and the
profile index finds in it what it finds in the tenders themselves."""

from __future__ import annotations

import gzip
import json
from dataclasses import fields, replace
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esja.matching.brute_force import match_order
from esja.matching.compiled import compile_profile
from esja.matching.index import ProfileIndex
from esja.matching.recent import RecentTender, RecentTenders, SnapshotUnreadable, as_opened, encode_recent_tenders
from esja.model import Classification, Profile, Status, Tender, Text
from tests.matching_strategies import NOW, profiles, tenders

WINDOW_START = NOW - timedelta(days=60)


def recent(tender_list: list[Tender]) -> list[RecentTender]:
    """Each tender with its own key, first seen open an hour before it closes (or a day before NOW)."""
    return [
        RecentTender(
            replace(t, native_id=f"t{i}"),
            (t.closing_at - timedelta(hours=1)) if t.closing_at else NOW - timedelta(days=1),
        )
        for i, t in enumerate(tender_list)
    ]


def snapshot(entries: list[RecentTender]) -> RecentTenders:
    return RecentTenders.from_bytes(encode_recent_tenders(entries, built_at=NOW, window_start=WINDOW_START))


@settings(max_examples=150, deadline=None)
@given(st.lists(tenders, min_size=1, max_size=6))
def test_each_tenders_features_come_back_exactly_as_the_matcher_worked_them_out(tender_list: list[Tender]) -> None:
    entries = recent(tender_list)
    read = snapshot(entries)
    index = ProfileIndex.build([Profile("e", "p", keywords=("x",))])
    for i, entry in enumerate(entries):
        expected = as_opened(entry.tender, entry.opened_at)
        got = read._decode(i).features
        for field in fields(expected):
            if field.name not in ("tender", "region_fits"):
                assert getattr(got, field.name) == getattr(expected, field.name), field.name
        assert got.tender.title == entry.tender.title and got.tender.buyer == entry.tender.buyer
        assert index.match_features(got) == index.match_features(expected)


@settings(max_examples=300, deadline=None)
@given(st.lists(profiles, min_size=1, max_size=6), st.lists(tenders, min_size=1, max_size=8))
def test_a_profile_matches_in_the_snapshot_what_the_index_matches_in_the_tenders(
    profile_list: list[Profile], tender_list: list[Tender]
) -> None:
    entries = recent(tender_list)
    read = snapshot(entries)
    for profile in profile_list:
        index = ProfileIndex.build([profile])
        expected = sorted(
            (m for e in entries for m in index.match_features(as_opened(e.tender, e.opened_at))),
            key=match_order,
        )
        got = read.matches(profile)
        assert sorted((m for _, m in got), key=match_order) == expected
        assert {t.tender.key for t, _ in got} == {m.tender_key for m in expected}
        # The candidates only prune: every match is among them.
        positions = read.candidates(compile_profile(profile))
        assert {m.tender_key for m in expected} <= {read.keys[i] for i in positions}


def test_a_tender_is_shown_with_its_status_now_and_matched_as_it_was_when_first_seen_open() -> None:
    cancelled = Tender(
        "seao",
        "t1",
        "2",
        Text("Déneigement des stationnements"),
        Status.CANCELLED,
        description=Text("Un long texte que le snapshot ne garde pas"),
        closing_at=NOW,
    )
    read = snapshot([RecentTender(cancelled, NOW - timedelta(days=10))])
    [(shown, match)] = read.matches(Profile("e", "p", keywords=("déneigement",)))
    assert shown.tender.status is Status.CANCELLED
    assert shown.opened_at == NOW - timedelta(days=10)
    assert shown.tender.description == Text()  # the preview never shows it; the matcher kept its words
    assert [r.kind for r in match.reasons] == ["keyword"]
    assert read.matches(Profile("e", "p", keywords=("texte",)))  # found in the description all the same


def test_a_snapshot_names_the_publishers_titles_of_the_codes_its_tenders_carry() -> None:
    tender = Tender(
        "seao",
        "t1",
        "1",
        Text("x"),
        Status.OPEN,
        classifications=(Classification("UNSPSC", "72154010", Text("Réparation d’ascenseurs")),),
        closing_at=NOW,
    )
    read = snapshot([RecentTender(tender, NOW - timedelta(days=1))])
    assert read.code_titles == {"72154010": Text("Réparation d’ascenseurs")}
    assert (len(read), read.built_at, read.window_start) == (1, NOW, WINDOW_START)


def test_a_snapshot_of_another_format_or_damaged_is_refused_clearly() -> None:
    good = encode_recent_tenders([], built_at=NOW, window_start=WINDOW_START)
    other = json.loads(gzip.decompress(good)) | {"format": 99}
    for data in (good[:20], b"not gzip", gzip.compress(json.dumps(other).encode()), gzip.compress(b"{}")):
        with pytest.raises(SnapshotUnreadable):
            RecentTenders.from_bytes(data)
    assert len(RecentTenders.from_bytes(good)) == 0
