"""The real SEAO and OCDS files of ../shared/data, drifted at random the ways publishers drift (a field
dropped, retyped, emptied, wrapped in an array or unwrapped): the parser never crashes, never shows
a value the file does not hold, and never calls a tender open without a readable closing date to come.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esja.model import Status, Tender, Text
from esja.sources.formats import parse
from esja.sources.parsed import FeedError, Parsed
from tests.conftest import SHARED_DATA

EASTERN = ZoneInfo("America/Toronto")  # publishers' dates without an offset are Eastern time

# The SEAO files' own week, so that their open calls are open; the 2015–2017 OCDS files are all past.
NOW = datetime(2026, 9, 21, 5, 17, tzinfo=UTC)
REAL_FILES = sorted(SHARED_DATA.glob("seao/*.json")) + sorted(SHARED_DATA.glob("ocds/*/sample/*/*.json"))
EXAMPLES = int(os.environ.get("ESJA_MUTATION_EXAMPLES", "120"))  # per test; a few seconds on one core

# The fields ESJA reads: half the mutations land on one of these, the others anywhere.
READ_KEYS = frozenset(
    (
        *("ocid", "id", "date", "tag", "language", "tender", "title", "description", "status", "value"),
        *("amount", "currency", "tenderPeriod", "endDate", "startDate", "durationInDay", "durationInDays"),
        *("items", "classification", "additionalClassifications", "scheme", "lots", "awards", "contracts"),
        *("suppliers", "parties", "buyer", "name", "address", "postalCode", "locality", "roles", "details"),
        *("neq", "documents", "url", "datePublished", "amendments", "awardID", "dateSigned"),
        *("compiledRelease", "releases", "title_en", "title_fr", "description_en", "description_fr"),
        *("name_en", "name_fr", "mainProcurementCategory"),
    )
)
# What a rejection may say: anything else is an unforeseen error the safety net caught.
REJECTIONS = (
    "no ocid",
    "a release is an object",
    "no words could be read",
    "release id is not SEAO's",
    "record has no compiledRelease",
)

Path_ = tuple[str | int, ...]


@cache
def original(path: Path) -> bytes:
    return path.read_bytes()


@cache
def paths_in(path: Path) -> tuple[tuple[Path_, ...], tuple[Path_, ...]]:
    """Every place inside the file's releases or records (not the package around them), and those ESJA reads."""
    document = json.loads(original(path))
    roots: list[Path_] = [(key, n) for key in ("releases", "records") for n in range(len(document.get(key) or ()))]
    everywhere = [p for root in roots or [()] for p in _walk(_at(document, root), root)]
    return tuple(everywhere), tuple(p for p in everywhere if p and p[-1] in READ_KEYS)


def _walk(node: Any, here: Path_) -> Iterator[Path_]:
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield (*here, key)
        yield from _walk(child, (*here, key))


def _at(node: Any, path: Path_) -> Any:
    for key in path:
        node = node[key]
    return node


def retyped(value: Any) -> list[Any]:
    """The other JSON types a publisher may write for this value."""
    if isinstance(value, bool):
        return ["true", 1]
    if isinstance(value, int | float):
        return [str(value), True, {"value": value}]
    if isinstance(value, str):
        return [len(value), 12.5, False, {"text": value}]
    if isinstance(value, list):
        return ["list", 3, {str(n): v for n, v in enumerate(value)}]
    if isinstance(value, dict):
        return ["object", 7, list(value.values())]
    return ["", 0]


def mutated(document: Any, path: Path_, how: str, choice: int) -> bool:
    """Apply one drift in place; False when it does not apply to the value there."""
    key = path[-1]
    try:
        parent = _at(document, path[:-1])
        value = parent[key]
    except (KeyError, IndexError, TypeError):
        return False  # an earlier drift removed or reshaped this place
    if type(parent) not in (dict, list):
        return False  # text now, where an earlier drift put it
    if how == "drop":
        del parent[key]
    elif how == "retype":
        options = retyped(value)
        parent[key] = options[choice % len(options)]
    elif how == "empty":
        parent[key] = {} if isinstance(value, dict) else [] if isinstance(value, list) else ""
    elif how == "wrap":
        parent[key] = [value]
    elif isinstance(value, list) and value:  # unwrap
        parent[key] = value[0]
    else:
        return False
    return True


@st.composite
def drifted_files(draw: st.DrawFn, files: list[Path]) -> tuple[Path, bytes, list[tuple[Path_, str]]]:
    path = draw(st.sampled_from(files))
    everywhere, read = paths_in(path)
    document = json.loads(original(path))
    drifts = []
    for _ in range(draw(st.integers(1, 3))):
        on_a_read_field: bool = bool(read) and draw(st.booleans())
        places = read if on_a_read_field else everywhere
        where = draw(st.sampled_from(places))
        how = draw(st.sampled_from(("drop", "retype", "empty", "wrap", "unwrap")))
        if mutated(document, where, how, draw(st.integers(0, 3))):
            drifts.append((where, how))
    return path, json.dumps(document, ensure_ascii=False).encode(), drifts


# ---------------------------------------------------------------- what the file holds


class Written:
    """Every value the (drifted) file holds, read independently of the parser: its texts, its numbers
    (JSON numbers, and texts that are numbers with « . » or « , » and spaces), its ISO dates."""

    def __init__(self, data: bytes) -> None:
        self.texts: list[str] = []
        self.numbers: set[Decimal] = set()
        self.moments: set[datetime] = set()  # aware, or naive when the file gives no offset
        self._collect(json.loads(data, parse_float=Decimal))
        self.lines = [" ".join(text.split()) for text in self.texts]

    def _collect(self, node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                self.texts.append(str(key))
                self._collect(value)
        elif isinstance(node, list):
            for value in node:
                self._collect(value)
        elif isinstance(node, str):
            self.texts.append(node)
            with contextlib.suppress(ArithmeticError, ValueError):
                number = Decimal(node.strip().replace(" ", "").replace("\u00a0", "").replace(",", "."))
                if number.is_finite():
                    self.numbers.add(number)
            with contextlib.suppress(ValueError):
                self.moments.add(datetime.fromisoformat(node.strip()))
        elif isinstance(node, int | Decimal) and not isinstance(node, bool):
            self.texts.append(str(node))
            self.numbers.add(Decimal(node))

    def holds_text(self, shown: str | None) -> bool:
        """A text shown is one the file holds, or a part of one (a first sentence; items joined by « ; »)."""
        if shown is None:
            return True
        parts = [part.removesuffix("…").strip() for part in shown.split("; ")]
        return all(any(part in line for line in self.lines) for part in parts)

    def holds_moment(self, shown: datetime | None) -> bool:
        """A date shown is one the file holds, or one it gives as a start plus a whole number of days."""
        if shown is None:
            return True
        local = shown.astimezone(EASTERN).replace(tzinfo=None)  # what the file says without an offset
        for moment in self.moments:
            delta = (shown if moment.tzinfo else local) - moment
            if delta == timedelta(0) or (delta == timedelta(days=delta.days) and Decimal(delta.days) in self.numbers):
                return True
        return False


def assert_nothing_invented(tender: Tender, written: Written) -> None:
    texts: list[Text] = [tender.title, tender.description]
    if tender.buyer is not None:
        texts.append(tender.buyer.name)
    for text in texts:
        assert written.holds_text(text.fr) and written.holds_text(text.en), text
    assert written.holds_text(tender.native_id)
    for moment in (tender.closing_at, tender.published_at, *(award.date for award in tender.awards)):
        assert written.holds_moment(moment), moment
    for money in (tender.value, *(award.value for award in tender.awards)):
        assert money is None or money.amount in written.numbers, money
    for award in tender.awards:
        for supplier in award.suppliers:
            assert written.holds_text(supplier.name) and written.holds_text(supplier.id)
    for classification in tender.classifications:
        assert written.holds_text(classification.code)


def check(data: bytes, drifts: list[tuple[Path_, str]]) -> Parsed | None:
    try:
        parsed = parse(data, source="mutated", now=NOW)
    except FeedError:
        # Only a file that no longer has the shape of a package, a release or a record may be refused whole.
        assert any(len(where) <= 1 for where, _ in drifts), drifts
        return None
    written = Written(data)
    for rejected in parsed.rejected:
        assert rejected.reason.startswith(REJECTIONS), (rejected, drifts)
    for tender in parsed.tenders:
        assert_nothing_invented(tender, written)
        if tender.status is Status.OPEN:
            assert tender.closing_at is not None and tender.closing_at > NOW, (tender.closing_at, drifts)
    assert len(parsed.tenders) + len(parsed.rejected) + parsed.not_notices + len(parsed.linked) <= parsed.records
    return parsed


# ---------------------------------------------------------------- the properties

MUTATIONS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name[:48])
def test_the_real_files_as_published_hold_the_properties(path: Path) -> None:
    parsed = check(original(path), [])

    assert parsed is not None and parsed.rejected == [] and parsed.tenders


@pytest.mark.parametrize("corpus", ["seao/*.json", "ocds/*/sample/*/*.json"])
@MUTATIONS
@given(data=st.data())
def test_drifted_real_files_never_crash_invent_or_open_without_a_closing_date(corpus: str, data: st.DataObject) -> None:
    _, document, drifts = data.draw(drifted_files(sorted(SHARED_DATA.glob(corpus))))
    check(document, drifts)
