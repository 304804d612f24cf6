"""`make demo`: the whole pipeline on embedded moto with the bundled sample feeds; outputs in out/.

The sample publishers are served from 127.0.0.1 with their dates moved to the current week, so the
demo shows open tenders whatever day it runs. Every step calls the real Lambda handlers in-process.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from esja.cli import format_report_table
from esja.cli import main as cli
from esja.sources.catalogue import SEAO_DATASET_ID
from local.feed_server import CKAN_PATH, FeedServer, sample_routes
from local.runtime import ROOT, LocalAws, environment, local_aws

OUT = ROOT / "out"
TORONTO = ZoneInfo("America/Toronto")
POLL = "PollTendersFunction"
MATCH = "MatchTendersFunction"
ENTERPRISES = ROOT / "examples" / "enterprises.csv"
# Quiet handlers: the demo prints its own summary; errors still show.
QUIET = {"POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true"}


def feed_events(server: FeedServer) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The FEEDS setting pointing the built-in feeds at the local publishers, and one schedule event each
    (plus a generic OCDS publisher added by configuration only: format and URL in its event)."""
    feeds = {
        "seao": {"format": "seao", "url": server.url(f"{CKAN_PATH}?id={SEAO_DATASET_ID}")},
        "canadabuys-new": {
            "format": "canadabuys",
            "url": server.url("/canadabuys/newTenderNotice-nouvelAvisAppelOffres.csv"),
        },
        "canadabuys-open": {
            "format": "canadabuys",
            "url": server.url("/canadabuys/openTenderNotice-ouvertAvisAppelOffres.csv"),
        },
    }
    events = [{"source": name} for name in feeds]
    events.append({"source": "ville-rimouski", "format": "ocds", "url": server.url("/ocds/releases.json")})
    return {"FEEDS": json.dumps(feeds), "SEAO_BACKFILL_WEEKS": "8", **QUIET}, events


def poll_all(aws: LocalAws, env: dict[str, str], events: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [aws.invoke(POLL, event, env) for event in events]


def stored_tenders(aws: LocalAws) -> list[dict[str, Any]]:
    dynamodb = aws.client("dynamodb")
    items: list[dict[str, Any]] = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=aws.resources.names["TendersTable"]):
        items.extend(page["Items"])
    return sorted((json.loads(item["tender"]["S"]) for item in items), key=lambda t: t["key"])


def queued_messages(aws: LocalAws) -> int:
    attributes = aws.client("sqs").get_queue_attributes(
        QueueUrl=aws.resources.queue_urls["MatchQueue"], AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def stored_matches(aws: LocalAws) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in aws.client("dynamodb").get_paginator("scan").paginate(TableName=aws.resources.names["MatchesTable"]):
        items.extend(page["Items"])
    found = [
        {**json.loads(item["match"]["S"]), "profile_ids": [p["S"] for p in item["profile_ids"]["L"]]}
        for item in items
        if item["kind"]["S"] == "match"
    ]
    return sorted(found, key=lambda m: (m["enterprise_id"], -m["score"], m["tender_key"]))


def print_matches(matches: list[dict[str, Any]], tenders: dict[str, dict[str, Any]]) -> None:
    """Per enterprise, the tenders it will hear about and why (in French, as the alerts will say)."""
    enterprise = None
    for match in matches:
        if match["enterprise_id"] != enterprise:
            enterprise = match["enterprise_id"]
            print(f"■ {enterprise}")
        tender = tenders[match["tender_key"]]
        title = tender["title"]["fr"] or tender["title"]["en"]
        found = tender.get("regions") or {"scope": "unknown", "evidence": []}
        regions = ", ".join(e["code"] for e in found["evidence"]) or found["scope"]
        print(f"   {match['score']:.2f}  {title[:70]}  [{match['tender_key']}; régions {regions}]")
        for reason in match["reasons"]:
            print(f"          – {reason['fr']}")
    print()


def main() -> int:
    OUT.mkdir(exist_ok=True)
    with FeedServer() as server, local_aws() as aws:
        server.routes.update(sample_routes(server.base_url, datetime.now(TORONTO).date()))
        env, events = feed_events(server)

        print("== 1. Poll every feed (SEAO via its CKAN listing, CanadaBuys CSVs, a generic OCDS feed)")
        first = poll_all(aws, env, events)
        print(format_report_table(first))

        print("== 2. Poll again: nothing changed upstream, so nothing is written or announced")
        second = poll_all(aws, env, events)
        print(format_report_table(second))

        print("== 3. Organizers load the enterprises' profiles (esja enterprises import examples/enterprises.csv)")
        with environment(aws.environment(MATCH)):
            if cli(["enterprises", "import", str(ENTERPRISES)]) != 0:
                return 1
        print()

        print("== 4. match_tenders consumes the match queue")
        print(f"{queued_messages(aws)} announcements waiting on the match queue")
        handled = aws.deliver_queue(MATCH, "MatchQueue", QUIET)
        matches = stored_matches(aws)
        print(f"{handled} announcements handled, {len(matches)} matches recorded\n")
        print_matches(matches, {t["key"]: t for t in stored_tenders(aws)})

        tenders = stored_tenders(aws)
        (OUT / "tenders.jsonl").write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tenders))
        (OUT / "poll-reports.json").write_text(json.dumps({"first": first, "second": second}, indent=2))
        (OUT / "matches.jsonl").write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in matches))
        statuses = Counter(t["status"] for t in tenders)
        sources = Counter(t["source"] for t in tenders)
        print(f"Tenders stored: {len(tenders)} — by source {dict(sources)} — by status {dict(statuses)}")
        print(f"Outputs: {OUT / 'tenders.jsonl'}, {OUT / 'matches.jsonl'}, {OUT / 'poll-reports.json'}")
        if not all(r["ok"] for r in first + second) or sum(r["new"] + r["changed"] for r in second):
            print("demo: a poll failed or a re-poll wrote again", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
