"""A tender whose closing date could not be read has status « unknown »: nothing downstream takes it
for open (change detection, matching, alerts, the digest)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from esja.alerts.model import AlertItem, Preferences, ProfileRef
from esja.alerts.plan import plan_alert
from esja.digest.week_data import SeenTender
from esja.ingest.changes import Change, ChangeKind, StoredVersion, plan_change
from esja.matching.brute_force import brute_force_match
from esja.matching.index import ProfileIndex
from esja.model import Classification, Match, Profile, Reason, Status, Tender, Text

NOW = datetime(2026, 11, 20, 14, tzinfo=UTC)
OPEN = Tender(
    source="seao",
    native_id="ocds-ec9k95-1",
    revision="20261110120000",
    title=Text("Entretien ménager des édifices municipaux"),
    status=Status.OPEN,
    classifications=(Classification("UNSPSC", "76111500"),),
    closing_at=NOW + timedelta(days=10),
)
# The publisher's addendum wrote its closing date in words: ESJA no longer knows when it closes.
UNKNOWN = replace(OPEN, revision="20261118090000", status=Status.UNKNOWN, closing_at=None)
PROFILE = Profile("coop", "menage", unspsc=("7611",), keywords=("entretien ménager",))


def test_a_profile_that_fits_the_open_tender_does_not_match_it_once_unknown() -> None:
    assert ProfileIndex.build([PROFILE]).match(OPEN, NOW)
    assert ProfileIndex.build([PROFILE]).match(UNKNOWN, NOW) == []
    assert brute_force_match([PROFILE], [UNKNOWN], NOW) == []


def test_an_unknown_tender_is_stored_as_such_and_not_announced() -> None:
    first = plan_change(UNKNOWN, None, NOW)
    stored = StoredVersion(OPEN.content_hash(), OPEN.revision, Status.OPEN, 0, NOW, NOW)
    became = plan_change(UNKNOWN, stored, NOW)

    assert isinstance(first, Change) and not first.announced
    assert isinstance(became, Change) and became.kind is ChangeKind.UNKNOWN and not became.announced
    assert became.status_since == NOW


def test_an_unknown_tender_is_never_listed_in_an_alert() -> None:
    found = Match("coop", "menage", UNKNOWN.key, 2.0, (Reason("unspsc", "code", "code"),))
    pending = AlertItem("coop", f"match#{UNKNOWN.key}", UNKNOWN.key, NOW, match=found, profile_ids=("menage",))

    plan = plan_alert(
        "sub-1",
        [pending],
        tenders={UNKNOWN.key: UNKNOWN},
        preferences=Preferences(frequency="daily", language="fr"),
        profiles=[ProfileRef("coop", "menage", "Entretien ménager")],
        now=NOW,
    )

    assert (plan.new, plan.reminders) == ((), ())


def test_the_digest_never_counts_an_unknown_tender_as_open() -> None:
    seen = SeenTender(UNKNOWN, first_seen_at=NOW - timedelta(days=3), status_since=NOW - timedelta(days=3))

    assert not seen.was_open_when_first_seen
    assert not seen.open_at(NOW - timedelta(days=1))
