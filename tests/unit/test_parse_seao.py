"""SEAO weekly JSON → tenders: the real files, SEAO's quirks, faults, and the speed a 17 MB week needs."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from esja.model import Money, Status, Tender
from esja.sources.parsed import FeedError, Parsed
from esja.sources.seao import parse_seao
from tests.conftest import SHARED_DATA

# Early Monday after the 2026-09-14 → 09-20 week, when its file appears.
NOW = datetime(2026, 9, 21, 5, 17, tzinfo=UTC)
EDT = timezone(timedelta(hours=-4))
WEEK = "seao/hebdo_20260914_20260920_excerpt.json"
REAL_FILES = sorted(SHARED_DATA.glob("seao/*.json"))


def tender_of(parsed: Parsed, ocid: str) -> Tender:
    return next(t for t in parsed.tenders if t.native_id == ocid)


@pytest.fixture(scope="module")
def week(shared_data: Path) -> Parsed:
    return parse_seao((shared_data / WEEK).read_bytes(), now=NOW)


def release(ocid: str, release_id: str, **tender: Any) -> dict[str, Any]:
    """A small release in SEAO's shape."""
    return {
        "ocid": ocid,
        "id": release_id,
        "date": "2026-09-14T10:00:00-04:00",
        "tag": ["tender"],
        "language": "fr",
        "buyer": {"name": "Ville de Rimouski", "id": "OP-1"},
        "tender": {
            "id": "R-2026-01 ",
            "title": "Déneigement des stationnements",
            "status": "active",
            "tenderPeriod": {"startDate": "2026-09-14T10:00:00-04:00", "endDate": "2026-10-14T11:00:00-04:00"},
            **tender,
        },
    }


def package(*releases: Any) -> bytes:
    header = {"publisher": {"name": "Secrétariat du Conseil du trésor"}, "version": "1.1"}
    return json.dumps({**header, "releases": list(releases)}, ensure_ascii=False).encode()


# ---------------------------------------------------------------- the real files


def test_the_real_seao_files_are_there(shared_data: Path) -> None:
    assert len(list(shared_data.glob("seao/*.json"))) >= 3


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_real_seao_file_parses_with_no_rejected_release(path: Path) -> None:
    releases = json.loads(path.read_bytes())["releases"]

    parsed = parse_seao(path.read_bytes(), now=NOW)

    assert parsed.rejected == []
    assert parsed.records == len(releases)
    assert sorted(t.native_id for t in parsed.tenders) == sorted({r["ocid"] for r in releases})
    assert all(t.source == "seao" and t.languages == ("fr",) for t in parsed.tenders)


def test_open_call_closes_at_its_eastern_time_with_both_unspsc_codes(week: Parsed) -> None:
    tender = tender_of(week, "ocds-ec9k95-20171369")

    assert tender.status is Status.OPEN
    assert tender.closing_at == datetime(2026, 10, 22, 10, 0, tzinfo=EDT)
    assert tender.closing_at is not None and tender.closing_at.utcoffset() == timedelta(hours=-4)
    assert tender.unspsc_codes == ("76111503", "93142005")
    assert [c.description.fr for c in tender.classifications] == [
        "Entretien de l’éclairage",
        "Services d'éclairage urbain",
    ]
    assert tender.reference == "2026-50"  # SEAO wrote "2026-50 "
    assert (
        tender.url
        == "https://seao.gouv.qc.ca/avis-resultat-recherche/consulter?ItemId=5e8ec3c0-e613-4655-b280-3d2454e425a3"
    )


def test_open_call_keeps_seao_category_and_nature_in_french(week: Parsed) -> None:
    tender = tender_of(week, "ocds-ec9k95-20171369")

    assert tender.category_details == (
        "S9 - Entretien, réparation, modification, réfection et installation de biens et d’équipement",
        "Services professionnels",
    )
    assert tender.title.fr is not None and tender.title.fr.startswith("Entretien, réparation et travaux")
    assert tender.title.en is None
    assert tender.category is not None and tender.category.value == "services"
    assert (tender.method, tender.method_details, tender.notice_type) == ("open", "Avis d’appel d’offres", "tender")
    assert tender.published_at == datetime(2026, 9, 16, 14, 46, 31, tzinfo=EDT)
    assert tender.revision == "20260916184631"


def test_cancelled_call_is_cancelled(week: Parsed) -> None:
    assert tender_of(week, "ocds-ec9k95-20170296").status is Status.CANCELLED


def test_contract_is_awarded_to_the_supplier_with_its_neq_and_exact_amount(week: Parsed) -> None:
    tender = tender_of(week, "ocds-ec9k95-20007385")

    assert tender.status is Status.AWARDED
    (award,) = tender.awards
    assert award.value == Money(Decimal("689237.10"), "CAD")
    assert str(award.value.amount) == "689237.10"  # the publisher's literal, not a float
    (supplier,) = award.suppliers
    assert (supplier.id, supplier.neq) == ("FO-1166326976", "1166326976")
    assert supplier.name == "FRANÇOIS GOUPIL DEVELOPPEMENT DE MARCHÉS INC."
    assert award.date == datetime(2026, 8, 17, tzinfo=EDT)


def test_terminated_contract_reports_the_settled_amount_not_the_awarded_one(week: Parsed) -> None:
    (award,) = tender_of(week, "ocds-ec9k95-20044797").awards

    assert award.value == Money(Decimal("38532.72"), "CAD")  # awarded 36860.99


def test_addendum_is_dated_by_its_issue_stamp_not_by_the_original_notice_date(week: Parsed) -> None:
    tender = tender_of(week, "ocds-ec9k95-20153738")

    assert tender.notice_type == "tenderUpdate"
    assert tender.amendment_number == 1
    assert tender.amendment_date == date(2026, 9, 15)  # id 20260915204715 (UTC)
    assert tender.published_at == datetime(2026, 6, 18, 13, 35, 49, tzinfo=EDT)  # its `date`
    assert tender.status is Status.OPEN


def test_buyer_address_is_kept_when_given_and_absent_otherwise(week: Parsed) -> None:
    with_address = tender_of(week, "ocds-ec9k95-20170296").buyer
    without = tender_of(week, "ocds-ec9k95-20171369").buyer

    assert with_address is not None and with_address.address is not None
    assert (with_address.address.locality, with_address.address.postal_code) == ("Maniwaki", "J9E1H5")
    assert without is not None and without.id == "OP-59034" and without.address is None


def test_title_ending_in_tabs_is_cleaned(shared_data: Path) -> None:
    data = (shared_data / "seao/hebdo_20260720_20260726_excerpt_3releases.json").read_bytes()

    tender = tender_of(parse_seao(data, now=NOW), "ocds-ec9k95-20085214")

    assert tender.title.fr is not None
    assert tender.title.fr.endswith("(Tellurure de Cadmium-Zinc)")


# ---------------------------------------------------------------- SEAO's shapes, inline


def test_latest_release_by_utc_stamp_wins_whatever_the_file_order_and_date() -> None:
    addendum = release("ocds-ec9k95-1", "20260915204715", title="Déneigement — addenda 1")
    addendum["tag"], addendum["date"] = ["tenderUpdate"], "2026-06-18T13:35:49-04:00"
    original = release("ocds-ec9k95-1", "20260618173549", title="Déneigement")

    parsed = parse_seao(package(addendum, original), now=NOW)

    (tender,) = parsed.tenders
    assert tender.title.fr == "Déneigement — addenda 1"
    assert tender.revision == "20260915204715"
    assert parsed.records == 2


def test_addendum_whose_stamp_is_no_real_time_keeps_its_tender_without_a_date() -> None:
    addendum = release("ocds-ec9k95-7", "20260915086399") | {"tag": ["tenderUpdate"]}

    (tender,) = parse_seao(package(addendum), now=NOW).tenders

    assert (tender.amendment_number, tender.amendment_date) == (1, None)


def test_estimated_value_without_currency_has_no_currency() -> None:
    parsed = parse_seao(package(release("ocds-ec9k95-2", "20260915204715", value={"amount": 653199})), now=NOW)

    assert parsed.tenders[0].value == Money(Decimal(653199), None)


def test_closing_is_start_plus_seao_duration_in_days_when_no_end_date() -> None:
    period = {"startDate": "2026-09-14T10:00:00-04:00", "durationInDay": 30}

    parsed = parse_seao(package(release("ocds-ec9k95-3", "20260914140000", tenderPeriod=period)), now=NOW)

    assert parsed.tenders[0].closing_at == datetime(2026, 10, 14, 10, 0, tzinfo=EDT)


def test_closed_call_still_marked_active_is_closed() -> None:
    period = {"startDate": "2026-08-01T10:00:00-04:00", "endDate": "2026-09-01T11:00:00-04:00"}

    parsed = parse_seao(package(release("ocds-ec9k95-4", "20260801140000", tenderPeriod=period)), now=NOW)

    assert parsed.tenders[0].status is Status.CLOSED


# ---------------------------------------------------------------- faults


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b'{"releases": [{"ocid": "ocds-ec9k95-1", "id": "2026', "truncated"),
        (b"[1, 2]", "one JSON object"),
        (b'{"publisher": {"name": "x"}}', "releases"),
        (b'{"releases": {"ocid": "x"}}', "not an array"),
        (b"\xff\xfe\x00garbage", "JSON"),
    ],
    ids=["zero bytes", "blank", "truncated", "array", "no releases", "releases not an array", "binary"],
)
def test_unreadable_file_raises_feed_error(data: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_seao(data, now=NOW)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("tender", "Déneigement", "no words could be read: tender (text where an object belongs: dropped)"),
        ("title", ["a", "b"], "no words could be read: tender.title (an array where text belongs: dropped)"),
    ],
)
def test_a_release_whose_words_cannot_be_read_is_rejected_and_the_others_kept(
    field: str, value: Any, reason: str
) -> None:
    bad = release("ocds-ec9k95-20000002", "20260915204715")
    if field == "tender":
        bad["tender"] = value
    else:
        bad["tender"][field] = value
    good = [release(f"ocds-ec9k95-2000000{n}", "20260915204715") for n in (1, 3)]

    parsed = parse_seao(package(good[0], bad, good[1]), now=NOW)

    assert [t.native_id for t in parsed.tenders] == ["ocds-ec9k95-20000001", "ocds-ec9k95-20000003"]
    (rejected,) = parsed.rejected
    assert rejected.record == "releases[1] ocds-ec9k95-20000002"
    assert reason in rejected.reason


@pytest.mark.parametrize(
    ("field", "value", "read"),
    [
        ("items", None, lambda t: t.classifications == ()),
        ("value", {"amount": "abc"}, lambda t: t.value is None),
        ("value", {"amount": "653 199,00"}, lambda t: t.value == Money(Decimal("653199.00"), None)),
        ("tenderPeriod", {"endDate": "le 14 octobre"}, lambda t: t.closing_at is None and t.status is Status.UNKNOWN),
        ("tenderPeriod", {"startDate": "2026-09-14", "durationInDay": "30"}, lambda t: t.status is Status.OPEN),
    ],
    ids=["items null", "amount abc", "amount with a comma", "closing in words", "duration as text"],
)
def test_a_drifted_field_costs_that_field_and_the_release_is_kept(field: str, value: Any, read: Any) -> None:
    drifted = release("ocds-ec9k95-20000002", "20260915204715")
    drifted["tender"][field] = value

    parsed = parse_seao(package(drifted), now=NOW)

    (tender,) = parsed.tenders
    assert read(tender)
    assert parsed.rejected == [] and tender.title.fr == "Déneigement des stationnements"


def test_rejection_names_the_record_never_the_people_in_it() -> None:
    bad = release("ocds-ec9k95-9", "20260915204715", title={"contact": "Marie Tremblay <marie@example.org>"})
    bad["parties"] = [{"id": "FO-1", "name": "Marie Tremblay", "contactPoint": {"email": "marie@example.org"}}]

    parsed = parse_seao(package(bad), now=NOW)

    (rejected,) = parsed.rejected
    assert rejected.record == "releases[0] ocds-ec9k95-9"
    assert "Tremblay" not in rejected.reason and "@" not in rejected.reason


def test_release_without_ocid_or_stamp_is_rejected() -> None:
    no_ocid = release("", "20260915204715")
    no_stamp = release("ocds-ec9k95-5", "2026-09-15")

    parsed = parse_seao(package(no_ocid, no_stamp, release("ocds-ec9k95-6", "20260915204715")), now=NOW)

    assert [t.native_id for t in parsed.tenders] == ["ocds-ec9k95-6"]
    assert [r.record for r in parsed.rejected] == ["releases[0]", "releases[1] ocds-ec9k95-5"]
