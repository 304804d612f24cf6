"""The poll handler against a local publisher and moto: faults upstream lose nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from esja.sources.catalogue import SEAO_DATASET_ID
from esja.store.feeds import FeedStateStore
from local.feed_server import CKAN_PATH, FeedServer, Route, ckan_package_show
from local.runtime import LocalAws
from tests.feed_builders import canadabuys_csv, canadabuys_row, seao_package, seao_release

POLL = "PollTendersFunction"
QUIET = {
    "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "HTTP_TIMEOUT_SECONDS": "1",
    "HTTP_RETRIES": "0",
}
WEEK = "/seao/hebdo_20261116_20261122.json"


def poll_seao(aws: LocalAws, publisher: FeedServer, **env: str) -> dict[str, Any]:
    feeds = {"seao": {"format": "seao", "url": publisher.url(f"{CKAN_PATH}?id={SEAO_DATASET_ID}")}}
    report: dict[str, Any] = aws.invoke(POLL, {"source": "seao"}, {"FEEDS": json.dumps(feeds), **QUIET, **env})
    return report


def poll_csv(aws: LocalAws, publisher: FeedServer) -> dict[str, Any]:
    event = {"source": "canadabuys-new", "format": "canadabuys", "url": publisher.url("/new.csv")}
    report: dict[str, Any] = aws.invoke(POLL, event, QUIET)
    return report


def serve_seao(publisher: FeedServer, files: dict[str, Route]) -> None:
    publisher.routes[CKAN_PATH] = Route(ckan_package_show(publisher.base_url, sorted(files)))
    publisher.routes.update(files)


def stored(aws: LocalAws, key: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = (
        aws.client("dynamodb")
        .get_item(TableName=aws.resources.names["TendersTable"], Key={"tender_key": {"S": key}})
        .get("Item")
    )
    return item


def cursor(aws: LocalAws, feed: str = "seao") -> list[str]:
    return FeedStateStore(aws.resources.names["FeedsTable"], aws.client("dynamodb")).load(feed).processed


def queued(aws: LocalAws) -> list[dict[str, str]]:
    sqs = aws.client("sqs")
    url = aws.resources.queue_urls["MatchQueue"]
    bodies = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        bodies += [json.loads(m["Body"]) for m in messages]
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in messages]
        )
    return bodies


GOOD_WEEK = seao_package(
    seao_release("ocds-ec9k95-1", "20261116150000"),
    seao_release("ocds-ec9k95-2", "20261117150000", "Déneigement des stationnements"),
)


def test_new_open_tenders_are_stored_and_announced_for_matching(aws: LocalAws, publisher: FeedServer) -> None:
    serve_seao(publisher, {WEEK: Route(GOOD_WEEK)})

    report = poll_seao(aws, publisher)

    assert report["ok"] and report["new"] == 2
    assert stored(aws, "seao:ocds-ec9k95-1") is not None
    assert {m["tender_key"] for m in queued(aws)} == {"seao:ocds-ec9k95-1", "seao:ocds-ec9k95-2"}
    assert cursor(aws) == ["hebdo_20261116_20261122.json"]


def test_unchanged_repoll_writes_nothing_and_announces_nothing(aws: LocalAws, publisher: FeedServer) -> None:
    serve_seao(publisher, {WEEK: Route(GOOD_WEEK)})
    poll_seao(aws, publisher)
    before = stored(aws, "seao:ocds-ec9k95-1")
    queued(aws)
    publisher.routes[WEEK].hits = 0

    # The file is already in the cursor: the listing is read, the file is not even fetched again.
    again = poll_seao(aws, publisher)

    assert again["ok"] and again["new"] == again["changed"] == again["announced"] == 0
    assert publisher.routes[WEEK].hits == 0
    assert stored(aws, "seao:ocds-ec9k95-1") == before
    assert queued(aws) == []


@pytest.mark.parametrize(
    "route",
    [
        Route(b"Service Unavailable", status=503),
        Route(b"Not Found", status=404),
        Route(GOOD_WEEK, delay=2.5),
        Route(GOOD_WEEK, truncate_to=len(GOOD_WEEK) // 2),
        Route(b'{"uri": "x", "releases": [{"ocid": '),
        Route(b""),
    ],
    ids=["feed-down", "http-error", "too-slow", "truncated", "malformed", "empty"],
)
def test_unreadable_file_changes_nothing_and_is_retried_next_run(
    aws: LocalAws, publisher: FeedServer, route: Route
) -> None:
    serve_seao(publisher, {WEEK: route})

    report = poll_seao(aws, publisher)

    assert not report["ok"]
    assert report["files"][-1]["outcome"] == "failed" and report["files"][-1]["error"]
    assert stored(aws, "seao:ocds-ec9k95-1") is None
    assert cursor(aws) == []

    publisher.routes[WEEK] = Route(GOOD_WEEK)
    retried = poll_seao(aws, publisher)
    assert retried["ok"] and retried["new"] == 2
    assert cursor(aws) == ["hebdo_20261116_20261122.json"]


def test_listing_down_changes_nothing(aws: LocalAws, publisher: FeedServer) -> None:
    publisher.routes[CKAN_PATH] = Route(b"<html>Maintenance</html>", status=502)

    report = poll_seao(aws, publisher)

    assert not report["ok"] and "502" in report["files"][0]["error"]
    assert cursor(aws) == []


def test_bad_record_is_counted_and_does_not_sink_the_good_ones(aws: LocalAws, publisher: FeedServer) -> None:
    drifted = seao_release("ocds-ec9k95-3", "20261118150000")
    drifted["tender"] = "schema drift: tender is a string"
    serve_seao(publisher, {WEEK: Route(seao_package(seao_release("ocds-ec9k95-1", "20261116150000"), drifted))})

    report = poll_seao(aws, publisher)

    assert report["ok"] and report["rejected"] == 1 and report["new"] == 1
    assert cursor(aws) == ["hebdo_20261116_20261122.json"]


def test_addendum_in_a_later_week_is_stored_counted_and_announced(aws: LocalAws, publisher: FeedServer) -> None:
    serve_seao(publisher, {WEEK: Route(GOOD_WEEK)})
    poll_seao(aws, publisher)
    queued(aws)
    addendum = seao_release("ocds-ec9k95-1", "20261124150000", "Entretien ménager — addenda 1", tag="tenderUpdate")
    serve_seao(publisher, {WEEK: Route(GOOD_WEEK), "/seao/hebdo_20261123_20261129.json": Route(seao_package(addendum))})

    report = poll_seao(aws, publisher)

    item = stored(aws, "seao:ocds-ec9k95-1")
    assert report["changed"] == 1 and item is not None
    assert item["change_count"]["N"] == "1" and item["amended"]["BOOL"] is True
    assert [m["change"] for m in queued(aws)] == ["amended"]


def test_cancellation_is_stored_and_announced(aws: LocalAws, publisher: FeedServer) -> None:
    serve_seao(publisher, {WEEK: Route(GOOD_WEEK)})
    poll_seao(aws, publisher)
    queued(aws)
    cancelled = seao_release("ocds-ec9k95-2", "20261124150000", tag="tenderCancellation", status="cancelled")
    serve_seao(
        publisher, {WEEK: Route(GOOD_WEEK), "/seao/hebdo_20261123_20261129.json": Route(seao_package(cancelled))}
    )

    poll_seao(aws, publisher)

    item = stored(aws, "seao:ocds-ec9k95-2")
    assert item is not None and item["status"]["S"] == "cancelled"
    assert queued(aws) == [
        {
            "tender_key": "seao:ocds-ec9k95-2",
            "change": "cancelled",
            "status": "cancelled",
            "revision": "20261124150000",
            "content_hash": item["content_hash"]["S"],
        }
    ]


def test_older_release_in_a_late_file_never_overwrites_the_newer_one(aws: LocalAws, publisher: FeedServer) -> None:
    newer = seao_release("ocds-ec9k95-1", "20261124150000", "Titre corrigé", tag="tenderUpdate")
    serve_seao(publisher, {"/seao/hebdo_20261123_20261129.json": Route(seao_package(newer))})
    poll_seao(aws, publisher, SEAO_BACKFILL_WEEKS="4")
    # A week published late (or re-published) holds the original notice.
    serve_seao(
        publisher,
        {"/seao/hebdo_20261123_20261129.json": Route(seao_package(newer)), WEEK: Route(GOOD_WEEK)},
    )

    report = poll_seao(aws, publisher)

    assert report["skipped"] == 1
    item = stored(aws, "seao:ocds-ec9k95-1")
    assert item is not None and json.loads(item["tender"]["S"])["title"]["fr"] == "Titre corrigé"


def test_duplicate_releases_in_one_file_keep_the_latest(aws: LocalAws, publisher: FeedServer) -> None:
    first = seao_release("ocds-ec9k95-1", "20261116150000", "Première version")
    latest = seao_release("ocds-ec9k95-1", "20261118150000", "Version finale", tag="tenderUpdate")
    serve_seao(publisher, {WEEK: Route(seao_package(latest, first))})

    report = poll_seao(aws, publisher)

    item = stored(aws, "seao:ocds-ec9k95-1")
    assert report["new"] == 1 and item is not None
    assert json.loads(item["tender"]["S"])["title"]["fr"] == "Version finale"


def test_canadabuys_unchanged_file_is_not_downloaded_again(aws: LocalAws, publisher: FeedServer) -> None:
    publisher.routes["/new.csv"] = Route(
        canadabuys_csv(
            canadabuys_row("cb-1-000001"), canadabuys_row("cb-1-000001", "001", "Janitorial services (amended)")
        ),
        content_type="text/csv",
    )
    first = poll_csv(aws, publisher)

    second = poll_csv(aws, publisher)

    assert first["new"] == 1 and first["records"] == 2
    assert second["files"][0]["outcome"] == "not-modified" and second["tenders"] == 0
    item = stored(aws, "canadabuys:cb-1-000001")
    assert item is not None and json.loads(item["tender"]["S"])["amendment_number"] == 1
