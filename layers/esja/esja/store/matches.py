"""The Matches table: one item per (enterprise, tender) match, written once, and one per update of a
matched tender (addendum, cancellation) that the enterprise has yet to be told about.

Keys: enterprise_id + item, where item is "match#<tender_key>" or "update#<tender_key>#<content hash>".
The by_tender index finds every enterprise already told about a tender.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from esja.model import Match
from esja.store.errors import store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True, slots=True)
class StoredMatch:
    match: Match
    profile_ids: tuple[str, ...]
    tender_hash: str
    matched_at: datetime
    alert_state: str  # pending | sent (the alerts use case moves it)


class MatchStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

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
        }
        return self._put_once(item)

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
        }
        return self._put_once(item)

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
        except ClientError as error:
            raise store_error(error, "reading a tender's matches") from error
        return sorted(found)

    def matches_of(self, enterprise_id: str) -> list[StoredMatch]:
        try:
            pages = self._client.get_paginator("query").paginate(
                TableName=self._table,
                KeyConditionExpression="enterprise_id = :e AND begins_with(#i, :m)",
                ExpressionAttributeNames={"#i": "item"},
                ExpressionAttributeValues={":e": {"S": enterprise_id}, ":m": {"S": "match#"}},
            )
            return [_stored(item) for page in pages for item in page["Items"]]
        except ClientError as error:
            raise store_error(error, "reading an enterprise's matches") from error

    def _put_once(self, item: dict[str, Any]) -> bool:
        try:
            self._client.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(enterprise_id)"
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise store_error(error, "recording a match") from error
        return True


def _stored(item: dict[str, Any]) -> StoredMatch:
    return StoredMatch(
        match=Match.from_dict(json.loads(item["match"]["S"])),
        profile_ids=tuple(p["S"] for p in item["profile_ids"]["L"]),
        tender_hash=item["tender_hash"]["S"],
        matched_at=datetime.fromisoformat(item["matched_at"]["S"]),
        alert_state=item["alert_state"]["S"],
    )
