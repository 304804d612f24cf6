"""A tender whose closing date became unreadable leaves the Tenders table's open-tenders index."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta

from esja.model import Status
from esja.store.digest_sources import TenderWeeks
from local.runtime import LocalAws
from tests.digest_builders import RECENT, DigestWorld, tender


def test_an_unknown_tender_is_stored_without_a_closing_date_and_out_of_the_closing_index(aws: LocalAws) -> None:
    world = DigestWorld(aws)
    weeks = TenderWeeks(aws.resources.names["TendersTable"], aws.client("dynamodb"))
    before = tender("drifted", closing_at=RECENT.end + timedelta(days=5))
    world.publish(before, RECENT.start + timedelta(days=1))
    world.publish(
        replace(before, revision="20261123000000", status=Status.UNKNOWN, closing_at=None),
        RECENT.start + timedelta(days=2),
    )

    stored = world.tenders.get(before.key)
    assert stored is not None
    assert (stored[0].status, stored[0].closing_at, stored[1].status) == (Status.UNKNOWN, None, Status.UNKNOWN)
    assert stored[1].status_since == (RECENT.start + timedelta(days=2)).astimezone(UTC)
    assert weeks.closing_after(RECENT.start) == []
