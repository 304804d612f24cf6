"""The digest's adapters on moto: the Organizers table, and what they read of the other features'
tables, written by those features' own stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from esja.alerts.model import Listing, Preferences
from esja.digest.signatories import SignatoryLink
from esja.digest.week_data import ALERT_SENT, BOUNCE, COMPLAINT, UNSUBSCRIBE
from esja.model import Status
from esja.sends import Claim, SendKey
from esja.store.digest_sources import MatchHistory, SubscriptionEvents, TenderWeeks
from esja.store.send_records import ALERT_RECORD_LIFETIME, SendRecords, alert_key
from esja.store.subscriptions import SubscriptionStore
from local.runtime import LocalAws
from tests.digest_builders import CESIM, ESBSL, RECENT, DigestWorld, tender
from tests.moto_tables import LOCAL_KEYS

MONDAY = RECENT.start + timedelta(hours=9)


def test_the_organizers_file_replaces_the_list(aws: LocalAws) -> None:
    store = DigestWorld(aws).organizers
    store.save_organizers([ESBSL, CESIM])

    saved = store.save_organizers([ESBSL])

    assert (saved.written, saved.removed, saved.unchanged) == (0, 1, 1)
    assert store.organizers() == [ESBSL]


def test_signatory_links_are_added_once_listed_and_removed(aws: LocalAws) -> None:
    store = DigestWorld(aws).organizers
    by_id, by_name = SignatoryLink("p1", buyer_id="OP-36518"), SignatoryLink("p1", buyer_name="RIÉ  BSL")

    assert store.add_link(by_id, MONDAY) and store.add_link(by_name, MONDAY)
    assert not store.add_link(SignatoryLink("p1", buyer_id="op-36518"), MONDAY)
    assert sorted(store.links(), key=str) == sorted([by_id, SignatoryLink("p1", buyer_name="RIÉ BSL")], key=str)
    assert store.remove_link(by_id, MONDAY, "esbsl") and not store.remove_link(by_id, MONDAY, "esbsl")
    assert store.links() == [SignatoryLink("p1", buyer_name="RIÉ BSL")]
    assert store.add_link(by_id, MONDAY)  # drawn again after its removal
    assert len(store.links()) == 2


def test_a_weeks_digest_is_claimed_once_then_known_as_sent_or_in_doubt(aws: LocalAws) -> None:
    store = DigestWorld(aws).sends
    now = datetime.now(UTC)
    this_week, last_week = SendKey("esbsl", str(RECENT)), SendKey("esbsl", str(RECENT.previous))

    assert store.claim(this_week, now) is Claim.CLAIMED
    assert store.claim(this_week, now) is Claim.IN_FLIGHT
    store.sending(this_week, now, {"archive_key": "digests/x.html"})
    assert store.claim(this_week, now + timedelta(hours=1)) is Claim.IN_DOUBT
    store.sent(this_week, "message-1", now, {})
    assert store.claim(this_week, now) is Claim.SENT
    assert store.claim(last_week, now) is Claim.CLAIMED
    store.failed(last_week, "Rejected", now)
    assert store.claim(last_week, now) is Claim.CLAIMED


def test_tenders_are_read_by_the_week_they_appeared_or_were_awarded_and_by_closing_date(aws: LocalAws) -> None:
    world = DigestWorld(aws)
    weeks = TenderWeeks(aws.resources.names["TendersTable"], aws.client("dynamodb"))
    first = tender("first", closing_at=RECENT.end + timedelta(days=5))
    earlier = tender("earlier", closing_at=RECENT.start - timedelta(days=1))
    world.publish(first, MONDAY)
    world.publish(earlier, RECENT.previous.start + timedelta(hours=9))
    world.publish(
        tender("earlier", status=Status.AWARDED, revision="20261123000000", closing_at=earlier.closing_at), MONDAY
    )

    assert [s.tender.key for s in weeks.first_seen_in(RECENT)] == ["seao:first"]
    [award] = weeks.awarded_in(RECENT)
    assert award.tender.key == "seao:earlier" and award.status_since == MONDAY.astimezone(UTC)
    assert award.first_seen_at < RECENT.start
    assert [s.tender.key for s in weeks.closing_after(RECENT.start)] == ["seao:first"]


def test_matches_are_read_with_whether_anyone_was_told(aws: LocalAws) -> None:
    world = DigestWorld(aws)
    told, untold = tender("told"), tender("untold")
    world.match("coop", told, MONDAY)
    world.match("coop", untold, MONDAY)
    world.matches.mark_told("coop", f"match#{told.key}", "subscriber-1", sent=True, reminded=False)

    records = MatchHistory(aws.resources.names["MatchesTable"], aws.client("dynamodb")).records_of("coop")

    assert {(r.tender_key, r.alerted) for r in records} == {("seao:told", True), ("seao:untold", False)}
    assert all(r.matched_at == MONDAY.astimezone(UTC) for r in records)


def test_alert_deliveries_are_read_from_the_alerts_own_records(aws: LocalAws) -> None:
    subscriptions = SubscriptionStore(aws.resources.names["SubscriptionsTable"], aws.client("dynamodb"))
    sends = SendRecords(
        aws.resources.names["SubscriptionsTable"], aws.client("dynamodb"), key=alert_key, lifetime=ALERT_RECORD_LIFETIME
    )
    listing = Listing((("coop", "Coop"),), (), Preferences("daily", "fr"), ())
    for n, address in enumerate(("a@example.org", "b@example.org", "c@example.org")):
        key = LOCAL_KEYS(address)
        subscriptions.enrol(key, listing, MONDAY)
        sends.claim(SendKey(key, "daily#x"), MONDAY)
        sends.sent(SendKey(key, "daily#x"), f"m{n}", MONDAY + timedelta(minutes=n), {"tenders": "2"})
    sends.claim(SendKey(LOCAL_KEYS("a@example.org"), "daily#y"), MONDAY)  # claimed, never confirmed
    subscriptions.suppress(LOCAL_KEYS("b@example.org"), reason="bounce", detail="Permanent", event_id="1", at=MONDAY)
    subscriptions.suppress(LOCAL_KEYS("c@example.org"), reason="complaint", detail="abuse", event_id="2", at=MONDAY)
    subscriptions.unsubscribe(LOCAL_KEYS("a@example.org"), how="page", wording_version="v", language="fr", now=MONDAY)
    old = RECENT.previous.start - timedelta(days=2)
    subscriptions.suppress(LOCAL_KEYS("old@example.org"), reason="bounce", detail="Permanent", event_id="3", at=old)

    events = SubscriptionEvents(aws.resources.names["SubscriptionsTable"], aws.client("dynamodb")).since(
        RECENT.previous.start
    )

    assert sorted(e.kind for e in events) == sorted([ALERT_SENT] * 3 + [BOUNCE, COMPLAINT, UNSUBSCRIBE])
