"""Publishers' drift from the schema costs the field, not the notice: one small sample per kind of
drift (tests/samples/drift, written by us in each publisher's style), each notice kept with the field
repaired or dropped, and each repair reported by field with the record's position and id."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from esja.model import Money, Status, Tender
from esja.sources.formats import parse
from esja.sources.parsed import LinkedRecord, Parsed

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "drift"
NOW = datetime(2026, 9, 21, 12, tzinfo=UTC)


def read(name: str) -> Parsed:
    return parse((SAMPLES / name).read_bytes(), source="drift", now=NOW)


def tender_of(parsed: Parsed, native_id: str) -> Tender:
    return next(t for t in parsed.tenders if t.native_id == native_id)


# ---------------------------------------------------------------- amounts


@pytest.fixture(scope="module")
def amounts() -> Parsed:
    return read("amounts_as_text.json")


def test_an_empty_amount_is_no_value_and_the_notice_is_kept(amounts: Parsed) -> None:
    tender = tender_of(amounts, "ocds-ej3mpl-2026-4410")

    assert tender.value is None
    assert tender.title.en == "Adquisición de mobiliario escolar" and tender.status is Status.OPEN
    assert amounts.repaired()["tender.value.amount (empty: no value)"] == ["releases[0] ocds-ej3mpl-2026-4410"]


@pytest.mark.parametrize(
    ("ocid", "value"),
    [
        ("ocds-ej3mpl-2026-4411", Money(Decimal("180739.2"), "USD")),
        ("ocds-ej3mpl-2026-4412", Money(Decimal("1250000.50"), "PYG")),
    ],
    ids=["point decimal", "spaced thousands, comma decimal"],
)
def test_a_number_written_as_text_is_read_as_the_number(amounts: Parsed, ocid: str, value: Money) -> None:
    assert tender_of(amounts, ocid).value == value
    read_as_numbers = amounts.repaired()["tender.value.amount (number written as text: read as the number)"]
    assert any(ocid in record for record in read_as_numbers)


@pytest.mark.parametrize("ocid", ["ocds-ej3mpl-2026-4413", "ocds-ej3mpl-2026-4414"], ids=["1.250.000", "a definir"])
def test_an_amount_that_is_no_number_is_no_value_never_a_guess(amounts: Parsed, ocid: str) -> None:
    # « 1.250.000 » could be 1.25 or 1,250,000: only spaces separate thousands, so it is no value.
    assert tender_of(amounts, ocid).value is None
    assert any(ocid in r for r in amounts.repaired()["tender.value.amount (not a number: no value)"])


def test_every_notice_with_a_drifted_amount_is_kept(amounts: Parsed) -> None:
    assert (len(amounts.tenders), amounts.rejected, amounts.records) == (5, [], 5)


# ---------------------------------------------------------------- shapes and types


def test_single_objects_where_arrays_belong_are_read_as_arrays_of_one() -> None:
    parsed = read("single_objects.json")

    (tender,) = parsed.tenders
    (award,) = tender.awards
    assert award.value == Money(Decimal(84500000), "NGN")
    assert [s.name for s in award.suppliers] == ["Confluence Roads Ltd (example)"]
    assert tender.unspsc_codes == ("72141103",)
    assert tender.buyer is not None and tender.buyer.name.en == "Federal Ministry of Works (example)"
    assert tender.status is Status.AWARDED
    assert set(parsed.repaired()) == {
        f"{field} (one value where an array belongs: read as an array of one)"
        for field in ("parties", "awards", "awards[].suppliers", "tender.items")
    }


def test_numbers_where_text_belongs_become_their_text() -> None:
    parsed = read("numbers_as_text.json")

    (tender,) = parsed.tenders
    assert tender.buyer is not None and tender.buyer.address is not None
    assert (tender.buyer.address.postal_code, tender.buyer.address.province) == ("10065", "36")
    assert (tender.buyer.id, tender.reference, tender.method_details) == ("4471", "20260231", "2")
    assert parsed.repaired()["parties[].address.postalCode (number where text belongs: read as its text)"] == [
        "releases[0] ocds-c1ty3x-2026-0231"
    ]


# ---------------------------------------------------------------- dates


@pytest.fixture(scope="module")
def dates() -> Parsed:
    return read("dates_unreadable.json")


@pytest.mark.parametrize("ocid", ["ocds-z4kup1-2026-0017", "ocds-z4kup1-2026-0018"], ids=["14/10/2026", "empty"])
def test_an_unreadable_closing_date_is_unknown_and_so_is_the_status_never_open(dates: Parsed, ocid: str) -> None:
    tender = tender_of(dates, ocid)

    assert tender.closing_at is None
    assert tender.status is Status.UNKNOWN


def test_an_unreadable_end_date_is_not_replaced_by_start_plus_duration(dates: Parsed) -> None:
    # The publisher gave an end date it could not write; thirty days from the start would be a guess.
    tender = tender_of(dates, "ocds-z4kup1-2026-0017")

    assert tender.closing_at is None
    assert tender.published_at == datetime(2026, 9, 14, 9, tzinfo=timezone(timedelta(hours=2)))  # release date
    assert "tender.datePublished (unreadable date: unknown)" in dates.repaired()


def test_an_unreadable_award_date_costs_the_date_not_the_award(dates: Parsed) -> None:
    (award,) = tender_of(dates, "ocds-z4kup1-2026-0009").awards

    assert (award.date, award.value) == (None, Money(Decimal(12400), "EUR"))
    assert dates.repaired()["awards[].date (unreadable date: unknown)"] == ["releases[2] ocds-z4kup1-2026-0009"]


# ---------------------------------------------------------------- words


@pytest.fixture(scope="module")
def untitled() -> Parsed:
    return read("titles_missing.json")


@pytest.mark.parametrize(
    ("ocid", "title", "source"),
    [
        (
            "ocds-c0mpr4-2026-118",
            "Suministro de raciones alimentarias para el programa escolar",
            "the description",
        ),
        ("ocds-c0mpr4-2026-119", "Computadores portátiles; Impresoras láser", "the items"),
        ("ocds-c0mpr4-2026-120", "Lote 1: vigilancia sede central; Lote 2: vigilancia sedes regionales", "the lots"),
    ],
    ids=["description", "items", "lots"],
)
def test_a_notice_without_a_title_takes_one_from_its_words_marked_as_derived(
    untitled: Parsed, ocid: str, title: str, source: str
) -> None:
    tender = tender_of(untitled, ocid)

    assert tender.title.en == title
    assert tender.derived == ("title",)
    assert tender.to_dict()["derived"] == ["title"]
    assert [r for r in untitled.repaired()[f"tender.title (missing: derived from {source})"] if ocid in r]


def test_a_notice_with_its_own_title_says_nothing_of_derivation(amounts: Parsed) -> None:
    assert "derived" not in tender_of(amounts, "ocds-ej3mpl-2026-4410").to_dict()


def test_releases_without_notice_words_are_not_notices_not_rejected() -> None:
    parsed = read("not_notices.json")

    assert [t.native_id for t in parsed.tenders] == ["ocds-pp4ex1-2026-0381"]
    assert (parsed.not_notices, parsed.rejected, parsed.records) == (2, [], 3)


# ---------------------------------------------------------------- records that only link to their releases


def test_a_record_package_that_only_links_lists_its_records_for_the_poll() -> None:
    parsed = read("linked_records.json")

    assert (parsed.tenders, parsed.rejected, parsed.records) == ([], [], 2)
    assert parsed.linked == [
        LinkedRecord(
            "records[0]",
            "ocds-st4t3p-ATM-2026-118",
            (
                "https://tenders.example.org/ocds/releases/ATM-2026-118-01.json#ATM-2026-118-01",
                "https://tenders.example.org/ocds/releases/ATM-2026-118-02.json#ATM-2026-118-02",
            ),
        ),
        LinkedRecord(
            "records[1]",
            "ocds-st4t3p-ATM-2026-121",
            ("https://tenders.example.org/ocds/releases/ATM-2026-121-01.json#ATM-2026-121-01",),
        ),
    ]


# ---------------------------------------------------------------- SEAO and CanadaBuys


@pytest.fixture(scope="module")
def seao() -> Parsed:
    parsed = read("seao_drift.json")
    assert parsed.rejected == [] and len(parsed.tenders) == parsed.records == 4
    return parsed


def test_seao_empty_estimate_is_no_value(seao: Parsed) -> None:
    tender = tender_of(seao, "ocds-ec9k95-99000001")

    assert (tender.source, tender.value, tender.status) == ("seao", None, Status.OPEN)


def test_seao_closing_date_in_words_is_unknown_never_open(seao: Parsed) -> None:
    tender = tender_of(seao, "ocds-ec9k95-99000002")

    assert (tender.closing_at, tender.status) == (None, Status.UNKNOWN)


def test_seao_duration_written_as_text_still_gives_the_closing_date(seao: Parsed) -> None:
    tender = tender_of(seao, "ocds-ec9k95-99000003")

    assert tender.closing_at == datetime(2026, 10, 20, 10, tzinfo=timezone(timedelta(hours=-4)))
    assert tender.status is Status.OPEN


def test_seao_contract_with_single_objects_keeps_its_supplier_and_neq(seao: Parsed) -> None:
    (award,) = tender_of(seao, "ocds-ec9k95-99000004").awards

    assert award.value == Money(Decimal("42180.75"), "CAD")
    (supplier,) = award.suppliers
    assert (supplier.id, supplier.neq) == ("FO-1199999999", "1199999999")


@pytest.fixture(scope="module")
def canadabuys() -> Parsed:
    parsed = read("canadabuys_drift.csv")
    assert parsed.rejected == [] and len(parsed.tenders) == parsed.records == 4
    return parsed


def test_canadabuys_row_with_an_unreadable_closing_date_is_kept_with_status_unknown(canadabuys: Parsed) -> None:
    tender = tender_of(canadabuys, "cb-990-10000001")

    assert (tender.closing_at, tender.status) == (None, Status.UNKNOWN)
    assert tender.title.en == "Cleaning services – Sept-Îles federal building"


def test_canadabuys_row_with_an_unreadable_amendment_and_no_region_gives_its_tender(canadabuys: Parsed) -> None:
    tender = tender_of(canadabuys, "cb-990-10000002")

    assert (tender.amendment_number, tender.revision) == (0, "000-2026-09-17")
    assert tender.delivery_regions == ()
    assert tender.status is Status.OPEN


def test_canadabuys_row_without_a_title_takes_its_description_first_sentence(canadabuys: Parsed) -> None:
    tender = tender_of(canadabuys, "cb-990-10000003")

    assert tender.title.en == "Grounds maintenance at the Rimouski research station"
    assert tender.title.fr == "Entretien des terrains de la station de recherche de Rimouski"
    assert tender.derived == ("title",)


# ---------------------------------------------------------------- what a report never says


DRIFTED_VALUES = ("180739.2", "a definir", "14/10/2026", "10065", "1 250 000,50", "December 15", "001A", "42 180,75")


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.*") if p.suffix in {".json", ".csv"}))
def test_repairs_name_the_record_and_field_never_the_content(name: str) -> None:
    parsed = read(name)

    for repair in parsed.repairs:
        assert re.fullmatch(r"(releases\[\d+\]|row \d+) (ocds-[\w-]+|cb-[\d-]+)", repair.record), repair
        assert not any(value in repair.kind for value in DRIFTED_VALUES), repair
