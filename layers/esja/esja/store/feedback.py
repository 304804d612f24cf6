"""The « Pertinent » / « Pas pertinent » votes, among each enterprise's Matches items (esja.store.matches):
(enterprise_id, "feedback#<tender key>#<subscriber id>"), kind "feedback" — one per person and tender, a new
answer replacing the last. Each keeps the tender as it stood and the match's reasons (esja.feedback.model):
what the suggestions are worked out from. No address: the voter is the alerts' opaque subscriber id. Kept while
the enterprise is registered: its removal deletes them (esja.enterprises.removal).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from esja.feedback.model import Vote
from esja.model import Reason, Tender
from esja.store.batches import Batches
from esja.store.errors import AWS_ERRORS, store_error
from esja.store.matches import delete_items_of, items_of

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

FEEDBACK = "feedback#"


class FeedbackStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client
        self._batches = Batches(table_name, client)

    def record_vote(self, vote: Vote) -> None:
        item: dict[str, Any] = {
            "enterprise_id": {"S": vote.enterprise_id},
            "item": {"S": vote.item},
            "kind": {"S": "feedback"},
            "tender_key": {"S": vote.tender_key},
            "voter": {"S": vote.voter},
            "profile_ids": {"L": [{"S": p} for p in vote.profile_ids]},
            "relevant": {"BOOL": vote.relevant},
            "at": {"S": vote.at.isoformat()},
            "reasons": {"S": _reasons_json(vote.reasons)},
        }
        if vote.tender is not None:
            item["tender"] = {"S": json.dumps(vote.tender.to_dict(), ensure_ascii=False)}
        if vote.matched_at is not None:
            item["matched_at"] = {"S": vote.matched_at.isoformat()}
        try:
            self._client.put_item(TableName=self._table, Item=item)
        except AWS_ERRORS as error:
            raise store_error(error, "recording a vote") from error

    def vote_of(self, enterprise_id: str, tender_key: str, voter: str) -> Vote | None:
        key = {"enterprise_id": {"S": enterprise_id}, "item": {"S": f"{FEEDBACK}{tender_key}#{voter}"}}
        try:
            item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading a vote") from error
        return vote_from_item(item) if item else None

    def votes_of(self, enterprise_id: str) -> list[Vote]:
        """Every vote about the enterprise's tenders, oldest first."""
        found = [vote_from_item(item) for item in items_of(self._client, self._table, enterprise_id, FEEDBACK)]
        return sorted(found, key=lambda v: (v.at, v.item))

    def remove_votes(self, enterprise_id: str) -> int:
        """Delete every vote about the enterprise's tenders (it is removed); how many were deleted."""
        return delete_items_of(self._batches, self._client, self._table, enterprise_id, (FEEDBACK,))


def vote_from_item(item: dict[str, Any]) -> Vote:
    tender = item.get("tender", {}).get("S")
    matched_at = item.get("matched_at", {}).get("S")
    return Vote(
        enterprise_id=item["enterprise_id"]["S"],
        tender_key=item["tender_key"]["S"],
        voter=item["voter"]["S"],
        profile_ids=tuple(p["S"] for p in item.get("profile_ids", {}).get("L", [])),
        relevant=item["relevant"]["BOOL"],
        at=datetime.fromisoformat(item["at"]["S"]),
        tender=Tender.from_dict(json.loads(tender)) if tender else None,
        reasons=_reasons(item.get("reasons", {}).get("S", "[]")),
        matched_at=datetime.fromisoformat(matched_at) if matched_at else None,
    )


def _reasons_json(reasons: tuple[Reason, ...]) -> str:
    return json.dumps([r.to_dict() for r in reasons], ensure_ascii=False)


def _reasons(data: str) -> tuple[Reason, ...]:
    return tuple(Reason.from_dict(r) for r in json.loads(data))
