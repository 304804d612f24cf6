"""The poll against publishers that drift from the schema (tests/samples/drift) and moto: repairs are
counted per field in the report and the Feeds table, and records that only link to their releases
have them fetched, a bounded number a run, the rest on the next runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from esja.sources.catalogue import SEAO_DATASET_ID
from esja.store.feeds import FeedState, FeedStateStore
from local.feed_server import CKAN_PATH, FeedServer, Route, ckan_package_show
from local.runtime import LocalAws

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "drift"
POLL = "PollTendersFunction"
QUIET = {"POWERTOOLS_LOG_LEVEL": "CRITICAL", "POWERTOOLS_METRICS_DISABLED": "true", "HTTP_RETRIES": "0"}
PUBLISHER = "https://tenders.example.org"
RECORDS = "/ocds/records/2026-09-18.json"


def feed_state(aws: LocalAws, feed: str) -> FeedState:
    return FeedStateStore(aws.resources.names["FeedsTable"], aws.client("dynamodb")).load(feed)


def stored(aws: LocalAws, key: str) -> dict[str, Any] | None:
    item = aws.client("dynamodb").get_item(
        TableName=aws.resources.names["TendersTable"], Key={"tender_key": {"S": key}}
    )
    if "Item" not in item:
        return None
    tender: dict[str, Any] = json.loads(item["Item"]["tender"]["S"])
    return tender


def serve_linked(publisher: FeedServer) -> None:
    """The record package and its linked releases, at the local publisher's address."""
    for path in [SAMPLES / "linked_records.json", *sorted((SAMPLES / "linked").glob("*.json"))]:
        route = RECORDS if path.name == "linked_records.json" else f"/ocds/releases/{path.name}"
        body = path.read_bytes().replace(PUBLISHER.encode(), publisher.base_url.encode())
        publisher.routes[route] = Route(body)


def poll_linked(aws: LocalAws, publisher: FeedServer, **env: str) -> dict[str, Any]:
    event = {"source": "state-purchasing", "format": "ocds", "url": publisher.url(RECORDS)}
    report: dict[str, Any] = aws.invoke(POLL, event, {**QUIET, **env})
    return report


def test_seao_week_with_drifted_fields_stores_every_notice_and_records_what_was_repaired(
    aws: LocalAws, publisher: FeedServer
) -> None:
    week = "hebdo_20260914_20260920.json"
    publisher.routes[CKAN_PATH] = Route(ckan_package_show(publisher.base_url, [f"/seao/{week}"]))
    publisher.routes[f"/seao/{week}"] = Route((SAMPLES / "seao_drift.json").read_bytes())
    feeds = {"seao": {"format": "seao", "url": publisher.url(f"{CKAN_PATH}?id={SEAO_DATASET_ID}")}}

    report = aws.invoke(POLL, {"source": "seao"}, {"FEEDS": json.dumps(feeds), "SEAO_BACKFILL_WEEKS": "520", **QUIET})

    assert report["ok"] and (report["new"], report["rejected"], report["repaired"]) == (4, 0, 6)
    (file,) = report["files"]
    assert file["repairs"]["tender.value.amount (empty: no value)"] == {
        "count": 1,
        "records": ["releases[0] ocds-ec9k95-99000001"],
    }
    state = feed_state(aws, "seao")
    assert state.last_repairs["tender.tenderPeriod.endDate (unreadable date: unknown)"] == {
        "count": 1,
        "records": [f"{week} releases[1] ocds-ec9k95-99000002"],
    }
    assert state.totals["repaired"] == 6 and state.processed == [week]
    undated = stored(aws, "seao:ocds-ec9k95-99000002")
    assert undated is not None and (undated["status"], undated["closing_at"]) == ("unknown", None)


def test_releases_that_are_not_notices_are_counted_apart_from_rejected_ones(
    aws: LocalAws, publisher: FeedServer
) -> None:
    publisher.routes["/ocds/releases.json"] = Route((SAMPLES / "not_notices.json").read_bytes())
    event = {"source": "authority", "format": "ocds", "url": publisher.url("/ocds/releases.json")}

    report = aws.invoke(POLL, event, QUIET)

    assert report["ok"]
    assert (report["records"], report["new"], report["not_notices"], report["rejected"]) == (3, 1, 2, 0)


def test_linked_releases_are_fetched_a_bounded_number_a_run_and_the_rest_next_run(
    aws: LocalAws, publisher: FeedServer
) -> None:
    serve_linked(publisher)

    first = poll_linked(aws, publisher, MAX_LINKED_RELEASES="2")
    second = poll_linked(aws, publisher, MAX_LINKED_RELEASES="2")
    third = poll_linked(aws, publisher, MAX_LINKED_RELEASES="2")

    assert first["ok"] and (first["linked"], first["new"], first["files"][0]["linked_left"]) == (2, 1, 1)
    amended = stored(aws, "state-purchasing:ocds-st4t3p-ATM-2026-118")
    assert amended is not None
    assert amended["title"]["en"] == "Bridge inspection services"  # from the first release
    assert amended["closing_at"] == "2026-10-16T14:00:00+10:00"  # moved by the amendment, the latest
    assert amended["amendment_number"] == 1
    assert second["ok"] and (second["linked"], second["new"], second["files"][0]["linked_left"]) == (1, 1, 0)
    assert stored(aws, "state-purchasing:ocds-st4t3p-ATM-2026-121") is not None
    assert third["files"][0]["outcome"] == "not-modified"  # every record read: the file's ETag is kept
    assert publisher.routes["/ocds/releases/ATM-2026-118-01.json"].hits == 1


def test_a_linked_release_that_cannot_be_fetched_is_retried_next_run_and_nothing_is_lost(
    aws: LocalAws, publisher: FeedServer
) -> None:
    serve_linked(publisher)
    down = publisher.routes["/ocds/releases/ATM-2026-121-01.json"]
    down.status = 503

    failed = poll_linked(aws, publisher)
    down.status = 200
    retried = poll_linked(aws, publisher)

    assert not failed["ok"] and failed["new"] == 1
    assert "records[1] ocds-st4t3p-ATM-2026-121" in failed["files"][0]["error"]
    assert "503" in failed["files"][0]["error"]
    assert retried["ok"] and retried["new"] == 1 and retried["files"][0]["linked_left"] == 0
    assert stored(aws, "state-purchasing:ocds-st4t3p-ATM-2026-121") is not None
    assert feed_state(aws, "state-purchasing").linked_file is None


def test_a_linked_address_that_gives_no_release_costs_only_its_record(aws: LocalAws, publisher: FeedServer) -> None:
    serve_linked(publisher)
    publisher.routes["/ocds/releases/ATM-2026-121-01.json"] = Route(b"<html>Page not found</html>")

    report = poll_linked(aws, publisher)

    assert report["ok"] and (report["new"], report["rejected"]) == (1, 1)
    assert report["files"][0]["linked_left"] == 0


def test_only_web_addresses_are_followed(aws: LocalAws, publisher: FeedServer) -> None:
    serve_linked(publisher)
    package = json.loads(publisher.routes[RECORDS].body)  # type: ignore[arg-type]
    package["records"][1]["releases"][0]["url"] = "file:///etc/passwd"
    publisher.routes[RECORDS] = Route(json.dumps(package).encode())

    report = poll_linked(aws, publisher)

    assert report["ok"] and (report["new"], report["rejected"], report["linked"]) == (1, 1, 2)
