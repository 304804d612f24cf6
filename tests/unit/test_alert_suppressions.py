"""SES events: which ones suppress an address (permanent bounces, complaints) and which do not."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from esja.alerts.suppressions import SuppressionRecorder, suppressions_in
from tests.fakes import TEST_KEYS

EVENTS = Path(__file__).resolve().parents[2] / "events"


def message(name: str) -> str:
    return str(json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))["Records"][0]["Sns"]["Message"])


class Book:
    def __init__(self) -> None:
        self.suppressed: dict[str, tuple[str, str]] = {}

    def suppress(self, address_key: str, *, reason: str, detail: str, event_id: str, at: datetime) -> bool:
        if address_key in self.suppressed:
            return False
        self.suppressed[address_key] = (reason, event_id)
        return True


def test_a_permanent_bounce_suppresses_the_address() -> None:
    [found] = suppressions_in(message("ses_bounce"))

    assert found.address == "direction@coop.example.org" and found.reason == "bounce"
    assert found.detail == "Permanent/General" and found.event_id == "0101019a8f3c3e22-bounce-0001-000000"
    assert "direction@" not in repr(found)  # never in a log by accident


def test_a_transient_bounce_suppresses_nothing() -> None:
    assert suppressions_in(message("ses_transient_bounce")) == []


def test_a_complaint_suppresses_the_address() -> None:
    [found] = suppressions_in(message("ses_complaint"))

    assert (found.reason, found.detail) == ("complaint", "abuse")


def test_sns_notifications_of_the_older_format_are_read_too() -> None:
    event: dict[str, Any] = json.loads(message("ses_bounce"))
    event["notificationType"] = event.pop("eventType")

    assert len(suppressions_in(json.dumps(event))) == 1


def test_the_same_event_twice_suppresses_once() -> None:
    book = Book()

    recorder = SuppressionRecorder(book, TEST_KEYS)
    first = recorder.record([message("ses_bounce")])
    again = recorder.record([message("ses_bounce")])

    assert (first.suppressed, first.already) == (1, 0)
    assert (again.suppressed, again.already) == (0, 1)
    assert len(book.suppressed) == 1


def test_deliveries_and_other_events_are_ignored() -> None:
    assert (
        SuppressionRecorder(Book(), TEST_KEYS).record([json.dumps({"eventType": "Delivery", "delivery": {}})]).ignored
        == 1
    )
