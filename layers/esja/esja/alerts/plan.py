"""What one recipient's next alert says, and which Matches items it settles — pure, no AWS.

For each tender of the recipient's open items, at most one entry, by priority:
- **new**: matched, not yet told to this subscriber (the tender's current state, amendments included);
- **update**: told before, and amended or cancelled since;
- **reminder**: told before, still open, closing within three days, not yet reminded (if reminders are on).
Items the entry makes redundant (the same tender matched for a second enterprise, an update of a tender
the subscriber hears about for the first time) are settled with it, so they are never shown later.
Items no subscriber can ever need again (closed tenders, old cancellations) are retired.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from esja.alerts.model import AlertItem, Preferences, ProfileRef
from esja.model import Reason, Status, Tender

REMINDER_WINDOW = timedelta(days=3)
# A cancellation stays worth telling for two weeks (a weekly or paused subscriber still hears of it).
CANCELLATION_NOTICE = timedelta(days=14)
NEVER = datetime.max.replace(tzinfo=UTC)  # tenders without a closing date come last


@dataclass(frozen=True, slots=True)
class TenderEntry:
    tender: Tender
    reasons: tuple[Reason, ...] = ()
    profiles: tuple[ProfileRef, ...] = ()
    change: str | None = None  # updates: "amended" or "cancelled"


@dataclass(frozen=True, slots=True)
class Delivery:
    """Mark on a Matches item once SES has accepted the e-mail."""

    enterprise_id: str
    item: str
    sent: bool = False
    reminded: bool = False


@dataclass(frozen=True, slots=True)
class AlertPlan:
    new: tuple[TenderEntry, ...] = ()
    updates: tuple[TenderEntry, ...] = ()
    reminders: tuple[TenderEntry, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    retire: tuple[AlertItem, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.new or self.updates or self.reminders)

    @property
    def tender_count(self) -> int:
        return len(self.new) + len(self.updates) + len(self.reminders)


def plan_alert(
    subscriber_id: str | None,
    items: Iterable[AlertItem],
    *,
    tenders: Mapping[str, Tender | None],
    preferences: Preferences,
    profiles: Iterable[ProfileRef],
    now: datetime,
) -> AlertPlan:
    """`subscriber_id` None: nobody was told anything yet (a preview before the first run)."""
    by_tender: dict[str, list[AlertItem]] = {}
    for item in items:
        by_tender.setdefault(item.tender_key, []).append(item)
    named = {(p.enterprise_id, p.profile_id): p for p in profiles}
    new: list[TenderEntry] = []
    updates: list[TenderEntry] = []
    reminders: list[TenderEntry] = []
    deliveries: list[Delivery] = []
    retire: list[AlertItem] = []
    for tender_key, group in by_tender.items():
        tender = tenders.get(tender_key)
        live = []
        for item in group:
            if item.is_open and _spent(item, tender, now):
                retire.append(item)
            elif item.is_open:
                live.append(item)
        if tender is None:
            continue
        sid = subscriber_id or ""
        matches = [i for i in group if i.is_match]
        told = [m for m in matches if sid in m.sent_to]
        untold = [m for m in live if m.is_match and sid not in m.sent_to]
        wanted = [m for m in untold if preferences.wants(m.enterprise_id, m.profile_ids)]
        changes = [u for u in live if not u.is_match and sid not in u.sent_to]
        closing_soon = _closing_soon(tender, now)
        if not told and wanted and _open(tender, now):
            new.append(_new_entry(tender, wanted, named))
            deliveries += [Delivery(m.enterprise_id, m.item, sent=True, reminded=closing_soon) for m in untold]
            deliveries += [Delivery(u.enterprise_id, u.item, sent=True) for u in changes]
        elif told and changes:
            cancelled = any(u.change == "cancelled" for u in changes) or tender.status is Status.CANCELLED
            updates.append(TenderEntry(tender, change="cancelled" if cancelled else "amended"))
            deliveries += [Delivery(u.enterprise_id, u.item, sent=True) for u in changes]
            deliveries += [Delivery(m.enterprise_id, m.item, sent=True, reminded=closing_soon) for m in untold]
            deliveries += [Delivery(m.enterprise_id, m.item, reminded=True) for m in told if closing_soon]
        elif told and closing_soon and _remind(sid, told, preferences):
            reminders.append(TenderEntry(tender, _reasons(told), _profiles(told, named)))
            deliveries += [Delivery(m.enterprise_id, m.item, reminded=True) for m in told]
            deliveries += [Delivery(m.enterprise_id, m.item, sent=True, reminded=True) for m in untold]
    return AlertPlan(
        new=_soonest_first(new),
        updates=_soonest_first(updates),
        reminders=_soonest_first(reminders),
        deliveries=tuple(deliveries),
        retire=tuple(retire),
    )


def _open(tender: Tender, now: datetime) -> bool:
    return tender.status is Status.OPEN and (tender.closing_at is None or tender.closing_at > now)


def _closing_soon(tender: Tender, now: datetime) -> bool:
    return _open(tender, now) and tender.closing_at is not None and tender.closing_at - now <= REMINDER_WINDOW


def _remind(sid: str, told: list[AlertItem], preferences: Preferences) -> bool:
    wanted = any(preferences.wants(m.enterprise_id, m.profile_ids) for m in told)
    return preferences.reminders and wanted and not any(sid in m.reminded_to for m in told)


def _spent(item: AlertItem, tender: Tender | None, now: datetime) -> bool:
    """True when no subscriber can need this item any more: it leaves the open index for good."""
    if tender is None:
        return True
    if item.change == "cancelled":
        return now - item.recorded_at > CANCELLATION_NOTICE
    return not _open(tender, now)


def _new_entry(tender: Tender, matches: list[AlertItem], named: Mapping[tuple[str, str], ProfileRef]) -> TenderEntry:
    return TenderEntry(tender, _reasons(matches), _profiles(matches, named))


def _reasons(matches: list[AlertItem]) -> tuple[Reason, ...]:
    """Every reason once, the best-scoring match's first."""
    ranked = sorted(matches, key=lambda m: -(m.match.score if m.match else 0.0))
    return tuple(dict.fromkeys(r for m in ranked if m.match for r in m.match.reasons))


def _profiles(matches: list[AlertItem], named: Mapping[tuple[str, str], ProfileRef]) -> tuple[ProfileRef, ...]:
    refs = (named.get((m.enterprise_id, p)) for m in matches for p in m.profile_ids)
    return tuple(dict.fromkeys(r for r in refs if r is not None))


def _soonest_first(entries: list[TenderEntry]) -> tuple[TenderEntry, ...]:
    return tuple(sorted(entries, key=lambda e: (e.tender.closing_at or NEVER, e.tender.key)))
