"""send_alerts on moto: one e-mail per recipient and run, each match told once, nothing lost on failure."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from email.header import decode_header, make_header
from email.message import Message
from email.utils import parseaddr
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.exceptions import ClientError

from esja.bootstrap import aws_client
from esja.cli import main as cli
from esja.model import Status
from local.outbox import sent_emails
from local.runtime import LocalAws, environment
from tests.alert_builders import (
    ENV,
    NOW,
    SEND,
    AlertWorld,
    emails_to,
    enterprise,
    outgoing,
    profile,
    subject,
    subscriber,
    tender,
)
from tests.moto_tables import LOCAL_KEYS

JULIE = "direction@coop.example.org"
MARC = "ventes@coop.example.org"
ALEX = "partners@voisins.example.org"


@pytest.fixture
def world(aws: LocalAws) -> AlertWorld:
    world = AlertWorld(aws)
    world.add(
        [
            enterprise("coop", subscriber(JULIE), subscriber(MARC, frequency="instant"), name="Coop de propreté"),
            enterprise("voisins", subscriber(ALEX, language="en"), name="Les Voisins"),
        ]
    )
    return world


def fail_sending(client: Any, code: str, *, times: int = 1_000, only_to: str | None = None) -> list[str]:
    """Make SES answer `code` (to everyone, or to one address) `times` times; returns who was refused."""
    refused: list[str] = []

    def fail(params: dict[str, Any], **_: Any) -> None:
        to = params["Destination"]["ToAddresses"][0]
        if len(refused) < times and only_to in (None, to):
            refused.append(to)
            raise ClientError({"Error": {"Code": code, "Message": code}}, "SendEmail")

    client.meta.events.register("provide-client-params.sesv2.SendEmail", fail)
    return refused


def throttle_answers(client: Any, *, times: int) -> list[str]:
    """Make SES's HTTP answer « slow down » `times` times, as it does past the account's rate."""
    refused: list[str] = []

    def answer(request: Any, **_: Any) -> AWSResponse | None:
        if len(refused) == times:
            return None
        refused.append(request.url)
        request.url = "https://throttled.invalid/"  # so that moto, answering after us, does not send it
        body = b'{"message": "Maximum sending rate exceeded."}'
        headers = HTTPHeaders.from_dict({"x-amzn-ErrorType": "TooManyRequestsException"})
        return AWSResponse(request.url, 429, headers, _Raw(body))

    client.meta.events.register_first("before-send.sesv2.SendEmail", answer)
    return refused


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


# --- What a subscriber receives ------------------------------------------------------------------------


def test_a_subscriber_gets_one_email_with_every_pending_tender_soonest_closing_first(world: AlertWorld) -> None:
    world.match("coop", tender("late", "Entretien des parcs", closing_in=timedelta(days=20)))
    world.match("coop", tender("soon", "Lavage de vitres", closing_in=timedelta(days=5)))

    report = world.run("daily")

    assert (report["sent"], report["other_frequency"], report["nothing_new"]) == (1, 1, 1)  # Marc: instant
    [email] = emails_to(JULIE)
    assert subject(email) == "2 nouveaux appels d'offres pour Coop de propreté"
    text = email.part("text/plain")
    assert text.index("Lavage de vitres") < text.index("Entretien des parcs")
    assert world.pending_for(JULIE) == set()
    assert world.pending_for(MARC) == {"seao:late", "seao:soon"}  # his own run will tell him


def one_alert_as_sent(world: AlertWorld) -> Message:
    """The use case wired as the function wires it sends one alert, read on the request to SES."""
    world.match("coop", tender("a"))
    ses = world.ses()
    sent = outgoing(ses)
    world.service(ses).send_alerts("daily")
    [message] = sent
    return message


def test_every_alert_carries_one_click_unsubscribe_headers_on_the_outgoing_request(world: AlertWorld) -> None:
    message = one_alert_as_sent(world)

    unsubscribe = message["List-Unsubscribe"]
    assert re.fullmatch(r"<https://esja\.example\.org/desabonnement/un-clic\?jeton=[\w.\-]+>", unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Content-Language"] == "fr"
    assert "Chantier de l'économie sociale" in str(make_header(decode_header(message["From"])))  # SenderOrganisation
    assert [part.get_content_type() for part in message.walk()][1:] == ["text/plain", "text/html"]


def test_replying_to_an_alert_reaches_the_programmes_contact(world: AlertWorld) -> None:
    message = one_alert_as_sent(world)

    assert message["Reply-To"] == world.aws.environment(SEND)["SENDER_CONTACT_EMAIL"] == "info@esja.example.org"
    assert parseaddr(message["From"])[1] != message["Reply-To"]  # not the unattended sending address


def test_the_readers_language_is_used(world: AlertWorld) -> None:
    world.match("voisins", tender("a"))

    world.run("daily")

    [email] = emails_to(ALEX)
    assert subject(email) == "1 new tender for Les Voisins" and email.message["Content-Language"] == "en"
    assert "Why this notice:" in email.part("text/plain")


def test_an_address_subscribed_by_two_enterprises_gets_one_email_and_each_tender_once(world: AlertWorld) -> None:
    world.add([enterprise("voisins", subscriber(JULIE), name="Les Voisins")])
    world.match("coop", tender("shared"))
    world.match("voisins", tender("shared"))
    world.match("voisins", tender("own", "Vitres"))

    world.run("daily")

    [email] = emails_to(JULIE)
    assert subject(email) == "2 nouveaux appels d'offres pour Coop de propreté et Les Voisins"
    assert email.part("text/plain").count("Entretien ménager des édifices municipaux") == 1


def test_nothing_pending_means_no_email(world: AlertWorld) -> None:
    assert world.run("daily")["sent"] == 0 and sent_emails() == []


def test_amendments_and_cancellations_reach_those_told_before(world: AlertWorld) -> None:
    world.match("coop", tender("a"))
    world.match("coop", tender("b", "Vitres"))
    world.run("daily", "2026-11-20T12:00:00Z")

    world.change("coop", tender("a", revision="20261120150000", closing_in=timedelta(days=30)), "amended")
    world.change("coop", tender("b", "Vitres", revision="20261120150000", status=Status.CANCELLED), "cancelled")
    world.run("daily", "2026-11-21T12:00:00Z")

    later = emails_to(JULIE)[-1]
    assert subject(later) == "2 appels d'offres signalés ont changé (Coop de propreté)"
    text = later.part("text/plain")
    assert "Annulé par l'acheteur." in text and "Modifié (addenda)" in text
    assert world.run("daily", "2026-11-22T12:00:00Z")["sent"] == 0  # told once


def test_a_tender_closing_within_three_days_is_recalled_once(world: AlertWorld) -> None:
    world.match("coop", tender("a", closing_in=timedelta(days=2, hours=12)))
    world.run("instant", "2026-11-20T14:20:00Z")  # Marc hears of it (closing soon: no separate reminder)

    world.match("coop", tender("b", closing_in=timedelta(days=20)))
    world.run("daily", "2026-11-20T12:00:00Z")
    world.publish(tender("b", revision="20261120150000", closing_in=timedelta(days=2)))
    world.run("daily", "2026-11-21T12:00:00Z")
    world.run("daily", "2026-11-22T12:00:00Z")

    subjects = [subject(e) for e in emails_to(JULIE)]
    assert subjects == [
        "2 nouveaux appels d'offres pour Coop de propreté",
        "Rappel\u00a0: un appel d'offres ferme bientôt (Coop de propreté)",
    ]
    assert [subject(e) for e in emails_to(MARC)] == ["1 nouvel appel d'offres pour Coop de propreté"]


# --- Exactly once --------------------------------------------------------------------------------------


def test_replaying_a_run_sends_nothing_twice(world: AlertWorld) -> None:
    world.match("coop", tender("a"))

    first = world.run("daily", "2026-11-20T12:00:00Z")
    world.match("coop", tender("b", "Vitres"))  # arrives between the run and its replay
    replay = world.run("daily", "2026-11-20T12:00:00Z")

    assert first["sent"] == 1 and replay["sent"] == 0 and replay["already_sent"] == 1
    assert len(emails_to(JULIE)) == 1
    assert world.pending_for(JULIE) == {"seao:b"}  # for the next period, not lost
    assert world.run("daily", "2026-11-21T12:00:00Z")["sent"] == 1


def test_a_crash_after_ses_accepted_the_email_is_never_sent_again_in_that_period(
    world: AlertWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.match("coop", tender("a"))
    service = world.service()

    def crash(*_: Any, **__: Any) -> None:
        raise RuntimeError("Lambda timed out")

    with monkeypatch.context() as patched:
        patched.setattr(service._matches, "mark_told", crash)
        crashed = service.send_alerts("daily")
    replay = world.service().send_alerts("daily")

    assert crashed.failed == 1 and replay.already_sent == 1
    assert len(emails_to(JULIE)) == 1


def test_ses_throttling_is_retried(world: AlertWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    world.match("coop", tender("a"))
    pauses: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", pauses.append)
    # Not under test: the adaptive mode's pacing after a throttle, which would wait seconds for real.
    monkeypatch.setattr("botocore.retries.adaptive.ClientRateLimiter.on_sending_request", lambda *_, **__: None)
    ses = aws_client("sesv2", world.aws.session)  # as the function builds it: the SDK's retries are ours
    refused = throttle_answers(ses, times=2)

    report = world.service(ses).send_alerts("daily")

    assert report.sent == 1 and len(refused) == 2 and len(pauses) == 2  # the SDK paused before each retry
    assert len(emails_to(JULIE)) == 1


def test_throttling_that_outlasts_the_retries_stops_the_run_and_keeps_everything_pending(world: AlertWorld) -> None:
    world.match("coop", tender("a"))
    world.match("voisins", tender("b"))
    ses = world.ses()
    fail_sending(ses, "TooManyRequestsException")  # as SES answers once the SDK's retries are spent
    service = world.service(ses)

    report = service.send_alerts("daily")

    assert report.stopped == "throttled" and report.sent == 0 and report.deferred == 3  # nobody reached
    assert world.pending_for(JULIE) == {"seao:a"} and world.pending_for(ALEX) == {"seao:b"}
    assert world.run("daily")["sent"] == 2  # the next attempt of the same period sends them


def test_paused_sending_stops_the_run_and_keeps_everything_pending(world: AlertWorld) -> None:
    world.match("coop", tender("a"))
    world.match("voisins", tender("b"))
    ses = world.ses()
    fail_sending(ses, "SendingPausedException")

    report = world.service(ses).send_alerts("daily")

    assert report.stopped == "sending-paused" and report.sent == 0 and report.deferred == 3
    assert sent_emails() == []
    assert world.pending_for(JULIE) == {"seao:a"} and world.pending_for(ALEX) == {"seao:b"}


def test_one_recipient_refused_does_not_block_the_others(world: AlertWorld) -> None:
    world.match("coop", tender("a"))
    world.match("voisins", tender("b"))
    ses = world.ses()
    fail_sending(ses, "MessageRejected", only_to=JULIE)

    report = world.service(ses).send_alerts("daily")

    assert (report.sent, report.failed) == (1, 1)
    assert len(emails_to(ALEX)) == 1
    assert world.pending_for(JULIE) == {"seao:a"}
    assert world.service().send_alerts("daily").sent == 1  # the period was left open for her


def test_a_run_out_of_time_defers_the_rest_to_the_next_run(world: AlertWorld) -> None:
    world.match("coop", tender("a"))

    report = world.service().send_alerts("daily", time_left=lambda: 30.0)

    assert report.deferred == 3 and report.sent == 0 and world.pending_for(JULIE) == {"seao:a"}


# --- Preferences, unsubscribe, consent ------------------------------------------------------------------


def test_preferences_override_the_imported_frequency_and_can_pause(world: AlertWorld) -> None:
    world.match("coop", tender("a"))
    world.run("weekly")  # registers everyone, sends nothing (nobody is weekly)
    state = world.state(JULIE)
    weekly = replace(state.listing.defaults, frequency="weekly")
    world.subscriptions.save_preferences(LOCAL_KEYS(JULIE), weekly, how="test", wording_version="t", now=NOW)

    assert world.run("daily")["sent"] == 0
    paused = replace(weekly, paused=True)
    world.subscriptions.save_preferences(LOCAL_KEYS(JULIE), paused, how="test", wording_version="t", now=NOW)
    assert world.run("weekly")["paused"] == 1 and emails_to(JULIE) == []
    world.subscriptions.save_preferences(LOCAL_KEYS(JULIE), weekly, how="test", wording_version="t", now=NOW)
    assert world.run("weekly", "2026-11-30T12:00:00Z")["sent"] == 1


def test_an_unsubscribed_address_never_gets_an_alert_again(world: AlertWorld) -> None:
    world.match("coop", tender("a"))
    world.run("daily", "2026-11-20T12:00:00Z")
    world.subscriptions.unsubscribe(LOCAL_KEYS(JULIE), how="test", wording_version="t", language="fr", now=NOW)

    world.match("coop", tender("b", "Vitres"))
    report = world.run("daily", "2026-11-21T12:00:00Z")

    assert report["unsubscribed"] == 1 and len(emails_to(JULIE)) == 1


def test_consents_from_the_import_are_logged_once_and_the_log_only_grows(world: AlertWorld) -> None:
    world.run("daily", "2026-11-20T12:00:00Z")
    world.run("daily", "2026-11-21T12:00:00Z")
    key = LOCAL_KEYS(JULIE)
    [consent] = world.subscriptions.history(key)

    world.subscriptions.unsubscribe(key, how="test", wording_version="w-1", language="fr", now=NOW)
    world.subscriptions.unsubscribe(key, how="test again", wording_version="w-1", language="fr", now=NOW)

    history = world.subscriptions.history(key)
    assert history[0] == consent and consent.kind == "consent" and consent.wording_version == "consentement-2026-01"
    assert [r.kind for r in history] == ["consent", "unsubscribe"]  # the second changed nothing
    table = world.aws.resources.names["SubscriptionsTable"]
    with pytest.raises(ClientError, match="ConditionalCheckFailed"):  # what the store's appends require
        world.aws.client("dynamodb").put_item(
            TableName=table,
            Item={"pk": {"S": f"address#{key}"}, "sk": {"S": _log_key(world, key)}, "kind": {"S": "forged"}},
            ConditionExpression="attribute_not_exists(pk)",
        )


def test_the_tables_never_hold_the_address(world: AlertWorld) -> None:
    world.match("coop", tender("a"))
    world.run("daily")
    client = world.aws.client("dynamodb")

    stored = str(client.scan(TableName=world.aws.resources.names["SubscriptionsTable"])["Items"])
    stored += str(client.scan(TableName=world.aws.resources.names["MatchesTable"])["Items"])

    assert JULIE not in stored and "Julie" not in stored


def test_the_preview_renders_the_next_alert_without_sending_or_writing(world: AlertWorld) -> None:
    world.match("coop", tender("a"))
    out, err = io.StringIO(), io.StringIO()
    client = world.aws.client("dynamodb")
    table = world.aws.resources.names["SubscriptionsTable"]

    english = {"LANG": "en_CA.UTF-8"}
    with environment(world.aws.environment(SEND, **ENV)):
        code = cli(
            ["alerts", "preview", "--enterprise", "coop", "--lang", "en"], stdout=out, stderr=err, environ=english
        )
        unknown = cli(["alerts", "preview", "--enterprise", "nobody"], stdout=io.StringIO(), stderr=io.StringIO())

    assert code == 0 and unknown == 1
    assert out.getvalue().startswith("Subject: 1 new tender for Coop de propreté")
    assert "frequency: daily · language: en · status: active" in err.getvalue()
    assert sent_emails() == [] and client.scan(TableName=table)["Items"] == []
    assert world.pending_for(JULIE) == {"seao:a"}


def _log_key(world: AlertWorld, key: str) -> str:
    client = world.aws.client("dynamodb")
    items = client.query(
        TableName=world.aws.resources.names["SubscriptionsTable"],
        KeyConditionExpression="pk = :p AND begins_with(sk, :l)",
        ExpressionAttributeValues={":p": {"S": f"address#{key}"}, ":l": {"S": "log#"}},
    )["Items"]
    return str(items[0]["sk"]["S"])


def test_the_alert_names_every_profile_that_found_the_tender(world: AlertWorld) -> None:
    world.add([enterprise("coop", subscriber(JULIE))], [profile("coop"), profile("coop", "vitres", "Vitres")])
    world.match("coop", tender("a"), profile_ids=("menage", "vitres"))

    world.run("daily")

    assert "Profil\u00a0: Entretien ménager, Vitres" in emails_to(JULIE)[0].part("text/plain")
