"""What the digest reads from the other features' tables, in their own item formats.

TenderWeeks: the Tenders table's week indexes (first seen in a week, status reached in a week) and
its open-tenders index. MatchHistory: each enterprise's Matches items (esja.store.matches), and the
contracts won recorded beside them. SubscriptionEvents: the alerts' send records, suppressions and
unsubscribes (esja.store.subscriptions) — counts only, no address is ever read (there is none).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from esja.digest.outcomes import ContractWon
from esja.digest.week_data import (
    ALERT_SENT,
    BOUNCE,
    COMPLAINT,
    UNSUBSCRIBE,
    EnterpriseActivity,
    MatchRecord,
    SeenTender,
    SubscriptionEvent,
    WonRecord,
)
from esja.digest.weeks import Week
from esja.enterprise_space.contracts import DENIED
from esja.model import Status, Tender
from esja.store.errors import AWS_ERRORS, store_error
from esja.store.matches import items_of
from esja.store.tenders import opened_at
from esja.store.writes import put_once

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

FIRST_SEEN_INDEX = "by_first_seen_week"
QUERIES_AT_ONCE = 8
STATUS_WEEK_INDEX = "by_status_week"
CLOSING_INDEX = "by_status_closing"


class TenderWeeks:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def first_seen_in(self, week: Week) -> list[SeenTender]:
        return self._query(FIRST_SEEN_INDEX, "first_seen_week = :w", {":w": {"S": str(week)}})

    def awarded_in(self, week: Week) -> list[SeenTender]:
        """Tenders that reached « awarded » in the week (first seen awarded, or awarded since)."""
        return self._query(
            STATUS_WEEK_INDEX,
            "status_week = :w",
            {":w": {"S": str(week)}, ":awarded": {"S": Status.AWARDED.value}},
            filter_expression="#s = :awarded",
        )

    def closing_after(self, moment: datetime) -> list[SeenTender]:
        """Every tender, whatever its status now, whose closing date is after `moment`."""
        after = {":after": {"S": moment.astimezone(UTC).isoformat()}}
        return [
            seen
            for status in Status
            for seen in self._query(
                CLOSING_INDEX, "#s = :status AND closing_at > :after", {":status": {"S": status.value}} | after
            )
        ]

    def _query(
        self, index: str, condition: str, values: dict[str, Any], *, filter_expression: str | None = None
    ) -> list[SeenTender]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
        }
        if "#s" in condition or (filter_expression and "#s" in filter_expression):
            request["ExpressionAttributeNames"] = {"#s": "status"}
        if filter_expression:
            request["FilterExpression"] = filter_expression
        try:
            pages = self._client.get_paginator("query").paginate(**request)
            return [_seen(item) for page in pages for item in page["Items"]]
        except AWS_ERRORS as error:
            raise store_error(error, f"reading tenders ({index})") from error


class MatchHistory:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def records_of(self, enterprise_id: str) -> list[MatchRecord]:
        """Every match of the enterprise, with when it was recorded and whether anyone was told."""
        return list(self.activity_of(enterprise_id).matches)

    def activities_of(self, enterprise_ids: Sequence[str]) -> dict[str, EnterpriseActivity]:
        """`activity_of` for each enterprise, QUERIES_AT_ONCE Queries in flight (the client is thread-safe, and
        keeps 10 connections): the programme report of every region reads a few hundred enterprises."""
        if len(enterprise_ids) < 2:
            return {enterprise_id: self.activity_of(enterprise_id) for enterprise_id in enterprise_ids}
        with ThreadPoolExecutor(max_workers=QUERIES_AT_ONCE) as pool:
            return dict(zip(enterprise_ids, pool.map(self.activity_of, enterprise_ids), strict=True))

    def activity_of(self, enterprise_id: str) -> EnterpriseActivity:
        """The enterprise's matches and contracts won, in one Query that reads only what they are counted by
        (not the matches' reasons)."""
        matches, won, denied = [], [], set()
        for item in self._items(enterprise_id):
            kind, tender_key = item["kind"]["S"], item["tender_key"]["S"]
            if kind == "match":
                told = bool(item.get("sent_to", {}).get("SS"))
                matches.append(MatchRecord(enterprise_id, tender_key, _moment(item, "matched_at"), told))
            elif kind == "won" and item.get("verdict", {}).get("S") == DENIED:
                denied.add((tender_key, item["award_id"]["S"]))
            elif kind == "won":
                amount = Decimal(item["amount"]["N"]) if "amount" in item else None
                found = _moment(item, "found_at" if "found_at" in item else "recorded_at")
                won.append(WonRecord(enterprise_id, tender_key, item["award_id"]["S"], amount, found))
        return EnterpriseActivity(tuple(matches), tuple(won), frozenset(denied))

    def record_won(self, won: ContractWon, now: datetime) -> bool:
        """Keep a contract won for good (the tender may change or go): once; True when written now."""
        item: dict[str, Any] = {
            "enterprise_id": {"S": won.enterprise_id},
            "item": {"S": won.record_key},
            "kind": {"S": "won"},
            "tender_key": {"S": won.tender_key},
            "award_id": {"S": won.award_id},
            "title": {"S": won.title.any()},
            "buyer": {"S": won.buyer.any()},
            "supplier_name": {"S": won.supplier_name},
            "recognised_by": {"S": won.recognised_by},
            "recorded_at": {"S": now.isoformat()},
        }
        if won.amount is not None:
            item["amount"] = {"N": str(won.amount)}
        if won.awarded_on is not None:
            item["awarded_on"] = {"S": won.awarded_on.isoformat()}
        if won.found_at is not None:  # recorded before it was kept: counted by recorded_at, days later
            item["found_at"] = {"S": won.found_at.isoformat()}
        return put_once(self._client, self._table, item, key="enterprise_id", action="recording a contract won")

    def _items(self, enterprise_id: str) -> list[dict[str, Any]]:
        """Every item of the enterprise, with only what the digest and the report count them by (not the
        matches' reasons)."""
        projection = "#k, tender_key, matched_at, recorded_at, found_at, sent_to, award_id, amount, verdict"
        return items_of(
            self._client, self._table, enterprise_id, "", ProjectionExpression=projection,
            ExpressionAttributeNames={"#k": "kind"},
        )  # fmt: skip


class SubscriptionEvents:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def since(self, moment: datetime) -> list[SubscriptionEvent]:
        """Alerts sent, suppressions (bounce, complaint) and unsubscribes from `moment` on. A Scan, once a
        week: these records are spread over one partition per address."""
        # The filter compares strings; the writers' moments are UTC, but a day's margin makes any offset
        # safe, and _event compares again as moments.
        since = {":since": {"S": (moment - timedelta(days=1)).astimezone(UTC).isoformat()}}
        try:
            pages = self._client.get_paginator("scan").paginate(
                TableName=self._table,
                FilterExpression=(
                    "(sk IN (:suppressed, :unsubscribed) AND #at >= :since) "
                    "OR (begins_with(sk, :send) AND #state = :sent AND sent_at >= :since)"
                ),
                ProjectionExpression="sk, #at, #state, sent_at, reason",
                ExpressionAttributeNames={"#at": "at", "#state": "state"},
                ExpressionAttributeValues={
                    ":suppressed": {"S": "state#suppressed"},
                    ":unsubscribed": {"S": "state#unsubscribed"},
                    ":send": {"S": "send#"},
                    ":sent": {"S": "sent"},
                }
                | since,
            )
            return [event for page in pages for item in page["Items"] if (event := _event(item, moment))]
        except AWS_ERRORS as error:
            raise store_error(error, "reading alert deliveries") from error


def _moment(item: dict[str, Any], name: str) -> datetime:
    return datetime.fromisoformat(item[name]["S"])


def _seen(item: dict[str, Any]) -> SeenTender:
    seen = SeenTender(
        tender=Tender.from_dict(json.loads(item["tender"]["S"])),
        first_seen_at=datetime.fromisoformat(item["first_seen_at"]["S"]),
        status_since=datetime.fromisoformat(item["status_since"]["S"]),
        opened_at=opened_at(item),
    )
    if "opened_at" not in item and seen.was_open_when_first_seen:
        # Written before ESJA kept when a tender was stored open: open when first seen, as far as can be told.
        return replace(seen, opened_at=seen.first_seen_at)
    return seen


def _event(item: dict[str, Any], since: datetime) -> SubscriptionEvent | None:
    """The times are each writer's own ISO strings, with their offsets: compared again as moments."""
    sk = item["sk"]["S"]
    if sk.startswith("send#"):
        kind, at = ALERT_SENT, item["sent_at"]["S"]
    elif sk == "state#unsubscribed":
        kind, at = UNSUBSCRIBE, item["at"]["S"]
    else:
        kind, at = (COMPLAINT if item.get("reason", {}).get("S") == "complaint" else BOUNCE), item["at"]["S"]
    moment = datetime.fromisoformat(at)
    return SubscriptionEvent(kind, moment) if moment >= since else None
