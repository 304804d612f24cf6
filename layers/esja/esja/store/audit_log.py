"""The Audit table: one item per record, never changed (esja.audit.log).

Partition `month#YYYY-MM` (UTC), sort `<ISO time>#<random>`: a month's records in time order, read by
month for the organizers' journal. Each record is put once, on condition that nothing is there; the web
function's policy allows only PutItem and Query here, no update or delete. `expires_at` (epoch seconds) is
the table's TTL: RETENTION after the record.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from esja.audit.log import RETENTION, AuditRecord, Item
from esja.store.errors import AWS_ERRORS, store_error
from esja.store.queries import query_all

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class AuditLogStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def append(self, record: AuditRecord) -> None:
        at = record.at.astimezone(UTC)
        item: dict[str, Any] = {
            "pk": {"S": f"month#{at:%Y-%m}"},
            "sk": {"S": f"{at.isoformat(timespec='microseconds')}#{secrets.token_hex(8)}"},
            "action": {"S": record.action},
            "item_type": {"S": record.item.type},
            "item_id": {"S": record.item.id},
            "actor_role": {"S": record.actor_role},
            "actor_id": {"S": record.actor_id},
            "address_key": {"S": record.address_key},
            "network": {"S": record.network},
            "regions": {"S": json.dumps(list(record.regions))},
            "details": {"S": json.dumps(dict(record.details), ensure_ascii=False, sort_keys=True)},
            "expires_at": {"N": str(int((at + RETENTION).timestamp()))},
        }
        try:
            self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except AWS_ERRORS as error:
            raise store_error(error, "writing the audit log") from error

    def between(self, since: datetime, until: datetime, *, action: str = "") -> list[AuditRecord]:
        since, until = since.astimezone(UTC), until.astimezone(UTC)
        # Sort keys start with the time: « < until » is « < until's time », whatever random suffix follows.
        start, end = since.isoformat(timespec="microseconds"), until.isoformat(timespec="microseconds")
        found: list[AuditRecord] = []
        for month in reversed(list(_months(since.date(), until.date()))):
            values: dict[str, Any] = {":pk": {"S": f"month#{month}"}, ":start": {"S": start}, ":end": {"S": end}}
            request: dict[str, Any] = {}
            if action:
                request = {"FilterExpression": "#action = :action", "ExpressionAttributeNames": {"#action": "action"}}
                values[":action"] = {"S": action}
            items = query_all(
                self._client,
                "reading the audit log",
                TableName=self._table,
                KeyConditionExpression="pk = :pk AND sk BETWEEN :start AND :end",
                ExpressionAttributeValues=values,
                ScanIndexForward=False,
                **request,
            )
            found += [_record(item) for item in items]
        return found


def _months(first: date, last: date) -> Iterator[str]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _record(item: dict[str, Any]) -> AuditRecord:
    return AuditRecord(
        at=datetime.fromisoformat(item["sk"]["S"].split("#", 1)[0]),
        action=item["action"]["S"],
        item=Item(item["item_type"]["S"], item["item_id"]["S"]),
        actor_role=item["actor_role"]["S"],
        actor_id=item["actor_id"]["S"],
        address_key=item["address_key"]["S"],
        network=item["network"]["S"],
        regions=tuple(json.loads(item["regions"]["S"])),
        details=json.loads(item["details"]["S"]),
    )
