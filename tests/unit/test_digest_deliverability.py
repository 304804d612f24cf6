"""Section 8: alert e-mails sent, bounces, complaints and unsubscribes, this week beside last week."""

from __future__ import annotations

from datetime import timedelta

from esja.digest.facts import WeekFacts
from esja.digest.sections import Figure, deliverability
from esja.digest.week_data import ALERT_SENT, BOUNCE, COMPLAINT, UNSUBSCRIBE, SubscriptionEvent
from tests.digest_builders import LAST, LAST_MONDAY, MONDAY, WEEK, week_data


def test_deliverability_this_week_beside_last_week() -> None:
    events = (
        *(SubscriptionEvent(ALERT_SENT, MONDAY + timedelta(hours=n)) for n in range(5)),
        *(SubscriptionEvent(ALERT_SENT, LAST_MONDAY) for _ in range(3)),
        SubscriptionEvent(BOUNCE, MONDAY),
        SubscriptionEvent(BOUNCE, LAST_MONDAY),
        SubscriptionEvent(BOUNCE, LAST.start - timedelta(days=1)),  # before the previous week
        SubscriptionEvent(COMPLAINT, WEEK.end - timedelta(seconds=1)),
        SubscriptionEvent(UNSUBSCRIBE, WEEK.end),  # the next week already
    )

    section = deliverability(WeekFacts(week_data(events=events)))

    assert section.alert_emails == Figure(5, 3)
    assert section.bounces == Figure(1, 1)
    assert section.complaints == Figure(1, 0)
    assert section.unsubscribes == Figure(0, 0)
