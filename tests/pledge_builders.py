"""Pledge forms as a browser sends them, and a client for the web function through its real handler."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from esja.pledges.bot_defences import TimeTrap
from esja.tokens import SigningKeys
from local.http_adapter import to_event
from local.outbox import SentEmail
from local.runtime import LocalAws
from local.serve import web_environment

BASE_URL = "http://127.0.0.1:3000"
HOST = "127.0.0.1:3000"
WEB = "WebFunction"
# The pledge pages: their addresses are in e-mails already sent, so they never change.
PLEDGE_PAGES = (
    "/",
    "/engagement",
    "/engagement/envoye",
    "/engagement/confirmation",
    "/engagement/retrait",
    "/registre",
)

Fields = Mapping[str, str | Sequence[str]]


def aged_form_token(keys: Sequence[str], seconds: float = 10) -> str:
    """A time-trap as if the form had been shown `seconds` ago (people take more than 3 s)."""
    return TimeTrap(SigningKeys.from_list(keys), clock=lambda: datetime.now(UTC) - timedelta(seconds=seconds)).issue()


def pledge_fields(**overrides: str | Sequence[str]) -> dict[str, str | Sequence[str]]:
    fields: dict[str, str | Sequence[str]] = {
        "institution_name": "Ville de Rimouski",
        "institution_type": "municipality",
        "region": "01",
        "signatory_name": "Marie Tremblay",
        "signatory_title": "Directrice de l'approvisionnement",
        "email": "marie.tremblay@ville.rimouski.example.org",
        "phone": "418 555-0123",
        "target_share": "15",
        "categories": ["goods", "services"],
        "declaration": "yes",
        "registry_consent": "yes",
        "website": "",
    }
    fields.update(overrides)
    return fields


def form_body(fields: Fields) -> bytes:
    return urlencode(fields, doseq=True).encode()


def main_of(page: dict[str, Any]) -> str:
    """The page's content as a reader sees its text (entities decoded), from <main> on."""
    body: str = page["body"]
    return html.unescape(body[body.index("<main") :])


def links_in(email: SentEmail) -> dict[str, str]:
    """The confirmation and withdrawal links of a confirmation e-mail, as paths with their query."""
    found = {}
    for url in re.findall(r"https?://\S+", email.part("text/plain")):
        parts = urlsplit(url)
        kind = "confirm" if parts.path.endswith("/confirmation") else "withdraw"
        found[kind] = f"{parts.path}?{parts.query}"
    return found


def event(
    method: str, target: str, body: bytes, headers: Mapping[str, str] | None = None, source_ip: str = "192.0.2.10"
) -> dict[str, Any]:
    """The event API Gateway sends the web function for this request."""
    request = to_event(method, target, {"host": HOST, **(headers or {})}, body, HOST)
    request["requestContext"]["http"]["sourceIp"] = source_ip
    return request


def form_post(fields: Fields, target: str = "/engagement") -> dict[str, Any]:
    """The event of a form posted from our own pages."""
    headers = {"content-type": "application/x-www-form-urlencoded", "origin": BASE_URL}
    return event("POST", target, form_body(fields), headers)


class WebClient:
    """Requests to the web function as API Gateway (HTTP API, payload 2.0) delivers them."""

    def __init__(self, aws: LocalAws) -> None:
        self.aws = aws
        self.env = web_environment(aws, BASE_URL)
        self.keys = tuple(self.env["SIGNING_KEYS"].split(","))

    def get(self, target: str, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
        return self.send("GET", target, b"", headers)

    def post(
        self,
        target: str,
        fields: Fields,
        headers: Mapping[str, str] | None = None,
        *,
        source_ip: str = "192.0.2.10",
    ) -> dict[str, Any]:
        sent = {"content-type": "application/x-www-form-urlencoded", "origin": BASE_URL, **(headers or {})}
        return self.send("POST", target, form_body(fields), sent, source_ip=source_ip)

    def send(
        self,
        method: str,
        target: str,
        body: bytes,
        headers: Mapping[str, str] | None = None,
        *,
        source_ip: str = "192.0.2.10",
    ) -> dict[str, Any]:
        answer: dict[str, Any] = self.aws.invoke(WEB, event(method, target, body, headers, source_ip), self.env)
        return answer

    def submit(
        self, lang: str = "fr", *, source_ip: str = "192.0.2.10", **overrides: str | Sequence[str]
    ) -> dict[str, Any]:
        """Sign the pledge as a person would: a form shown some seconds ago."""
        fields = pledge_fields(**overrides)
        fields.setdefault("form_token", aged_form_token(self.keys))
        return self.post(f"/engagement?lang={lang}", fields, source_ip=source_ip)

    def verify_waiting(self) -> None:
        """Every pledge waiting « to verify », verified as an organizer does in the console (whose own tests are
        tests/integration/test_console_pledge_routes.py): what the public pages show is only what was verified."""
        from esja.pledges.model import BY_ORGANIZER, Verdict, Verification
        from esja.store.pledges import PledgeStore

        store = PledgeStore(self.aws.resources.names["PledgesTable"], self.aws.client("dynamodb"))
        now = datetime.now(UTC)
        for waiting in store.to_verify(now):
            assert store.record_verdict(waiting, Verdict(Verification.VERIFIED, now, "esbsl", BY_ORGANIZER))

    def pledges(self) -> list[dict[str, Any]]:
        """The Pledges table's items, as stored."""
        client = self.aws.client("dynamodb")
        table = self.aws.resources.names["PledgesTable"]
        return [item for page in client.get_paginator("scan").paginate(TableName=table) for item in page["Items"]]
