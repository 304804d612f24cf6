"""DynamoDB's batch calls, with what DynamoDB leaves unprocessed under load asked again: the SDK retries a
call that failed, not the part of a call that was not processed (the one retry that is ours)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from esja.errors import Throttled
from esja.store.errors import AWS_ERRORS, store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

GET_BATCH = 100  # BatchGetItem limit
WRITE_BATCH = 25  # BatchWriteItem limit
_ATTEMPTS = 8

Item = dict[str, Any]


class Batches:
    def __init__(self, table_name: str, client: DynamoDBClient, sleep: Callable[[float], None] = time.sleep) -> None:
        self._table = table_name
        self._client = client
        self._sleep = sleep

    def get(self, keys: list[Item], action: str, **options: Any) -> Iterator[Item]:
        """Every item found of these keys (`options`: ProjectionExpression, ConsistentRead…)."""
        for start in range(0, len(keys), GET_BATCH):
            request = {self._table: {"Keys": keys[start : start + GET_BATCH], **options}}
            for answer in self._until_processed(self._client.batch_get_item, request, "UnprocessedKeys", action):
                yield from answer.get("Responses", {}).get(self._table, [])

    def put(self, items: list[Item], action: str) -> None:
        self._write([{"PutRequest": {"Item": item}} for item in items], action)

    def delete(self, keys: list[Item], action: str) -> None:
        self._write([{"DeleteRequest": {"Key": key}} for key in keys], action)

    def _write(self, requests: list[Item], action: str) -> None:
        for start in range(0, len(requests), WRITE_BATCH):
            request = {self._table: requests[start : start + WRITE_BATCH]}
            for _ in self._until_processed(self._client.batch_write_item, request, "UnprocessedItems", action):
                pass

    def _until_processed(self, call: Callable[..., Any], request: Any, leftovers: str, action: str) -> Iterator[Any]:
        for attempt in range(_ATTEMPTS):
            try:
                answer = call(RequestItems=request)
            except AWS_ERRORS as error:
                raise store_error(error, action) from error
            yield answer
            request = answer.get(leftovers) or {}
            if not request:
                return
            self._sleep(min(0.05 * 2**attempt, 5.0))
        raise Throttled(f"{action}: left unprocessed after retries")
