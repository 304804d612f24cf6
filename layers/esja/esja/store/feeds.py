"""The Feeds table: each feed's cursor (files read, ETag / Last-Modified) and its last outcome."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from esja.store.errors import store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_KEEP_PROCESSED = 400  # SEAO publishes 52 weekly + 12 monthly files a year


@dataclass(slots=True)
class FeedState:
    feed: str
    processed: list[str] = field(default_factory=list)  # SEAO file names already read
    since: date | None = None  # SEAO: files ending on or before this day are history, never read
    etag: str | None = None
    last_modified: str | None = None
    last_success_at: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    last_counts: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    # The last poll's repairs: « field (how) » → the records repaired that way (« file record »);
    # the first few are named, all are counted.
    last_repairs: dict[str, dict[str, object]] = field(default_factory=dict)
    # A file whose records only link to their releases, read over several runs: which version
    # (a hash of its bytes) and the first record still to read.
    linked_file: str | None = None
    linked_next: int = 0

    def mark_processed(self, name: str) -> None:
        if name not in self.processed:
            self.processed = [*self.processed, name][-_KEEP_PROCESSED:]

    def add_counts(self, counts: dict[str, int]) -> None:
        for name, value in counts.items():
            self.totals[name] = self.totals.get(name, 0) + value


class FeedStateStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def load(self, feed: str) -> FeedState:
        try:
            answer = self._client.get_item(TableName=self._table, Key={"feed": {"S": feed}}, ConsistentRead=True)
        except ClientError as error:
            raise store_error(error, "reading the feed cursor") from error
        item = answer.get("Item")
        if not item:
            return FeedState(feed)
        data: dict[str, Any] = json.loads(item["state"]["S"])
        since = data.pop("since", None)
        return FeedState(**data, since=date.fromisoformat(since) if since else None)

    def save(self, state: FeedState) -> None:
        data = asdict(state)
        data["since"] = state.since.isoformat() if state.since else None
        item = {"feed": {"S": state.feed}, "state": {"S": json.dumps(data, ensure_ascii=False)}}
        if state.last_success_at:
            item["last_success_at"] = {"S": state.last_success_at}
        try:
            self._client.put_item(TableName=self._table, Item=item)
        except ClientError as error:
            raise store_error(error, "saving the feed cursor") from error
