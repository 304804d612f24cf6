"""Enterprises, subscribers, tenders and matches for the alerts tests, and a moto world that holds them."""

from __future__ import annotations

import email
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email import policy
from email.message import Message
from typing import Any

from esja.alerts.service import AlertService
from esja.bootstrap import build_alert_service
from esja.config import Settings
from esja.model import (
    Buyer,
    Category,
    Classification,
    Consent,
    Enterprise,
    Frequency,
    Language,
    Match,
    Money,
    Profile,
    Reason,
    RegionEvidence,
    Regions,
    Scope,
    Status,
    Subscriber,
    Tender,
    Text,
)
from esja.store.matches import alert_item
from esja.store.subscriptions import SubscriptionStore
from local.outbox import SentEmail, sent_emails
from local.runtime import LocalAws
from tests.moto_tables import LOCAL_KEYS, MotoTables

SEND = "SendAlertsFunction"
WEB = "WebFunction"
BASE_URL = "https://esja.example.org"
KEY = "test-signing-key-not-a-secret"
NOW = datetime.now(UTC).replace(microsecond=0)
CONSENT = Consent(datetime(2026, 2, 3, 9, 15, tzinfo=UTC), "formulaire web ESJA", "consentement-2026-01")
QUIET = {"POWERTOOLS_LOG_LEVEL": "CRITICAL", "POWERTOOLS_METRICS_DISABLED": "true"}
ENV = {"PUBLIC_BASE_URL": BASE_URL, "SIGNING_KEYS": KEY, "SES_MAX_SEND_RATE": "1000", **QUIET}


def tender(native_id: str, title: str = "Entretien ménager des édifices municipaux", **changes: Any) -> Tender:
    closing = changes.pop("closing_in", timedelta(days=10))
    base = Tender(
        source="seao",
        native_id=native_id,
        revision="20261116150000",
        title=Text(title),
        status=Status.OPEN,
        buyer=Buyer(Text("Ville de Rimouski")),
        classifications=(Classification("UNSPSC", "76111500", Text("Services de nettoyage", "Cleaning services")),),
        category=Category.SERVICES,
        closing_at=NOW + closing,
        url=f"https://seao.ca/avis/{native_id}",
        value=Money(Decimal("45990")),
        regions=Regions(Scope.REGIONS, (RegionEvidence("01", "buyer postal code G5L 4X2", 0.9),)),
    )
    return replace(base, **changes)


def subscriber(address: str, language: Language = "fr", frequency: Frequency = "daily") -> Subscriber:
    return Subscriber(email=address, name="Julie Pelletier", language=language, frequency=frequency, consent=CONSENT)


def enterprise(enterprise_id: str, *subscribers: Subscriber, name: str = "") -> Enterprise:
    return Enterprise(enterprise_id, name or f"Coop {enterprise_id}", legal_form="coop", subscribers=subscribers)


def profile(enterprise_id: str, profile_id: str = "menage", name: str = "Entretien ménager") -> Profile:
    return Profile(enterprise_id, profile_id, name, unspsc=("7611",))


REASONS = (
    Reason("unspsc", "code UNSPSC 76111500 (Services de nettoyage)", "UNSPSC code 76111500 (Cleaning services)"),
    Reason("region", "région 01 Bas-Saint-Laurent", "region 01 Bas-Saint-Laurent"),
)


class AlertWorld(MotoTables):
    """The tables of template.yaml on moto, with what the alerts read, and the functions that send them."""

    def __init__(self, aws: LocalAws) -> None:
        super().__init__(aws)
        self.subscriptions = SubscriptionStore(self.names["SubscriptionsTable"], self.dynamodb)
        self.sender = aws.environment(SEND)["SENDER_EMAIL"]
        aws.client("sesv2").create_email_identity(EmailIdentity=self.sender)

    def add(self, enterprises: Sequence[Enterprise], profiles: Sequence[Profile] = ()) -> None:
        self.enterprises.save(enterprises, profiles or [profile(e.id) for e in enterprises])

    def publish(self, *tenders: Tender) -> None:
        for item in tenders:
            self.store_tender(item, NOW)

    def match(self, enterprise_id: str, item: Tender, profile_ids: Sequence[str] = ("menage",)) -> None:
        self.publish(item)
        found = Match(enterprise_id, profile_ids[0], item.key, 2.0, REASONS)
        self.matches.record_match(found, profile_ids, item.content_hash(), NOW)

    def change(self, enterprise_id: str, item: Tender, change: str) -> None:
        self.publish(item)
        self.matches.record_update(enterprise_id, item.key, change, item.content_hash(), NOW)

    def run(self, frequency: str = "daily", scheduled_time: str | None = "2026-11-20T12:00:00Z", **env: str) -> Any:
        event = {"frequency": frequency} | ({"scheduled_time": scheduled_time} if scheduled_time else {})
        return self.aws.invoke(SEND, event, ENV | env)

    def service(self, sesv2: Any = None, **settings: Any) -> AlertService:
        """The use case wired as the function wires it, on clients the test can watch."""
        env = self.aws.environment(SEND, **ENV)
        return build_alert_service(
            Settings.from_env(env, **settings), dynamodb=self.aws.client("dynamodb"), sesv2=sesv2 or self.ses()
        )

    def ses(self) -> Any:
        return self.aws.client("sesv2")

    def state(self, address: str) -> Any:
        return self.subscriptions.state(LOCAL_KEYS(address))

    def pending_for(self, address: str) -> set[str]:
        """Tender keys of the open matches not yet told to this address."""
        sid = self.state(address).subscriber_id
        enterprises = {e.id for e in self.enterprises.load()[0] if address in (s.email for s in e.subscribers)}
        items = [alert_item(raw) for raw in self._scan()]
        return {
            i.tender_key
            for i in items
            if i.is_match and i.is_open and i.enterprise_id in enterprises and sid not in i.sent_to
        }

    def _scan(self) -> Iterator[dict[str, Any]]:
        client = self.aws.client("dynamodb")
        table = self.aws.resources.names["MatchesTable"]
        for page in client.get_paginator("scan").paginate(TableName=table):
            yield from page["Items"]


def emails_to(address: str) -> list[SentEmail]:
    return [sent for sent in sent_emails() if sent.to and sent.to[0] == address]


def subject(sent: SentEmail) -> str:
    """Decoded as mail clients do (RFC 2047: the space after an encoded word is kept)."""
    return str(policy.default.header_fetch_parse("Subject", sent.message["Subject"]))


def outgoing(client: Any) -> list[Message]:
    """What the mailer hands SES, read on the request itself."""
    sent: list[Message] = []

    def capture(params: dict[str, Any], **_: Any) -> None:
        sent.append(email.message_from_bytes(params["Content"]["Raw"]["Data"]))

    client.meta.events.register("provide-client-params.sesv2.SendEmail", capture)
    return sent
