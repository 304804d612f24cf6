"""SEAO's files as listed by the Données Québec CKAN API (`package_show`), and which ones to read next.

The resource uuid in each download URL changes with every file, so the listing is the only way to
find them. Weekly files (hebdo_AAAAMMJJ_AAAAMMJJ.json) are read oldest first so a missed week is
caught up; a monthly file (mensuel_…) is read only for days that no weekly file covers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta

from esja.sources.parsed import FeedError

_FILE_NAME = re.compile(r"(hebdo|mensuel)_(\d{8})_(\d{8})\.json$")


@dataclass(frozen=True, slots=True)
class SeaoFile:
    name: str
    url: str
    weekly: bool
    start: date
    end: date


def list_seao_files(package_show: bytes) -> list[SeaoFile]:
    """Every weekly and monthly file of the dataset, oldest first (weeklies before a monthly that ends later)."""
    try:
        package = json.loads(package_show)
        resources = package["result"]["resources"]
    except (ValueError, KeyError, TypeError) as error:
        raise FeedError(f"the CKAN listing is not a package_show answer: {error}") from None
    if not package.get("success", True):
        raise FeedError("the CKAN listing answered success=false")
    files = {}
    for resource in resources:
        url = str(resource.get("url") or "")
        match = _FILE_NAME.search(url) or _FILE_NAME.search(str(resource.get("name") or ""))
        if not match:
            continue
        kind, start, end = match.groups()
        name = f"{kind}_{start}_{end}.json"
        files[name] = SeaoFile(name, url, kind == "hebdo", _day(start), _day(end))
    return sorted(files.values(), key=lambda f: (f.end, not f.weekly, f.name))


def pending_seao_files(files: list[SeaoFile], processed: set[str], since: date) -> list[SeaoFile]:
    """Files not yet processed that end after `since`, oldest first; monthlies only to fill gaps."""
    covered: set[date] = set()
    for file in files:
        if file.weekly:
            covered.update(_days(file.start, file.end))
    pending = []
    for file in files:
        if file.name in processed or file.end <= since:
            continue
        if file.weekly or any(day > since and day not in covered for day in _days(file.start, file.end)):
            pending.append(file)
    return pending


def file_period(name: str) -> tuple[date, date, bool] | None:
    """The days a SEAO file covers, and whether it is a weekly one, from its name; None for another name."""
    match = _FILE_NAME.search(name)
    return (_day(match[2]), _day(match[3]), match[1] == "hebdo") if match else None


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
