"""AWS throttling during a poll: nothing is lost, and the next run catches up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from esja.bootstrap import build_poll_service
from esja.config import Settings
from esja.sources.catalogue import FeedConfig
from esja.sources.http import HttpFetcher
from esja.store.feeds import FeedStateStore
from local.feed_server import FeedServer, Route
from local.runtime import LocalAws
from tests.feed_builders import canadabuys_csv, canadabuys_row

NO_RETRIES = Config(retries={"mode": "standard", "max_attempts": 1})


def throttle(client: Any, operation: str, times: int) -> None:
    """Make the next `times` calls of an operation fail as a throttled DynamoDB does."""
    remaining = [times]

    def answer(**_: Any) -> None:
        if remaining[0] > 0:
            remaining[0] -= 1
            response: Any = {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "Rate exceeded"}}
            raise ClientError(response, operation)

    client.meta.events.register(f"before-call.dynamodb.{operation}", answer)


def test_throttled_writes_leave_the_cursor_and_the_next_run_catches_up(aws: LocalAws, publisher: FeedServer) -> None:
    publisher.routes["/new.csv"] = Route(canadabuys_csv(canadabuys_row("cb-1-000001"), canadabuys_row("cb-1-000002")))
    feed = FeedConfig("canadabuys-new", "canadabuys", publisher.url("/new.csv"))
    settings = Settings.from_env(aws.environment("PollTendersFunction"))
    dynamodb = aws.session.client("dynamodb", config=NO_RETRIES)
    sqs = aws.session.client("sqs")
    service = build_poll_service(settings, dynamodb=dynamodb, sqs=sqs, fetcher=HttpFetcher(retries=0))
    throttle(dynamodb, "BatchWriteItem", times=1)

    failed = service.poll(feed)

    assert not failed.ok and "ProvisionedThroughputExceededException" in str(failed.files[0].error)
    cursor = FeedStateStore(settings.feeds_table, aws.client("dynamodb"))
    state = cursor.load("canadabuys-new")
    assert state.etag is None and state.last_error  # the file will be fetched again in full

    caught_up = service.poll(feed)

    assert caught_up.ok and caught_up.totals["new"] == 2
    assert (
        aws.client("dynamodb")
        .get_item(TableName=settings.tenders_table, Key={"tender_key": {"S": "canadabuys:cb-1-000002"}})
        .get("Item")
    )
    state = cursor.load("canadabuys-new")
    assert state.etag and state.last_success_at and state.last_error_at  # the last error is kept, and past:
    assert datetime.fromisoformat(state.last_success_at) > datetime.fromisoformat(state.last_error_at)
