"""The official municipalities list: fetched from MAMH, cached in S3, never a reason to stop polling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from esja.geo import Gazetteer
from esja.ingest.reference_data import MUN_FILE, CachedFile, official_gazetteer
from esja.sources.http import HttpFetcher
from esja.store.reference_files import ReferenceFiles
from local.feed_server import FeedServer, Route
from local.runtime import LocalAws

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


@pytest.fixture
def cache(aws: LocalAws) -> ReferenceFiles:
    return ReferenceFiles(aws.resources.names["ReferenceDataBucket"], aws.client("s3"))


@pytest.fixture
def mun_csv(shared_data: Path) -> bytes:
    return (shared_data / "geo" / "mamh" / "MUN_repertoire_municipalites_2026-03.csv").read_bytes()


def test_first_cold_start_fetches_the_official_file_and_caches_it(
    cache: ReferenceFiles, publisher: FeedServer, mun_csv: bytes
) -> None:
    publisher.routes["/MUN.csv"] = Route(mun_csv, content_type="text/csv")

    gazetteer = official_gazetteer(HttpFetcher(retries=0), cache, NOW, publisher.url("/MUN.csv"))

    assert len(gazetteer.municipalities) == 1281 and gazetteer.places("Rimouski")[0].region == "01"
    cached = cache.read(MUN_FILE)
    assert cached is not None and cached.body == mun_csv and cached.fetched_at == NOW


def test_a_fresh_cached_copy_is_used_without_fetching(
    cache: ReferenceFiles, publisher: FeedServer, mun_csv: bytes
) -> None:
    cache.write(MUN_FILE, CachedFile(mun_csv, NOW - timedelta(days=3)))
    publisher.routes["/MUN.csv"] = Route(b"", status=500)

    gazetteer = official_gazetteer(HttpFetcher(retries=0), cache, NOW, publisher.url("/MUN.csv"))

    assert publisher.routes["/MUN.csv"].hits == 0 and len(gazetteer.municipalities) == 1281


def test_publisher_down_falls_back_to_the_stale_copy_then_the_bundled_tables(
    cache: ReferenceFiles, publisher: FeedServer, mun_csv: bytes
) -> None:
    publisher.routes["/MUN.csv"] = Route(b"<html>maintenance</html>", status=503)
    url = publisher.url("/MUN.csv")

    bundled = official_gazetteer(HttpFetcher(retries=0), cache, NOW, url)
    cache.write(MUN_FILE, CachedFile(mun_csv, NOW - timedelta(days=90)))
    stale = official_gazetteer(HttpFetcher(retries=0), cache, NOW, url)

    assert bundled is Gazetteer.bundled()
    assert stale is not Gazetteer.bundled() and len(stale.municipalities) == 1281


def test_a_file_that_is_not_mun_csv_is_never_cached(cache: ReferenceFiles, publisher: FeedServer) -> None:
    publisher.routes["/MUN.csv"] = Route(b"col1,col2\n1,2\n", content_type="text/csv")

    gazetteer = official_gazetteer(HttpFetcher(retries=0), cache, NOW, publisher.url("/MUN.csv"))

    assert gazetteer is Gazetteer.bundled() and cache.read(MUN_FILE) is None
