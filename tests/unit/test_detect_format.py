"""Which parser reads a file, from its first bytes, and the one `parse` entry point."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from esja.sources.formats import detect_format, parse
from esja.sources.parsed import FeedError
from tests.conftest import SHARED_DATA

NOW = datetime(2026, 9, 21, 12, tzinfo=UTC)
REAL_FILES = sorted(
    [
        *SHARED_DATA.glob("seao/*.json"),
        *SHARED_DATA.glob("canadabuys/*.csv"),
        *SHARED_DATA.glob("ocds/*/sample/*/*.json"),
    ]
)


def expected_format(path: Path) -> str:
    return path.relative_to(SHARED_DATA).parts[0]


def package(header: dict[str, object], ocid: str = "ocds-abc123-1") -> bytes:
    release = {"ocid": ocid, "id": "1", "date": "2026-09-14T10:00:00-04:00", "tender": {"title": "x"}}
    return json.dumps({**header, "releases": [release]}, ensure_ascii=False, indent=2).encode()


def test_the_real_files_are_there(shared_data: Path) -> None:
    assert {expected_format(path) for path in shared_data.glob("*/**/*.*") if path.suffix in (".json", ".csv")} >= {
        "seao",
        "canadabuys",
        "ocds",
    }


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: str(p.relative_to(SHARED_DATA))[:60])
def test_every_real_file_is_recognised_by_its_content(path: Path) -> None:
    assert detect_format(path.read_bytes()) == expected_format(path)


@pytest.mark.parametrize(
    "head",
    [b'"title-titre-eng","title-titre-fra"', b"title-titre-eng,title-titre-fra", b'\xef\xbb\xbf"title-titre-eng",'],
    ids=["quoted", "unquoted", "BOM"],
)
def test_canadabuys_csv_is_recognised_by_its_first_column(head: bytes) -> None:
    assert detect_format(head + b'"referenceNumber-numeroReference"\r\n') == "canadabuys"


@pytest.mark.parametrize(
    "header",
    [
        {"publisher": {"name": "Secrétariat du Conseil du trésor"}},
        {"uri": "https://www.donneesquebec.ca/recherche/dataset/d23b2e02/resource/b1/download/hebdo.json"},
    ],
    ids=["publisher", "uri"],
)
def test_seao_is_recognised_by_its_publisher_even_before_any_ocid(header: dict[str, object]) -> None:
    assert detect_format(package(header)) == "seao"


def test_seao_is_recognised_with_an_escaped_publisher_name_or_by_its_ocid_prefix() -> None:
    escaped = json.dumps({"publisher": {"name": "Secrétariat du Conseil du trésor"}, "releases": []}).encode()

    assert b"\\u00e9" in escaped
    assert detect_format(escaped) == "seao"
    assert detect_format(package({}, ocid="ocds-ec9k95-20171369")) == "seao"


def test_other_ocds_is_ocds_and_the_seao_file_name_breaks_a_tie() -> None:
    other = package({"publisher": {"name": "Ville de Montréal"}})

    assert detect_format(other) == "ocds"
    assert detect_format(other, "hebdo_20260914_20260920.json") == "seao"


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b" \r\n", "empty"), (b"<?xml version='1.0'?><avis/>", "unrecognised feed format")],
)
def test_unrecognised_file_raises_a_clear_feed_error(data: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        detect_format(data, "avis.xml")


def test_csv_file_name_sends_an_unknown_header_to_the_canadabuys_parser_which_names_what_lacks() -> None:
    with pytest.raises(FeedError, match="header lacks title-titre-eng"):
        parse(b'"titre","reference"\r\n', detect_format(b'"titre","reference"\r\n', "notices.csv"), now=NOW)


def test_parse_dispatches_on_the_detected_format(shared_data: Path) -> None:
    seao = parse((shared_data / "seao/hebdo_20260914_20260920_excerpt.json").read_bytes(), now=NOW)
    csv = parse(
        (shared_data / "canadabuys/openTenderNotice-ouvertAvisAppelOffres_2025-10_excerpt.csv").read_bytes(),
        now=NOW,
    )

    assert {t.source for t in seao.tenders} == {"seao"} and len(seao.tenders) == 32
    assert {t.source for t in csv.tenders} == {"canadabuys"} and len(csv.tenders) == 2


def test_ocds_tenders_take_the_feed_name_or_else_the_format() -> None:
    data = package({"publisher": {"name": "Ville de Montréal"}})

    assert parse(data, "ocds", source="montreal", now=NOW).tenders[0].source == "montreal"
    assert parse(data, "ocds", now=NOW).tenders[0].source == "ocds"
    assert parse(data, now=NOW).tenders[0].source == "ocds"


def test_unknown_format_name_raises_a_feed_error_listing_the_known_ones() -> None:
    with pytest.raises(FeedError, match="unknown feed format 'xml': expected one of seao, canadabuys, ocds"):
        parse(b"{}", "xml", now=NOW)
