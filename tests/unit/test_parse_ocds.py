"""Any OCDS feed → tenders: package shapes, the real Montréal and buyandsell files, status rules, faults."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from esja.model import Money, Status, Tender
from esja.sources.ocds import parse_ocds
from esja.sources.parsed import FeedError, Parsed
from tests.conftest import SHARED_DATA

NOW = datetime(2026, 9, 21, 12, tzinfo=UTC)
EDT = timezone(timedelta(hours=-4))
REAL_FILES = sorted(SHARED_DATA.glob("ocds/*/sample/*/*.json"))
MONTREAL_ID = "063635891f001755a1637786dd047485f3dcfaf6"
MONTREAL_RELEASE = f"ocds/montreal/sample/releases/ocds-a1234567-mt-{MONTREAL_ID}-{MONTREAL_ID}.json"
MONTREAL_RECORD = f"ocds/montreal/sample/records/ocds-a1234567-mt-{MONTREAL_ID}.json"
BUYANDSELL_RECORD = "ocds/buyandsell/sample/records/ocds-34a6hz-01044-060931_001_USW.json"
BUYANDSELL_RELEASE = "ocds/buyandsell/sample/releases/ocds-34a6hz-01044-060931_001_USW-01044-060931_001_USW.json"


def parse(document: Any, source: str = "test-feed") -> Parsed:
    return parse_ocds(json.dumps(document, ensure_ascii=False).encode(), source=source, now=NOW)


def only(parsed: Parsed) -> Tender:
    assert parsed.rejected == []
    (tender,) = parsed.tenders
    return tender


def release(ocid: str = "ocds-abc123-1", release_id: str = "1", **tender: Any) -> dict[str, Any]:
    return {
        "ocid": ocid,
        "id": release_id,
        "date": "2026-09-14T10:00:00-04:00",
        "tag": ["tender"],
        "tender": {
            "id": "T-1",
            "title": "Road resurfacing",
            "status": "active",
            "tenderPeriod": {"endDate": "2026-10-14T11:00:00-04:00"},
            **tender,
        },
    }


# ---------------------------------------------------------------- the real files


def test_the_real_ocds_files_are_there(shared_data: Path) -> None:
    for publisher in ("montreal", "buyandsell"):
        for kind in ("releases", "records"):
            assert list(shared_data.glob(f"ocds/{publisher}/sample/{kind}/*.json")), (publisher, kind)


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: f"{p.parts[-4]}/{p.parts[-2]}/{p.name[:40]}")
def test_every_real_ocds_file_parses_with_no_rejected_record(path: Path) -> None:
    parsed = parse_ocds(path.read_bytes(), source="real", now=NOW)

    assert parsed.rejected == []
    (tender,) = parsed.tenders
    assert tender.native_id.startswith("ocds-") and (tender.title.fr or tender.title.en)


def test_montreal_award_release_with_a_string_tag(shared_data: Path) -> None:
    tender = only(parse_ocds((shared_data / MONTREAL_RELEASE).read_bytes(), source="montreal", now=NOW))

    assert (tender.source, tender.native_id) == ("montreal", f"ocds-a1234567-mt-{MONTREAL_ID}")
    assert tender.notice_type == "award"
    assert tender.status is Status.AWARDED
    assert tender.languages == ("fr",)
    assert tender.title.fr is not None and tender.title.fr.startswith("Évaluation d'un panneau lumineux")
    (award,) = tender.awards
    assert award.value == Money(Decimal("8923.94"), "CAD")
    assert award.suppliers[0].name == "CENTRE DE TECHNOLOGIE PHYSIQUE ET PHOTONIQUE DE MONTREAL"
    assert tender.buyer is not None and tender.buyer.name.fr == "Infrastructures, voirie et transports"
    assert tender.buyer.address is not None and tender.buyer.address.postal_code == "H2Y 1C6"


def test_montreal_record_gives_the_same_tender_as_its_release(shared_data: Path) -> None:
    from_record = only(parse_ocds((shared_data / MONTREAL_RECORD).read_bytes(), source="montreal", now=NOW))
    from_release = only(parse_ocds((shared_data / MONTREAL_RELEASE).read_bytes(), source="montreal", now=NOW))

    assert from_record.notice_type == "award"  # the latest release's tag, not "compiled"
    assert from_record.to_dict() == from_release.to_dict()


def test_buyandsell_record_is_bilingual_and_classified_by_gsin(shared_data: Path) -> None:
    tender = only(parse_ocds((shared_data / BUYANDSELL_RECORD).read_bytes(), source="buyandsell", now=NOW))

    assert tender.title.en == "Other Cryptologic Equipment and Components"
    assert tender.title.fr == "Autres équipements de sécurité des télécommunications et composants"
    assert tender.languages == ("en", "fr")
    (gsin,) = tender.classifications
    assert (gsin.scheme, gsin.code, gsin.description.en) == ("GSIN", "N5811", tender.title.en)
    assert tender.unspsc_codes == ()
    assert tender.buyer is not None
    assert tender.buyer.name.fr == "Agriculture et Agroalimentaire Canada"
    assert tender.buyer.name.en == "Agriculture and Agri-Food Canada"
    assert tender.status is Status.AWARDED
    assert tender.awards[0].value == Money(Decimal(149597), "CAD")


def test_buyandsell_release_reads_the_bilingual_buyer_keys(shared_data: Path) -> None:
    tender = only(parse_ocds((shared_data / BUYANDSELL_RELEASE).read_bytes(), source="buyandsell", now=NOW))

    assert tender.buyer is not None
    assert tender.buyer.name.en == "Agriculture and Agri-Food Canada"
    assert tender.published_at == datetime(2015, 10, 29, 17, 47, 12, tzinfo=UTC)


# ---------------------------------------------------------------- package shapes


def test_release_package_groups_releases_and_the_latest_date_wins_out_of_order() -> None:
    later = release(release_id="b", title="Road resurfacing — amended") | {"date": "2026-09-20T10:00:00-04:00"}
    earlier = release(release_id="a")
    other = release("ocds-abc123-2", "c")

    parsed = parse({"releases": [later, other, earlier]})

    assert [t.native_id for t in parsed.tenders] == ["ocds-abc123-1", "ocds-abc123-2"]
    assert parsed.tenders[0].title.en == "Road resurfacing — amended"
    assert parsed.records == 3


def test_releases_of_the_same_date_are_ordered_by_id() -> None:
    parsed = parse({"releases": [release(release_id="2", title="Second"), release(release_id="1", title="First")]})

    assert only(parsed).title.en == "Second"


def test_offsets_are_compared_as_instants() -> None:
    # 10:00-04:00 is 14:00 UTC, later than 13:00+00:00.
    eastern = release(release_id="1", title="Eastern") | {"date": "2026-09-14T10:00:00-04:00"}
    utc = release(release_id="2", title="UTC") | {"date": "2026-09-14T13:00:00+00:00"}

    assert only(parse({"releases": [eastern, utc]})).title.en == "Eastern"


def test_record_package_uses_the_compiled_release() -> None:
    compiled = release(title="Compiled title") | {"tag": ["compiled"]}
    record = {
        "ocid": "ocds-abc123-1",
        "compiledRelease": compiled,
        "releases": [{"url": "https://x/1", "tag": ["tender"]}],
    }

    tender = only(parse({"records": [record]}))

    assert (tender.title.en, tender.notice_type) == ("Compiled title", "tender")


def test_record_without_compiled_release_merges_its_releases_latest_wins() -> None:
    first = release(release_id="1", description="Full description") | {"date": "2026-09-01T10:00:00-04:00"}
    second = release(release_id="2", title="New title") | {"date": "2026-09-10T10:00:00-04:00", "tag": ["tenderUpdate"]}
    del second["tender"]["id"]
    record = {"ocid": "ocds-abc123-1", "releases": [second, first]}

    tender = only(parse({"records": [record]}))

    assert tender.title.en == "New title"
    assert tender.description.en == "Full description"  # kept from the earlier release
    assert tender.reference == "T-1"
    assert (tender.notice_type, tender.amendment_number, tender.amendment_date) == (
        "tenderUpdate",
        1,
        date(2026, 9, 10),
    )


def test_single_release_and_single_record_are_read() -> None:
    single = release()

    assert only(parse(single)).native_id == "ocds-abc123-1"
    assert only(parse({"compiledRelease": single})).native_id == "ocds-abc123-1"
    assert only(parse({"ocid": "ocds-abc123-1", "releases": [single]})).title.en == "Road resurfacing"


# ---------------------------------------------------------------- fields


def test_bilingual_keys_and_unspsc_scheme_are_kept() -> None:
    bilingual = release(
        title=None,
        title_en="Snow removal",
        title_fr="Déneigement",
        description_en="Parking lots",
        description_fr="Stationnements",
        items=[
            {
                "id": "1",
                "description_en": "Snow removal",
                "classification": {"scheme": "UNSPSC", "id": "72102903", "description": "Déneigement"},
                "additionalClassifications": [{"scheme": "unspsc", "id": 76111500}],
            }
        ],
    ) | {"language": "fr"}

    tender = only(parse({"releases": [bilingual]}))

    assert (tender.title.en, tender.title.fr) == ("Snow removal", "Déneigement")
    assert (tender.description.en, tender.description.fr) == ("Parking lots", "Stationnements")
    assert [(c.scheme, c.code) for c in tender.classifications] == [("UNSPSC", "72102903"), ("UNSPSC", "76111500")]
    assert tender.classifications[0].description.fr == "Déneigement"
    assert tender.languages == ("fr", "en")


def test_awards_carry_suppliers_with_neq_and_the_contract_value() -> None:
    awarded = release(status="complete") | {
        "parties": [
            {
                "id": "FO-1166326976",
                "name": "Coop de déneigement",
                "roles": ["supplier"],
                "details": {"neq": "1166326976"},
            },
            {"id": "OP-1", "name": "Ville de Rimouski", "roles": ["buyer"]},
        ],
        "buyer": {"id": "OP-1"},
        "awards": [
            {
                "id": "A1",
                "status": "active",
                "date": "2026-09-01",
                "value": {"amount": 1000.50, "currency": "CAD"},
                "suppliers": [{"id": "FO-1166326976"}],
            }
        ],
        "contracts": [
            {"id": "C1", "awardID": "A1", "status": "active", "value": {"amount": "1100.25", "currency": "CAD"}}
        ],
    }

    tender = only(parse({"releases": [awarded]}))

    (award,) = tender.awards
    assert award.value == Money(Decimal("1100.25"), "CAD")
    assert award.date == datetime(2026, 9, 1, tzinfo=EDT)  # a date alone is Eastern midnight
    (supplier,) = award.suppliers
    assert (supplier.name, supplier.id, supplier.neq) == ("Coop de déneigement", "FO-1166326976", "1166326976")
    assert tender.buyer is not None and tender.buyer.name.en == "Ville de Rimouski"
    assert tender.status is Status.AWARDED


def test_naive_times_are_eastern_and_missing_addresses_are_none() -> None:
    naive = release(tenderPeriod={"endDate": "2026-12-01T14:00:00"}) | {
        "parties": [{"id": "OP-1", "name": "Ville de Rimouski", "roles": ["buyer"]}]
    }

    tender = only(parse({"releases": [naive]}))

    assert tender.closing_at == datetime(2026, 12, 1, 14, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert tender.buyer is not None and tender.buyer.address is None


def test_amendments_and_tags_set_the_amendment_number() -> None:
    counted = release(amendments=[{"id": "1"}, {"id": "2"}]) | {"tag": ["tenderAmendment"]}
    update = release("ocds-abc123-2") | {"tag": ["awardUpdate", "tenderUpdate"], "date": "2026-09-14T23:30:00-04:00"}
    plain = release("ocds-abc123-3")

    tenders = parse({"releases": [counted, update, plain]}).tenders

    assert [t.amendment_number for t in tenders] == [2, 1, 0]
    assert tenders[1].notice_type == "awardUpdate+tenderUpdate"
    assert tenders[1].amendment_date == date(2026, 9, 14)
    assert tenders[2].amendment_date is None


@pytest.mark.parametrize(
    ("tender", "extra", "expected"),
    [
        ({"status": "cancelled"}, {}, Status.CANCELLED),
        ({"status": "unsuccessful"}, {}, Status.CANCELLED),
        ({"status": "withdrawn"}, {}, Status.CANCELLED),
        ({"status": "complete"}, {"awards": [{"id": "1", "status": "active"}]}, Status.AWARDED),
        ({"status": "active"}, {"awards": [{"id": "1", "status": "pending"}]}, Status.AWARDED),
        ({"status": "active"}, {"contracts": [{"id": "1", "awardID": "1", "status": "active"}]}, Status.AWARDED),
        ({"status": "active"}, {"awards": [{"id": "1", "status": "cancelled"}]}, Status.OPEN),
        ({"status": "complete"}, {}, Status.CLOSED),
        ({"status": "active", "tenderPeriod": {"endDate": "2026-09-21T08:00:00-04:00"}}, {}, Status.CLOSED),
        ({"status": "active", "tenderPeriod": {"endDate": "2026-09-21T08:00:01-04:00"}}, {}, Status.OPEN),
        ({"status": "planning", "tenderPeriod": {"endDate": "2026-01-01"}}, {}, Status.CLOSED),
        ({"status": "active", "tenderPeriod": {}}, {}, Status.UNKNOWN),
        ({"status": "active", "tenderPeriod": {"endDate": "14/10/2026"}}, {}, Status.UNKNOWN),
        ({"status": "complete", "tenderPeriod": {"endDate": "14/10/2026"}}, {}, Status.CLOSED),
        ({"status": "cancelled", "tenderPeriod": {}}, {}, Status.CANCELLED),
    ],
)
def test_status_follows_the_tender_its_awards_and_the_clock(
    tender: dict[str, Any], extra: dict[str, Any], expected: Status
) -> None:
    assert only(parse({"releases": [release(**tender) | extra]})).status is expected


# ---------------------------------------------------------------- faults


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\n\t ", "empty"),
        (b'{"releases": [{"ocid": "ocds-1", "tender": {"title": "Ro', "truncated"),
        (b"not json", "not valid JSON"),
        (b'"a string"', "one JSON object, this one holds text"),
        (b'{"uri": "https://example.org", "version": "1.1"}', "no releases"),
        (b'{"records": "none"}', "records is text, not an array"),
    ],
    ids=["zero bytes", "blank", "truncated", "not JSON", "a string", "no releases or records", "records not an array"],
)
def test_unreadable_file_raises_feed_error(data: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_ocds(data, source="x", now=NOW)


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("not an object", "a release is an object, got text"),
        ({"id": "1", "tender": {"title": "No ocid"}}, "no ocid"),
        (release("ocds-bad-1") | {"tender": "Road resurfacing"}, "no words could be read: tender (text where"),
        (release("ocds-bad-1", title={"text": "Road"}), "no words could be read: tender.title (an object where"),
    ],
    ids=["string", "no ocid", "tender string", "title an object"],
)
def test_a_record_without_an_ocid_or_readable_words_is_rejected_and_the_others_kept(bad: Any, reason: str) -> None:
    parsed = parse({"releases": [release("ocds-good-1"), bad]})

    assert [t.native_id for t in parsed.tenders] == ["ocds-good-1"]
    (rejected,) = parsed.rejected
    assert rejected.record.startswith("releases[1]")
    assert reason in rejected.reason
    assert "Road" not in rejected.reason  # what the field held is never told


def test_an_unreadable_latest_release_is_rejected_not_replaced_by_an_older_one() -> None:
    older = release(release_id="1")
    newer = release(release_id="2") | {"tender": ["Road resurfacing", "amended"]}

    parsed = parse({"releases": [older, newer]})

    assert parsed.tenders == []
    assert [r.record for r in parsed.rejected] == ["releases[1] ocds-abc123-1"]
