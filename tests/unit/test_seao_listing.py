"""Which SEAO files a poll reads next, from the CKAN listing."""

from __future__ import annotations

import json
from datetime import date

import pytest

from esja.sources.ckan import list_seao_files, pending_seao_files
from esja.sources.parsed import FeedError


def listing(*names: str) -> bytes:
    resources = [{"name": n, "url": f"https://example.org/resource/{i}/download/{n}"} for i, n in enumerate(names)]
    resources.append({"name": "Guide", "url": "https://example.org/guide.pdf"})
    return json.dumps({"success": True, "result": {"resources": resources}}).encode()


def test_weekly_files_are_read_oldest_first_and_other_resources_ignored() -> None:
    files = list_seao_files(listing("hebdo_20261116_20261122.json", "hebdo_20261109_20261115.json"))
    assert [f.name for f in files] == ["hebdo_20261109_20261115.json", "hebdo_20261116_20261122.json"]
    assert files[0].url.endswith("/download/hebdo_20261109_20261115.json")


def test_a_missed_week_is_caught_up_on_the_next_run() -> None:
    files = list_seao_files(
        listing("hebdo_20261102_20261108.json", "hebdo_20261109_20261115.json", "hebdo_20261116_20261122.json")
    )
    pending = pending_seao_files(files, {"hebdo_20261102_20261108.json"}, since=date(2026, 11, 1))
    assert [f.name for f in pending] == ["hebdo_20261109_20261115.json", "hebdo_20261116_20261122.json"]


def test_monthly_file_is_read_only_when_a_weekly_one_is_missing() -> None:
    names = ["mensuel_20261001_20261031.json", "hebdo_20260928_20261004.json", "hebdo_20261005_20261011.json"]
    files = list_seao_files(listing(*names))
    pending = pending_seao_files(files, set(), since=date(2026, 9, 27))
    assert "mensuel_20261001_20261031.json" in [f.name for f in pending]

    complete = [*names, "hebdo_20261012_20261018.json", "hebdo_20261019_20261025.json", "hebdo_20261026_20261101.json"]
    pending = pending_seao_files(list_seao_files(listing(*complete)), set(), since=date(2026, 9, 27))
    assert "mensuel_20261001_20261031.json" not in [f.name for f in pending]


def test_history_before_the_cursor_is_never_read() -> None:
    files = list_seao_files(listing("hebdo_20200106_20200112.json", "hebdo_20261116_20261122.json"))
    assert [f.name for f in pending_seao_files(files, set(), since=date(2026, 11, 15))] == [
        "hebdo_20261116_20261122.json"
    ]


@pytest.mark.parametrize("body", [b"", b"<html>maintenance</html>", b'{"success": true}', b"[1, 2]"])
def test_an_unreadable_listing_is_a_feed_error(body: bytes) -> None:
    with pytest.raises(FeedError):
        list_seao_files(body)
