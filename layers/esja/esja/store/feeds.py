"""The Feeds table: each feed's cursor (files read, ETag / Last-Modified) and its last outcome."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

from esja.ingest.feed_state import FeedState
from esja.store.errors import AWS_ERRORS, store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class FeedStateStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def load(self, feed: str) -> FeedState:
        try:
            answer = self._client.get_item(TableName=self._table, Key={"feed": {"S": feed}}, ConsistentRead=True)
        except AWS_ERRORS as error:
            raise store_error(error, "reading the feed cursor") from error
        item = answer.get("Item")
        return _state(item) if item else FeedState(feed)

    def all(self) -> list[FeedState]:
        """Every feed polled at least once (a handful of items)."""
        try:
            pages = self._client.get_paginator("scan").paginate(TableName=self._table)
            return [_state(item) for page in pages for item in page.get("Items", [])]
        except AWS_ERRORS as error:
            raise store_error(error, "reading the feeds") from error

    def save(self, state: FeedState) -> None:
        data = asdict(state)
        data["since"] = state.since.isoformat() if state.since else None
        item = {"feed": {"S": state.feed}, "state": {"S": json.dumps(data, ensure_ascii=False)}}
        if state.last_success_at:
            item["last_success_at"] = {"S": state.last_success_at}
        try:
            self._client.put_item(TableName=self._table, Item=item)
        except AWS_ERRORS as error:
            raise store_error(error, "saving the feed cursor") from error


def _state(item: dict[str, Any]) -> FeedState:
    data: dict[str, Any] = json.loads(item["state"]["S"])
    since = data.pop("since", None)
    return FeedState(**data, since=date.fromisoformat(since) if since else None)
