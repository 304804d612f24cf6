"""Which tenders one recipient's alert lists, in which section, and which items it settles (no AWS)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from esja.alerts.model import AlertItem, Preferences, ProfileRef
from esja.alerts.plan import AlertPlan, plan_alert
from esja.model import Match, Reason, Status, Tender, Text, UpdateKind

NOW = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
SID = "sub-1"
DAILY = Preferences(frequency="daily", language="fr")
PROFILES = (ProfileRef("coop", "menage", "Entretien ménager"), ProfileRef("coop", "vitres", "Lavage de vitres"))
CODE = Reason("unspsc", "code UNSPSC 76111500", "UNSPSC code 76111500")
KEYWORD = Reason("keyword", "mot-clé « vitres » dans le titre", "keyword “vitres” in the title")


def tender(native_id: str, closing_in: timedelta | None = timedelta(days=10), **changes: object) -> Tender:
    base = Tender(
        source="seao",
        native_id=native_id,
        revision="1",
        title=Text(f"Appel {native_id}"),
        status=Status.OPEN,
        closing_at=NOW + closing_in if closing_in is not None else None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def match(key: str, enterprise: str = "coop", profiles: tuple[str, ...] = ("menage",), **state: object) -> AlertItem:
    reasons = (CODE,) if enterprise == "coop" else (KEYWORD, CODE)
    found = Match(enterprise, profiles[0], key, 2.0 if enterprise == "coop" else 1.0, reasons)
    item = AlertItem(enterprise, f"match#{key}", key, NOW - timedelta(days=1), match=found, profile_ids=profiles)
    return replace(item, **state)  # type: ignore[arg-type]


def update(key: str, change: UpdateKind, enterprise: str = "coop", **state: object) -> AlertItem:
    item = AlertItem(enterprise, f"update#{key}#h2", key, NOW - timedelta(hours=2), change=change)
    return replace(item, **state)  # type: ignore[arg-type]


def plan(
    items: list[AlertItem], tenders: list[Tender], preferences: Preferences = DAILY, sid: str | None = SID
) -> AlertPlan:
    return plan_alert(
        sid, items, tenders={t.key: t for t in tenders}, preferences=preferences, profiles=PROFILES, now=NOW
    )


def keys(entries: object) -> list[str]:
    return [e.tender.native_id for e in entries]  # type: ignore[attr-defined]


def test_pending_matches_are_listed_soonest_closing_first_undated_last() -> None:
    tenders = [tender("a", timedelta(days=9)), tender("b", timedelta(days=2)), tender("c", None)]

    result = plan([match("seao:a"), match("seao:b"), match("seao:c")], tenders)

    assert keys(result.new) == ["b", "a", "c"]
    assert {(d.item, d.sent) for d in result.deliveries} == {
        ("match#seao:a", True),
        ("match#seao:b", True),
        ("match#seao:c", True),
    }


def test_a_tender_matched_for_two_enterprises_is_listed_once_with_every_reason() -> None:
    items = [match("seao:a"), match("seao:a", enterprise="voisins", profiles=("vitres",))]

    result = plan(items, [tender("a")])

    [entry] = result.new
    assert entry.reasons == (CODE, KEYWORD)  # the best match's reasons first, each once
    assert {d.enterprise_id for d in result.deliveries} == {"coop", "voisins"}


def test_what_was_told_is_not_told_again() -> None:
    assert plan([match("seao:a", sent_to=frozenset({SID}))], [tender("a")]).empty


def test_another_subscriber_of_the_same_enterprise_still_gets_it() -> None:
    told_to_colleague = match("seao:a", sent_to=frozenset({"colleague"}))

    assert keys(plan([told_to_colleague], [tender("a")]).new) == ["a"]


def test_an_amendment_of_a_tender_told_before_goes_in_the_changes_section() -> None:
    items = [match("seao:a", sent_to=frozenset({SID})), update("seao:a", "amended")]

    result = plan(items, [tender("a", revision="2")])

    assert keys(result.updates) == ["a"] and result.updates[0].change == "amended" and not result.new
    assert [(d.item, d.sent) for d in result.deliveries] == [("update#seao:a#h2", True)]


def test_someone_never_told_gets_the_amended_tender_as_new_and_the_amendment_is_settled() -> None:
    result = plan([match("seao:a"), update("seao:a", "amended")], [tender("a", revision="2")])

    assert keys(result.new) == ["a"] and not result.updates
    assert {d.item for d in result.deliveries} == {"match#seao:a", "update#seao:a#h2"}


def test_a_cancellation_reaches_those_told_and_retires_the_match() -> None:
    told = match("seao:a", sent_to=frozenset({SID}))

    result = plan([told, update("seao:a", "cancelled")], [tender("a", status=Status.CANCELLED)])

    assert result.updates[0].change == "cancelled"
    assert result.retire == (told,)


def test_a_cancelled_tender_never_told_is_not_announced() -> None:
    result = plan([match("seao:a"), update("seao:a", "cancelled")], [tender("a", status=Status.CANCELLED)])

    assert result.empty and [i.item for i in result.retire] == ["match#seao:a"]


def test_a_cancellation_is_retired_after_two_weeks() -> None:
    old = update("seao:a", "cancelled", recorded_at=NOW - timedelta(days=15))

    assert plan([old], [tender("a", status=Status.CANCELLED)]).retire == (old,)


def test_a_closed_tender_is_retired_and_never_listed() -> None:
    result = plan([match("seao:a")], [tender("a", timedelta(hours=-1))])

    assert result.empty and len(result.retire) == 1


def test_a_tender_told_before_and_closing_within_three_days_is_recalled_once() -> None:
    told = match("seao:a", sent_to=frozenset({SID}))
    closing = tender("a", timedelta(days=2, hours=20))

    first = plan([told], [closing])
    again = plan([replace(told, reminded_to=frozenset({SID}))], [closing])

    assert keys(first.reminders) == ["a"] and first.deliveries[0].reminded and not first.deliveries[0].sent
    assert again.empty


def test_reminders_can_be_turned_off() -> None:
    told = match("seao:a", sent_to=frozenset({SID}))

    assert plan([told], [tender("a", timedelta(days=1))], replace(DAILY, reminders=False)).empty


def test_a_new_tender_closing_soon_is_not_recalled_later() -> None:
    result = plan([match("seao:a")], [tender("a", timedelta(days=1))])

    assert keys(result.new) == ["a"] and result.deliveries[0].reminded


def test_a_profile_turned_off_hides_its_matches_but_not_those_another_profile_found() -> None:
    off = replace(DAILY, profiles_off=frozenset({"coop/menage"}))
    items = [match("seao:a"), match("seao:b", profiles=("menage", "vitres"))]

    result = plan(items, [tender("a"), tender("b")], off)

    assert keys(result.new) == ["b"]


def test_a_preview_before_the_first_run_sees_every_pending_match_as_new() -> None:
    result = plan([match("seao:a", sent_to=frozenset({"someone"}))], [tender("a")], sid=None)

    assert keys(result.new) == ["a"]
