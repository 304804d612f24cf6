"""CanadaBuys notices CSV → tenders: the real files, the publisher's quirks and faults."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from esja.model import Category, Status, Tender
from esja.sources.canadabuys import parse_canadabuys
from esja.sources.parsed import FeedError, Parsed
from tests.conftest import SHARED_DATA

EST, EDT = timezone(timedelta(hours=-5)), timezone(timedelta(hours=-4))
NEW_2024 = "canadabuys/newTenderNotice-nouvelAvisAppelOffres_2024-12-09_excerpt.csv"
OPEN_2025 = "canadabuys/openTenderNotice-ouvertAvisAppelOffres_2025-10_excerpt.csv"
REAL_FILES = sorted(SHARED_DATA.glob("canadabuys/*.csv"))
ON_PUBLICATION_DAY = datetime(2024, 12, 9, 18, tzinfo=UTC)
LATER = datetime(2026, 7, 31, tzinfo=UTC)  # when an open-notices file still listed WS5351339788 as Open


def tender_of(parsed: Parsed, reference: str) -> Tender:
    return next(t for t in parsed.tenders if t.native_id == reference)


@pytest.fixture(scope="module")
def new_2024(shared_data: Path) -> Parsed:
    return parse_canadabuys((shared_data / NEW_2024).read_bytes(), now=ON_PUBLICATION_DAY)


@pytest.fixture(scope="module")
def open_2025(shared_data: Path) -> Parsed:
    return parse_canadabuys((shared_data / OPEN_2025).read_bytes(), now=LATER)


@pytest.fixture(scope="module")
def header(shared_data: Path) -> list[str]:
    """The publisher's exact 67 column names, from its own file."""
    with (shared_data / NEW_2024).open(encoding="utf-8-sig", newline="") as file:
        return next(csv.reader(file))


def notices(header: list[str], *rows: dict[str, str], bom: bool = False) -> bytes:
    """A CanadaBuys file as the publisher writes it: every field quoted, CRLF records."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def notice(reference: str = "cb-1-2", **fields: str) -> dict[str, str]:
    return {
        "title-titre-eng": "Snow removal",
        "title-titre-fra": "Déneigement",
        "referenceNumber-numeroReference": reference,
        "amendmentNumber-numeroModification": "000",
        "publicationDate-datePublication": "2024-12-09",
        "tenderClosingDate-appelOffresDateCloture": "2025-01-15T14:00:00",
        "tenderStatus-appelOffresStatut-eng": "Open",
        "tenderStatus-appelOffresStatut-fra": "Ouvert",
        "unspsc": "*72102903",
        "unspscDescription-eng": "*Snow removal",
        "unspscDescription-fra": "*Déneigement",
        "procurementCategory-categorieApprovisionnement": "*SRV",
        **fields,
    }


# ---------------------------------------------------------------- the real files


def test_the_real_canadabuys_files_are_there(shared_data: Path) -> None:
    assert len(list(shared_data.glob("canadabuys/*.csv"))) >= 2


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_real_canadabuys_file_parses_with_no_rejected_row(path: Path) -> None:
    parsed = parse_canadabuys(path.read_bytes(), now=ON_PUBLICATION_DAY)

    assert parsed.rejected == []
    assert len(parsed.tenders) == parsed.records > 0
    assert all(t.source == "canadabuys" and t.languages == ("en", "fr") for t in parsed.tenders)


def test_closing_time_without_offset_is_eastern_time(new_2024: Parsed) -> None:
    tender = tender_of(new_2024, "cb-449-47582539")

    assert tender.closing_at == datetime(2024, 12, 27, 14, 0, tzinfo=EST)
    assert tender.closing_at is not None and tender.closing_at.utcoffset() == timedelta(hours=-5)
    assert tender.published_at == datetime(2024, 12, 9, tzinfo=EST)
    assert tender.status is Status.OPEN


def test_notice_reads_its_buyer_category_method_and_fallback_url(new_2024: Parsed) -> None:
    tender = tender_of(new_2024, "cb-449-47582539")

    assert (tender.title.en, tender.title.fr) == ("Work Surface Products", "Produits pour les Surfaces de Travail")
    assert tender.reference == "J079625"
    assert tender.category is Category.GOODS and tender.category_details == ("GD",)
    assert (tender.method, tender.method_details) == ("open", "Competitive - Open bidding")
    assert tender.notice_type == "Request for Proposal"
    assert tender.url == "https://canadabuys.canada.ca/en/tender-opportunities/tender-notice/cb-449-47582539"
    assert tender.buyer is not None and tender.buyer.address is not None
    assert (tender.buyer.name.en, tender.buyer.name.fr) == ("Statistics Canada", "Statistique Canada")
    assert (tender.buyer.address.locality, tender.buyer.address.postal_code) == ("Ottawa", "K1A 0T6")
    assert tender.description.en is not None
    assert tender.description.en.startswith("Notice of Proposed Procurement (NPP) \n\n1. This NPP")
    assert (tender.amendment_number, tender.amendment_date, tender.revision) == (0, None, "000")


def test_multi_valued_unspsc_codes_keep_their_titles_aligned(new_2024: Parsed) -> None:
    tender = tender_of(new_2024, "cb-633-48091580")

    assert tender.unspsc_codes == ("41103200", "47110000", "76110000", "76111505")
    assert tender.classifications[2].description.en == "Cleaning and janitorial services"
    assert tender.classifications[2].description.fr == "Services de nettoyage et de concierge"  # sic
    assert tender.delivery_regions == ("Longueuil",)
    assert tender.category is Category.SERVICES


def test_delivery_regions_are_the_english_labels_then_the_other_french_ones(new_2024: Parsed) -> None:
    assert tender_of(new_2024, "cb-453-23895863").delivery_regions == (
        "Gatineau",
        "National Capital Region (NCR)",
        "Région de la capitale nationale (RCN)",
    )
    assert tender_of(new_2024, "cb-303-96479125").delivery_regions == (
        "National Capital Region (NCR)",
        "Canada",
        "Région de la capitale nationale (RCN)",
    )
    assert tender_of(new_2024, "cb-90-83043743").delivery_regions == ()


def test_advance_contract_award_notice_is_a_direct_award(new_2024: Parsed) -> None:
    tender = tender_of(new_2024, "cb-665-91768487")

    assert (tender.method, tender.notice_type) == ("direct", "Advance Contract Award Notice")


def test_row_with_an_unquoted_empty_field_keeps_its_columns(open_2025: Parsed) -> None:
    tender = tender_of(open_2025, "WS5351339788-Doc5351339848")

    assert tender.delivery_regions == ("New Brunswick", "Nouveau-Brunswick")
    assert tender.category is Category.WORKS
    assert (tender.amendment_number, tender.amendment_date) == (4, date(2025, 10, 9))
    assert tender.revision == "004-2025-10-09"
    assert tender.url == "https://discovery.ariba.com/rfx/23464506?extsite=MjM0NjQ1MDZfQU4wMTQ4NDA1MDk5Mg=="


def test_expired_notice_the_open_file_still_calls_open_is_closed(open_2025: Parsed) -> None:
    assert tender_of(open_2025, "WS5351339788-Doc5351339848").status is Status.CLOSED
    assert tender_of(open_2025, "WS5386713014-Doc5386719620").status is Status.OPEN  # closes 2029


def test_french_entity_name_loses_its_leading_space(open_2025: Parsed) -> None:
    buyer = tender_of(open_2025, "WS5386713014-Doc5386719620").buyer

    assert buyer is not None
    assert buyer.name.fr == "Ministère des Travaux publics et des Services gouvernementaux (SPAC)"


def test_summer_closing_time_is_eastern_daylight_time(open_2025: Parsed) -> None:
    closing = tender_of(open_2025, "WS5351339788-Doc5351339848").closing_at

    assert closing == datetime(2025, 10, 16, 14, 0, tzinfo=EDT)


# ---------------------------------------------------------------- the publisher's quirks, inline


def test_bom_and_no_bom_give_identical_tenders(header: list[str]) -> None:
    rows = (notice("cb-1-1"), notice("cb-1-2", **{"title-titre-eng": "Road salt"}))

    with_bom = parse_canadabuys(notices(header, *rows, bom=True), now=ON_PUBLICATION_DAY)
    without = parse_canadabuys(notices(header, *rows), now=ON_PUBLICATION_DAY)

    assert with_bom.tenders == without.tenders
    assert len(with_bom.tenders) == 2


@pytest.mark.parametrize("order", ["000 first", "002 first"])
def test_duplicate_reference_keeps_the_highest_amendment(header: list[str], order: str) -> None:
    first = notice("cb-9-9", **{"title-titre-eng": "Original"})
    amended = notice(
        "cb-9-9",
        **{
            "title-titre-eng": "Amended",
            "amendmentNumber-numeroModification": "002",
            "amendmentDate-dateModification": "2024-12-12",
        },
    )
    rows = (first, amended) if order == "000 first" else (amended, first)

    parsed = parse_canadabuys(notices(header, *rows), now=ON_PUBLICATION_DAY)

    (tender,) = parsed.tenders
    assert tender.title.en == "Amended"
    assert (tender.amendment_number, tender.amendment_date) == (2, date(2024, 12, 12))
    assert parsed.records == 2


def test_html_entities_are_unescaped(header: list[str]) -> None:
    row = notice(
        **{
            "title-titre-fra": "Services d&rsquo;&eacute;lagage",
            "tenderDescription-descriptionAppelOffres-eng": "Tree&nbsp;trimming at O&#39;Brien Park &amp; more",
        }
    )

    (tender,) = parse_canadabuys(notices(header, row), now=ON_PUBLICATION_DAY).tenders

    assert tender.title.fr == "Services d’élagage"
    assert tender.description.en == "Tree\xa0trimming at O'Brien Park & more"


def test_multi_line_fields_with_crlf_tabs_and_several_categories(header: list[str]) -> None:
    row = notice(
        **{
            "tenderDescription-descriptionAppelOffres-eng": "Line one\r\n\tindented\r\nLine three",
            "procurementCategory-categorieApprovisionnement": "*SRVTGD\n*GD",
            "regionsOfDelivery-regionsLivraison-eng": "*Quebec (except NCR)\n*Canada",
            "regionsOfDelivery-regionsLivraison-fra": "*Québec (sauf RCN)\n*Canada",
        }
    )

    (tender,) = parse_canadabuys(notices(header, row), now=ON_PUBLICATION_DAY).tenders

    assert tender.description.en == "Line one\n\tindented\nLine three"
    assert tender.category is Category.SERVICES and tender.category_details == ("SRVTGD", "GD")
    assert tender.delivery_regions == ("Quebec (except NCR)", "Canada", "Québec (sauf RCN)")


@pytest.mark.parametrize(
    ("english_status", "expected"),
    [("Cancelled", Status.CANCELLED), ("Awarded", Status.AWARDED), ("Expired", Status.CLOSED), ("Open", Status.OPEN)],
)
def test_publisher_status_maps_to_ours(header: list[str], english_status: str, expected: Status) -> None:
    row = notice(**{"tenderStatus-appelOffresStatut-eng": english_status})

    (tender,) = parse_canadabuys(notices(header, row), now=ON_PUBLICATION_DAY).tenders

    assert tender.status is expected


def test_header_only_file_has_no_tenders(header: list[str]) -> None:
    parsed = parse_canadabuys(notices(header), now=ON_PUBLICATION_DAY)

    assert (parsed.tenders, parsed.rejected, parsed.records) == ([], [], 0)


# ---------------------------------------------------------------- faults


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b'"title","reference"\r\n"a","b"\r\n', "header lacks title-titre-eng"),
        (b'{"releases": []}', "header lacks"),
        (b'"title-titre-eng","\xff"', "not UTF-8"),
    ],
    ids=["zero bytes", "only a BOM", "other columns", "JSON", "not UTF-8"],
)
def test_unreadable_file_raises_feed_error(data: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_canadabuys(data, now=ON_PUBLICATION_DAY)


def test_a_row_without_words_or_out_of_line_is_rejected_by_position_and_reference(header: list[str]) -> None:
    data = notices(
        header,
        notice("cb-1-1"),
        notice("cb-1-4", **{"title-titre-eng": "", "title-titre-fra": " "}),
        notice("cb-1-5"),
    )
    short_row = b'"Short row","Rang\xc3\xa9e courte","cb-1-6"\r\n'

    parsed = parse_canadabuys(data + short_row, now=ON_PUBLICATION_DAY)

    assert [t.native_id for t in parsed.tenders] == ["cb-1-1", "cb-1-5"]
    assert [r.record for r in parsed.rejected] == ["row 2 cb-1-4", "row 4 cb-1-6"]
    assert "no title and no description" in parsed.rejected[0].reason
    assert "3 fields" in parsed.rejected[1].reason
    assert parsed.records == 4


def test_an_unreadable_cell_costs_that_cell_and_the_row_gives_its_tender(header: list[str]) -> None:
    data = notices(
        header,
        notice("cb-1-2", **{"amendmentNumber-numeroModification": "two"}),
        notice("cb-1-3", **{"tenderClosingDate-appelOffresDateCloture": "27 déc. 2024"}),
        notice("cb-1-7", **{"amendmentDate-dateModification": "2024-13-01"}),
    )

    parsed = parse_canadabuys(data, now=ON_PUBLICATION_DAY)

    amended, undated, misdated = parsed.tenders
    assert (amended.amendment_number, amended.revision, amended.status) == (0, "000", Status.OPEN)
    assert (undated.closing_at, undated.status) == (None, Status.UNKNOWN)  # never open without a closing date
    assert misdated.amendment_date is None
    assert parsed.rejected == []
    assert parsed.repaired() == {
        "amendmentNumber-numeroModification (not a whole number: unknown)": ["row 1 cb-1-2"],
        "tenderClosingDate-appelOffresDateCloture (unreadable date: unknown)": ["row 2 cb-1-3"],
        "amendmentDate-dateModification (unreadable date: unknown)": ["row 3 cb-1-7"],
    }
