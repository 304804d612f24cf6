"""The RateLimits table: one counter per key and fixed window, removed by the table's TTL.

One conditional write per hit: the counter goes up only while under the limit, so concurrent requests
cannot overshoot it and nothing is read first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Counters outlive their window a little: DynamoDB's TTL is approximate anyway.
_GRACE_SECONDS = 3600


class RateLimitStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def hit(self, key: str, limit: int, window: timedelta, now: datetime) -> bool:
        seconds = int(window.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"counter": {"S": f"{key}#{start}"}},
                UpdateExpression="ADD hits :one SET expires_at = :expires",
                ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":limit": {"N": str(limit)},
                    ":expires": {"N": str(start + seconds + _GRACE_SECONDS)},
                },
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return False
            raise store_error(error, "counting a request") from error
        return True
