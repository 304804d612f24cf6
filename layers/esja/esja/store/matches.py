"""The Matches table: one item per (enterprise, tender) match, written once, and one per update of a
matched tender (addendum, cancellation) that the enterprise has yet to be told about.

Keys: enterprise_id + item, where item is "match#<tender_key>" or "update#<tender_key>#<content hash>".
The by_tender index finds every enterprise already told about a tender.

The alerts keep, on each item, who was told (`sent_to`, `reminded_to`: subscriber ids) and `alert_state`
("pending" until a first subscriber is told, then "sent"; "closed" once retired). `open_since` is set
while the item may still concern someone: the sparse open_by_enterprise index holds only those.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from esja.alerts.model import AlertItem
from esja.model import Match
from esja.store.batches import Batches
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error
from esja.store.queries import Item, query_all
from esja.store.writes import put_once

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True, slots=True)
class StoredMatch:
    match: Match
    profile_ids: tuple[str, ...]
    tender_hash: str
    matched_at: datetime
    alert_state: Literal["pending", "sent", "closed"]  # the alerts use case moves it


OPEN_INDEX = "open_by_enterprise"


class MatchStore:
    def __init__(self, table_name: str, client: DynamoDBClient, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._table = table_name
        self._client = client
        self._batches = Batches(table_name, client, sleep)

    def record_match(self, match: Match, profile_ids: Sequence[str], tender_hash: str, now: datetime) -> bool:
        """Write the match unless the enterprise already has one for this tender; True when written."""
        item = {
            "enterprise_id": {"S": match.enterprise_id},
            "item": {"S": f"match#{match.tender_key}"},
            "kind": {"S": "match"},
            "tender_key": {"S": match.tender_key},
            "profile_ids": {"L": [{"S": p} for p in profile_ids]},
            "score": {"N": str(match.score)},
            "match": {"S": json.dumps(match.to_dict(), ensure_ascii=False)},
            "tender_hash": {"S": tender_hash},
            "matched_at": {"S": now.isoformat()},
            "alert_state": {"S": "pending"},
            "open_since": {"S": now.isoformat()},
        }
        return put_once(self._client, self._table, item, key="enterprise_id", action="recording a match")

    def record_update(self, enterprise_id: str, tender_key: str, change: str, tender_hash: str, now: datetime) -> bool:
        """Note that a matched tender changed (amended, cancelled…), once per content version."""
        item = {
            "enterprise_id": {"S": enterprise_id},
            "item": {"S": f"update#{tender_key}#{tender_hash}"},
            "kind": {"S": "update"},
            "tender_key": {"S": tender_key},
            "change": {"S": change},
            "tender_hash": {"S": tender_hash},
            "recorded_at": {"S": now.isoformat()},
            "alert_state": {"S": "pending"},
            "open_since": {"S": now.isoformat()},
        }
        return put_once(self._client, self._table, item, key="enterprise_id", action="recording a match")

    def enterprises_matched(self, tender_key: str) -> list[str]:
        found: set[str] = set()
        try:
            pages = self._client.get_paginator("query").paginate(
                TableName=self._table,
                IndexName="by_tender",
                KeyConditionExpression="tender_key = :t",
                FilterExpression="begins_with(#i, :m)",  # the index projects keys only: filter on the item key
                ExpressionAttributeNames={"#i": "item"},
                ExpressionAttributeValues={":t": {"S": tender_key}, ":m": {"S": "match#"}},
            )
            for page in pages:
                found.update(item["enterprise_id"]["S"] for item in page["Items"])
        except AWS_ERRORS as error:
            raise store_error(error, "reading a tender's matches") from error
        return sorted(found)

    def matches_of(self, enterprise_id: str) -> list[StoredMatch]:
        return [_stored(item) for item in self._items_of(enterprise_id, "match#")]

    def open_items(self, enterprise_id: str) -> list[AlertItem]:
        """The enterprise's matches and updates that may still concern a subscriber (the sparse index;
        eventually consistent: re-read with `items` before acting on who was told)."""
        try:
            pages = self._client.get_paginator("query").paginate(
                TableName=self._table,
                IndexName=OPEN_INDEX,
                KeyConditionExpression="enterprise_id = :e",
                ExpressionAttributeValues={":e": {"S": enterprise_id}},
            )
            return [alert_item(item) for page in pages for item in page["Items"]]
        except AWS_ERRORS as error:
            raise store_error(error, "reading an enterprise's open matches") from error

    def items(self, keys: Iterable[tuple[str, str]]) -> list[AlertItem]:
        """These items as stored now (strongly consistent), missing ones left out."""
        unique = [{"enterprise_id": {"S": e}, "item": {"S": i}} for e, i in dict.fromkeys(keys)]
        return [alert_item(item) for item in self._batches.get(unique, "reading matches", ConsistentRead=True)]

    def mark_told(self, enterprise_id: str, item: str, subscriber_id: str, *, sent: bool, reminded: bool) -> None:
        """Record that the subscriber was told (and/or reminded); adding to a set is idempotent."""
        updates: list[str] = []
        values: dict[str, Any] = {":s": {"SS": [subscriber_id]}}
        if sent:
            updates.append("sent_to :s")
        if reminded:
            updates.append("reminded_to :s")
        if not updates:
            return
        expression = "ADD " + ", ".join(updates)
        if sent:
            expression += " SET alert_state = :sent"
            values[":sent"] = {"S": "sent"}
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"enterprise_id": {"S": enterprise_id}, "item": {"S": item}},
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(enterprise_id)",  # never create a half item
                ExpressionAttributeValues=values,
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return
            raise store_error(error, "marking a match as told") from error

    def close(self, enterprise_id: str, item: str) -> None:
        """Take the item out of the open index for good: its tender can concern nobody any more."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"enterprise_id": {"S": enterprise_id}, "item": {"S": item}},
                UpdateExpression="REMOVE open_since SET alert_state = :closed",
                ConditionExpression="attribute_exists(open_since)",
                ExpressionAttributeValues={":closed": {"S": "closed"}},
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return
            raise store_error(error, "closing a match") from error

    def remove_alert_items(self, enterprise_id: str) -> int:
        """Delete the enterprise's matches and updates (its contracts won stay); how many were deleted."""
        return delete_items_of(self._batches, self._client, self._table, enterprise_id, ("match#", "update#"))

    def _items_of(self, enterprise_id: str, prefix: str, **options: Any) -> list[dict[str, Any]]:
        return items_of(self._client, self._table, enterprise_id, prefix, ConsistentRead=True, **options)


def delete_items_of(
    batches: Batches, client: DynamoDBClient, table: str, enterprise_id: str, prefixes: Sequence[str]
) -> int:
    """Delete an enterprise's Matches items of these kinds (read strongly consistent); how many were deleted."""
    keys = [
        key
        for prefix in prefixes
        for key in items_of(
            client, table, enterprise_id, prefix, ConsistentRead=True, ProjectionExpression="enterprise_id, #i"
        )
    ]
    batches.delete(keys, "removing an enterprise's items")
    return len(keys)


def items_of(client: DynamoDBClient, table: str, enterprise_id: str, prefix: str, **options: Any) -> list[Item]:
    """An enterprise's Matches items of one kind ("match#", "update#", "won#"), or of every kind (""), to the
    last page (`options`: ProjectionExpression and its names…)."""
    names = {"#i": "item"} if prefix else {}
    return query_all(
        client,
        "reading an enterprise's matches",
        TableName=table,
        KeyConditionExpression="enterprise_id = :e AND begins_with(#i, :p)" if prefix else "enterprise_id = :e",
        ExpressionAttributeValues={":e": {"S": enterprise_id}} | ({":p": {"S": prefix}} if prefix else {}),
        **options | {"ExpressionAttributeNames": names | options.get("ExpressionAttributeNames", {})},
    )


def alert_item(item: dict[str, Any]) -> AlertItem:
    kind = item["kind"]["S"]
    recorded = item["matched_at"] if kind == "match" else item["recorded_at"]
    return AlertItem(
        enterprise_id=item["enterprise_id"]["S"],
        item=item["item"]["S"],
        tender_key=item["tender_key"]["S"],
        recorded_at=datetime.fromisoformat(recorded["S"]),
        match=Match.from_dict(json.loads(item["match"]["S"])) if kind == "match" else None,
        profile_ids=tuple(p["S"] for p in item.get("profile_ids", {}).get("L", [])),
        change=item["change"]["S"] if "change" in item else None,
        is_open="open_since" in item,
        sent_to=frozenset(item.get("sent_to", {}).get("SS", [])),
        reminded_to=frozenset(item.get("reminded_to", {}).get("SS", [])),
    )


def _stored(item: dict[str, Any]) -> StoredMatch:
    return StoredMatch(
        match=Match.from_dict(json.loads(item["match"]["S"])),
        profile_ids=tuple(p["S"] for p in item["profile_ids"]["L"]),
        tender_hash=item["tender_hash"]["S"],
        matched_at=datetime.fromisoformat(item["matched_at"]["S"]),
        alert_state=item["alert_state"]["S"],
    )
