"""The poll handler invoked with the very events its schedules send (events/*.json)."""

from __future__ import annotations

import json
from pathlib import Path

from local.feed_server import FeedServer, Route
from local.runtime import ROOT, LocalAws
from tests.feed_builders import canadabuys_csv, canadabuys_row

EVENTS = ROOT / "events"
QUIET = {"POWERTOOLS_LOG_LEVEL": "CRITICAL", "POWERTOOLS_METRICS_DISABLED": "true", "HTTP_RETRIES": "0"}


def event(name: str) -> dict[str, str]:
    return json.loads(Path(EVENTS / name).read_text())  # type: ignore[no-any-return]


def test_scheduled_canadabuys_event_polls_the_configured_feed(aws: LocalAws, publisher: FeedServer) -> None:
    publisher.routes["/new.csv"] = Route(canadabuys_csv(canadabuys_row("cb-1-000001")))
    feeds = {"canadabuys-new": {"url": publisher.url("/new.csv")}}

    report = aws.invoke("PollTendersFunction", event("poll_canadabuys_new.json"), {"FEEDS": json.dumps(feeds), **QUIET})

    assert report["feed"] == "canadabuys-new" and report["ok"] and report["new"] == 1


def test_any_ocds_publisher_is_added_by_its_event_alone(aws: LocalAws, publisher: FeedServer) -> None:
    ocds = event("poll_ocds.json")
    package = {
        "uri": "https://example.org/ocds/releases.json",
        "version": "1.1",
        "releases": [
            {
                "ocid": "ocds-abc123-0001",
                "id": "0001-tender",
                "date": "2026-11-20T10:00:00-05:00",
                "tag": "tender",
                "tender": {"id": "0001", "title": "Entretien de sentiers", "status": "active"},
            }
        ],
    }
    publisher.routes["/ocds/releases.json"] = Route(json.dumps(package).encode())
    ocds["url"] = publisher.url("/ocds/releases.json")

    report = aws.invoke("PollTendersFunction", ocds, QUIET)

    assert report["ok"] and report["new"] == 1
    item = aws.client("dynamodb").get_item(
        TableName=aws.resources.names["TendersTable"], Key={"tender_key": {"S": f"{ocds['source']}:ocds-abc123-0001"}}
    )
    assert "Item" in item
