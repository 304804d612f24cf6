"""The official list of Québec municipalities for region inference, fetched from MAMH and cached.

A copy younger than a month is used as is; an older one is refreshed with a conditional GET. When
the publisher cannot be reached or sends a file that is not MUN.csv, the cached copy (whatever its
age) serves, and failing that the compact tables bundled with the package: polling never stops for
want of reference data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from esja.geo import MUN_CSV_URL, Gazetteer, GazetteerError
from esja.sources.http import Fetched, FetchError

logger = logging.getLogger(__name__)

MUN_FILE = "geo/MUN.csv"
MAX_AGE = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class CachedFile:
    body: bytes
    fetched_at: datetime
    etag: str | None = None


class ReferenceCache(Protocol):
    def read(self, name: str) -> CachedFile | None: ...
    def write(self, name: str, file: CachedFile) -> None: ...


class Fetcher(Protocol):
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched: ...


def official_gazetteer(fetcher: Fetcher, cache: ReferenceCache, now: datetime, url: str = MUN_CSV_URL) -> Gazetteer:
    cached = cache.read(MUN_FILE)
    if cached and now - cached.fetched_at < MAX_AGE and (gazetteer := _load(cached.body)):
        return gazetteer
    try:
        fetched = fetcher.get(url, etag=cached.etag if cached else None)
    except FetchError as error:
        logger.warning("municipalities list unreachable, using the cached or bundled copy", extra={"error": str(error)})
        fetched = None
    if fetched and fetched.not_modified and cached:
        cache.write(MUN_FILE, CachedFile(cached.body, now, cached.etag))
    elif fetched and (gazetteer := _load(fetched.body)):
        cache.write(MUN_FILE, CachedFile(fetched.body, now, fetched.etag))
        return gazetteer
    if cached and (gazetteer := _load(cached.body)):
        return gazetteer
    return Gazetteer.bundled()


def _load(body: bytes) -> Gazetteer | None:
    try:
        return Gazetteer.from_mamh(body)
    except GazetteerError as error:
        logger.warning("municipalities list unreadable", extra={"error": str(error)})
        return None
