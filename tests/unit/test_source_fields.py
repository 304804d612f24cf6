"""Typed reads of a publisher's fields: read what is clear, drop what is not, note every repair."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from esja.sources.fields import Fields, RepairLog, read_amount, read_datetime
from esja.sources.notice import first_sentence


def reading(**raw: Any) -> tuple[Fields, RepairLog]:
    log = RepairLog()
    return Fields(raw, "tender", log), log


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("180739.2", Decimal("180739.2")),
        ("180739,20", Decimal("180739.20")),
        (" 180 739,20 ", Decimal("180739.20")),
        ("1\u00a0250\u202f000.5", Decimal("1250000.5")),
        ("-12", Decimal(-12)),
        ("1.250.000", None),  # dots between thousands: 1.25 or 1,250,000? Not read.
        ("1,234.56", None),
        ("12 34", None),
        ("NaN", None),
        ("Infinity", None),
        ("1e6", None),
        ("45 990 $", None),
        ("", None),
    ],
)
def test_a_number_written_as_text_is_read_only_with_spaces_between_thousands(text: str, amount: Decimal | None) -> None:
    assert read_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-10-14T11:00:00-04:00", datetime(2026, 10, 14, 11, tzinfo=timezone(timedelta(hours=-4)))),
        ("2026-10-14", datetime(2026, 10, 14, tzinfo=timezone(timedelta(hours=-4)))),  # Eastern midnight
        ("2026-10-14T11:00:00Z", datetime(2026, 10, 14, 11, tzinfo=UTC)),
        ("14/10/2026", None),
        ("2026-09-31", None),
        ("le 14 octobre", None),
        ("0001-01-01T00:00:00+05:00", None),  # no instant at the calendar's edge
        ("9999-12-31T23:00:00-05:00", None),
    ],
)
def test_an_unreadable_date_is_none(text: str, moment: datetime | None) -> None:
    assert read_datetime(text) == moment


def test_an_empty_amount_is_no_value_and_noted_by_its_path() -> None:
    fields, log = reading(value={"amount": "", "currency": "CAD"})

    assert fields.money("value") is None
    assert [(r.field, r.how) for r in log.repairs("releases[0] ocds-1")] == [("tender.value.amount", "empty: no value")]


@pytest.mark.parametrize("value", [True, False, [True], {"n": 1}, None])
def test_true_false_and_objects_are_never_text_or_numbers(value: Any) -> None:
    fields, _ = reading(title=value, postalCode=value, amount=value)

    assert fields.text("title") is None
    assert fields.id("postalCode") is None
    assert fields.amount("amount") is None


def test_an_array_of_one_is_read_as_its_item_and_an_array_of_several_dropped() -> None:
    fields, log = reading(
        title=["Déneigement"], status=["active", "complete"], tenderPeriod=[{"endDate": "2026-10-14"}]
    )

    assert fields.text("title") == "Déneigement"
    assert fields.text("status") is None
    assert fields.object("tenderPeriod").datetime("endDate") is not None
    assert {r.kind for r in log.repairs("r")} == {
        "tender.title (array of one where one value belongs: read as its item)",
        "tender.status (an array where text belongs: dropped)",
        "tender.tenderPeriod (array of one where one value belongs: read as its item)",
    }


def test_array_items_that_are_not_objects_are_dropped_one_by_one() -> None:
    fields, log = reading(items=[{"id": "1"}, "S9", [{"id": "2"}], 7])

    assert [item.id("id") for item in fields.objects("items")] == ["1", "2"]
    assert {r.kind for r in log.repairs("r")} == {
        "tender.items[] (text where an object belongs: dropped)",
        "tender.items[] (a number where an object belongs: dropped)",
        "tender.items[] (array of one where one value belongs: read as its item)",
    }


def test_each_repair_is_noted_once_per_field_and_record() -> None:
    fields, log = reading(awards=[{"value": {"amount": ""}}, {"value": {"amount": ""}}])

    for award in fields.objects("awards"):
        award.money("value")

    assert [r.kind for r in log.repairs("r")] == ["tender.awards[].value.amount (empty: no value)"]


@pytest.mark.parametrize(
    ("description", "title"),
    [
        ("Déneigement des rues. Le contrat dure trois ans.", "Déneigement des rues"),
        (
            "Réfection, contrat no. 2026-14 à Rimouski. Visite le 3 octobre.",
            "Réfection, contrat no. 2026-14 à Rimouski",
        ),
        ("Notice of Proposed Procurement (NPP)\r\n\r\n1. This NPP is issued", "Notice of Proposed Procurement (NPP)"),
        ("Who can bid? Any co-operative.", "Who can bid?"),
        ("mot " * 60, ("mot " * 39).strip() + "…"),
    ],
)
def test_a_derived_title_is_the_description_first_sentence(description: str, title: str) -> None:
    assert first_sentence(description) == title
