"""`make demo`: the whole pipeline on embedded moto with the bundled sample feeds; outputs in out/.

The sample publishers are served from 127.0.0.1 with their dates moved to the current week, so the
demo shows open tenders whatever day it runs. Every step calls the real Lambda handlers in-process.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from email import policy
from typing import Any
from urllib.parse import urlencode

from esja.cli import format_report_table
from esja.cli import main as cli
from esja.clock import TIME_ZONE
from esja.sources.catalogue import SEAO_DATASET_ID
from esja.store.pledges import PledgeStore
from local.digest_demo import run_weekly_digest
from local.feed_server import CKAN_PATH, FeedServer, sample_routes
from local.http_adapter import to_event
from local.invitation_demo import post_an_invitation
from local.outbox import write_outbox
from local.runtime import ROOT, LocalAws, environment, local_aws
from local.serve import web_environment

OUT = ROOT / "out"

POLL = "PollTendersFunction"
MATCH = "MatchTendersFunction"
SEND = "SendAlertsFunction"
OUTBOX = OUT / "outbox"
ENTERPRISES = ROOT / "examples" / "enterprises.csv"
WEB, WEB_HOST = "WebFunction", "127.0.0.1:3000"
SIGNATORY = "direction.approvisionnement@ville-rimouski.example.org"
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


def send_alerts(aws: LocalAws) -> list[dict[str, Any]]:
    """Each frequency's run as its schedule starts it, then the daily one replayed (it sends nothing twice);
    every e-mail SES accepted is written under out/outbox/ and listed."""
    # The sender identity, signing key and base URL `make serve` uses, so the links open its pages.
    env = {**web_environment(aws, "http://127.0.0.1:3000"), "SES_MAX_SEND_RATE": "1000", **QUIET}
    reports = [aws.invoke(SEND, {"frequency": f}, env) for f in ("instant", "daily", "weekly", "daily")]
    for report in reports:
        print(
            f"{report['frequency']:<8} {report['period']:<22} sent {report['sent']:>2}, nothing new "
            f"{report['nothing_new']:>2}, other frequency {report['other_frequency']:>2}, "
            f"already sent this period {report['already_sent']:>2}, failed {report['failed']}"
        )
    for stale in [*OUTBOX.glob("*.eml"), *OUTBOX.glob("*.html")]:
        stale.unlink()
    print()
    for email in write_outbox(OUTBOX):
        # moto lists the To header's address again after the envelope's.
        subject = policy.default.header_fetch_parse("Subject", email.message["Subject"])  # RFC 2047, spaces kept
        print(f"  ✉ {email.to[0]} [{email.message['Content-Language']}] {subject}")
    print(f"\nE-mails written to {OUTBOX} (.eml, and .html to open in a browser)")
    return reports


def sign_a_pledge(aws: LocalAws) -> bool:
    """An institution signs through the web function's real handler: the form, the e-mailed link, its
    button, then the registry. True when the pledge is confirmed and waits « to verify », off the registry: its
    address is of no domain listed for the Ville de Rimouski, so an organizer verifies it in the console."""
    env = {**web_environment(aws, f"http://{WEB_HOST}"), **QUIET}

    def call(method: str, target: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
        headers, body = {"host": WEB_HOST}, b""
        if fields is not None:
            headers |= {"content-type": "application/x-www-form-urlencoded", "origin": f"http://{WEB_HOST}"}
            body = urlencode(fields).encode()
        answer: dict[str, Any] = aws.invoke(WEB, to_event(method, target, headers, body, WEB_HOST), env)
        return answer

    form = call("GET", "/engagement")
    time_trap = re.search(r'name="form_token" value="([^"]+)"', form["body"])
    print("GET /engagement → the form; a person takes a few seconds (the form refuses what comes within 3 s)")
    time.sleep(3)
    sent = call(
        "POST",
        "/engagement?lang=fr",
        {
            "institution_name": "Ville de Rimouski",
            "institution_type": "municipality",
            "region": "01",
            "signatory_name": "Geneviève Pelletier",
            "signatory_title": "Directrice de l'approvisionnement",
            "email": SIGNATORY,
            "target_share": "10",
            "categories": "services",
            "declaration": "yes",
            "registry_consent": "yes",
            "form_token": time_trap[1] if time_trap else "",
        },
    )
    print(f"POST /engagement → {sent['statusCode']} {sent['headers'].get('Location', '')} (pending until confirmed)")
    already = set(OUTBOX.glob("*"))
    emails = [e for e in write_outbox(OUTBOX) if SIGNATORY in e.to]
    if not emails:
        return False
    files = ", ".join(str(f.relative_to(ROOT)) for f in sorted(set(OUTBOX.glob("*")) - already))
    print(f"  ✉ {SIGNATORY}: {emails[0].subject}\n    written to {files}")
    link = re.search(rf"http://{re.escape(WEB_HOST)}(/engagement/confirmation\?\S+)", emails[0].part("text/plain"))
    page = call("GET", link[1] if link else "/engagement/confirmation")
    token = re.search(r'name="jeton" value="([^"]+)"', page["body"])
    confirmed = call("POST", "/engagement/confirmation?lang=fr", {"jeton": token[1] if token else ""})
    print(f"GET the e-mailed link → {page['statusCode']} (a page with a button: a GET changes nothing)")
    print(f"POST /engagement/confirmation → {confirmed['statusCode']} (the link is now spent)")
    store = PledgeStore(aws.resources.names["PledgesTable"], aws.client("dynamodb"))
    waiting = [p.details.institution_name for p in store.to_verify(datetime.now(UTC))]
    registry = store.registry(datetime.now(UTC))
    print(f"  to verify: {', '.join(waiting)} (a mailbox is no proof of speaking for the institution)")
    print(f"GET /registre → {call('GET', '/registre')['statusCode']}, {len(registry)} signatories until an organizer")
    print("  verifies it (make serve: /organisation/engagements)")
    return confirmed["statusCode"] == 200 and waiting == ["Ville de Rimouski"] and not registry


def import_enterprises(aws: LocalAws) -> bool:
    """The organizers' spreadsheet of enterprises, loaded as an organizer loads it (`esja enterprises import`,
    audited: the Audit table too)."""
    with environment(aws.environment(MATCH, AUDIT_TABLE=aws.resources.names["AuditTable"])):
        return cli(["enterprises", "import", str(ENTERPRISES)]) == 0


def run_pipeline(aws: LocalAws, server: FeedServer) -> int:
    """Every step of the demo on `aws`, the sample publishers served by `server`; 0 when all went as it should.
    `make demo` runs it; `make serve` too, to build its world (local.world)."""
    OUT.mkdir(exist_ok=True)
    server.routes.update(sample_routes(server.base_url, datetime.now(TIME_ZONE).date()))
    env, events = feed_events(server)

    print("== 1. Poll every feed (SEAO via its CKAN listing, CanadaBuys CSVs, a generic OCDS feed)")
    first = poll_all(aws, env, events)
    print(format_report_table(first))

    print("== 2. Poll again: nothing changed upstream, so nothing is written or announced")
    second = poll_all(aws, env, events)
    print(format_report_table(second))

    print("== 3. Organizers load the enterprises' profiles (esja enterprises import examples/enterprises.csv)")
    if not import_enterprises(aws):
        return 1
    print()

    print("== 4. match_tenders consumes the match queue")
    print(f"{queued_messages(aws)} announcements waiting on the match queue")
    handled = aws.deliver_queue(MATCH, "MatchQueue", QUIET)
    matches = stored_matches(aws)
    print(f"{handled} announcements handled, {len(matches)} matches recorded\n")
    print_matches(matches, {t["key"]: t for t in stored_tenders(aws)})

    print("== 5. send_alerts e-mails each subscriber at their frequency (instant, daily, weekly runs)")
    alerts = send_alerts(aws)
    print()

    print("== 6. An institution signs the Déclaration d'engagement on the web form and confirms by e-mail")
    pledged = sign_a_pledge(aws)
    print()

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
    if any(r["failed"] for r in alerts) or alerts[-1]["sent"]:
        print("demo: an alert failed, or the replayed run sent again", file=sys.stderr)
        return 1
    if not pledged:
        print("demo: the pledge was not confirmed, or went on the registry unverified", file=sys.stderr)
        return 1

    print("\n== 7. The signatory invites enterprises: published at once, matched, e-mailed at once (and as OCDS)")
    if not post_an_invitation(aws, OUT, QUIET, f"http://{WEB_HOST}"):
        print(
            "demo: the invitation did not reach the matched enterprises, its page or the OCDS package", file=sys.stderr
        )
        return 1

    print("\n== 8. weekly_digest: each organizer's digest of the week, e-mailed once and archived")
    if not run_weekly_digest(aws, OUT, QUIET, f"http://{WEB_HOST}"):
        print("demo: a digest was not sent and archived, or the replayed run sent again", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    with FeedServer() as server, local_aws() as aws:
        return run_pipeline(aws, server)


if __name__ == "__main__":
    sys.exit(main())
