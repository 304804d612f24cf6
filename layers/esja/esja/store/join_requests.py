"""The requests to join the programme, in the Directory table (the web function's rights there are all they need):

  pk "join",  sk <request id>   the request (JSON `record`), its `state`, and `expires_at` (the table's TTL:
                                PENDING_RETENTION after it was made, DECIDED_RETENTION after a decision)

A few requests at a time: the console reads the partition whole and keeps its regions'. A decision is written
on condition that the request is still pending, so two organizers cannot both decide it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from esja.joining.model import JoinDetails, JoinRequest, JoinState
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error
from esja.store.queries import query_all

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PARTITION = "join"
MAX_SORT_KEY_BYTES = 1024


class JoinRequestStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def add(self, request: JoinRequest) -> None:
        try:
            self._client.put_item(
                TableName=self._table, Item=_item(request), ConditionExpression="attribute_not_exists(pk)"
            )
        except AWS_ERRORS as error:
            raise store_error(error, "adding a join request") from error

    def requests(self, now: datetime) -> list[JoinRequest]:
        items = query_all(
            self._client,
            "reading the join requests",
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": PARTITION}},
            ConsistentRead=True,
        )
        return [r for r in map(_request, items) if r.expires_at > now]  # the TTL is late, never us

    def get(self, request_id: str, now: datetime) -> JoinRequest | None:
        if not 0 < len(request_id.encode()) <= MAX_SORT_KEY_BYTES:
            return None
        try:
            item = self._client.get_item(TableName=self._table, Key=_key(request_id), ConsistentRead=True).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading a join request") from error
        request = _request(item) if item else None
        return request if request is not None and request.expires_at > now else None

    def decide(self, request: JoinRequest, decided: JoinRequest) -> bool:
        try:
            self._client.put_item(
                TableName=self._table,
                Item=_item(decided),
                ConditionExpression="#state = :pending",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":pending": {"S": JoinState.PENDING.value}},
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return False
            raise store_error(error, "deciding a join request") from error
        return True


def _key(request_id: str) -> dict[str, Any]:
    return {"pk": {"S": PARTITION}, "sk": {"S": request_id}}


def _item(request: JoinRequest) -> dict[str, Any]:
    d = request.details
    record = {
        "enterprise_name": d.enterprise_name,
        "neq": d.neq,
        "legal_form": d.legal_form,
        "region": d.region,
        "contact_name": d.contact_name,
        "email": d.email,
        "language": d.language,
        "created_at": request.created_at.isoformat(),
        "consent_wording": request.consent_wording,
        "decided_by": request.decided_by,
        "enterprise_id": request.enterprise_id,
    }
    return _key(request.id) | {
        "record": {"S": json.dumps(record, ensure_ascii=False)},
        "state": {"S": request.state.value},
        "expires_at": {"N": str(int(request.expires_at.timestamp()))},
    }


def _request(item: dict[str, Any]) -> JoinRequest:
    r = json.loads(item["record"]["S"])
    details = JoinDetails(
        r["enterprise_name"], r["neq"], r["legal_form"], r["region"], r["contact_name"], r["email"], r["language"]
    )
    return JoinRequest(
        item["sk"]["S"],
        details,
        datetime.fromisoformat(r["created_at"]),
        r["consent_wording"],
        datetime.fromtimestamp(int(item["expires_at"]["N"]), tz=UTC),
        JoinState(item["state"]["S"]),
        r["decided_by"],
        r["enterprise_id"],
    )
