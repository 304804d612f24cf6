"""What the signatories' space sends, in the Signatories table: its send records (esja.sends) and the notices'
stop list.

Items (pk, sk):
  ("notice#<tender key>", <enterprise id>)     a notice of a tender to an enterprise: at most once (the ledger)
  ("reminder#<year>#<n>", <pledge id>)         a yearly report's reminder n (1, 2): at most once
  ("notice-stop", <address key>)               the address asked for no more notices: when and how (no address)

Send records expire with the table's TTL after SEND_RECORD_LIFETIME: a tender is closed long before, and a
reminder belongs to one year. A stop is kept for good: the address said no.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from esja.sends import SendKey
from esja.store.errors import AWS_ERRORS, store_error
from esja.store.queries import Item, query_all
from esja.store.send_records import SendRecords
from esja.store.writes import put_once

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

SEND_RECORD_LIFETIME = timedelta(days=400)
STOP = "notice-stop"


def period_key(key: SendKey) -> Item:
    """A send record by its period (the tender, the year's reminder), then its recipient."""
    return {"pk": {"S": key.period}, "sk": {"S": key.recipient}}


class NoticeRecords(SendRecords):
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        super().__init__(table_name, client, key=period_key, lifetime=SEND_RECORD_LIFETIME)
        self._table_name = table_name
        self._dynamodb = client

    def notified(self, tender_key: str) -> set[str]:
        found = query_all(
            self._dynamodb,
            "reading a tender's notices",
            TableName=self._table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"notice#{tender_key}"}},
            ConsistentRead=True,
        )
        return {item["sk"]["S"] for item in found if item.get("state", {}).get("S") != "failed"}


class NoticeStops:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def opted_out(self, address_key: str) -> bool:
        try:
            found = self._client.get_item(TableName=self._table, Key=_stop(address_key), ConsistentRead=True)
        except AWS_ERRORS as error:
            raise store_error(error, "reading the notices' stop list") from error
        return "Item" in found

    def opt_out(self, address_key: str, *, how: str, at: datetime) -> bool:
        item = _stop(address_key) | {"at": {"S": at.astimezone(UTC).isoformat(timespec="seconds")}, "how": {"S": how}}
        return put_once(self._client, self._table, item, key="pk", action="recording a notice stop")


def _stop(address_key: str) -> Item:
    return {"pk": {"S": STOP}, "sk": {"S": address_key}}
