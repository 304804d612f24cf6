"""E-mails leave through SES v2 as raw MIME, with every header the reader's mail client needs."""

from __future__ import annotations

import email
from typing import Any

import pytest
from botocore.exceptions import ClientError

from esja.emails import Email
from esja.errors import Rejected, SendingPaused, Throttled
from esja.mail.mailer import Mailer
from local.runtime import LocalAws
from tests.alert_builders import outgoing

SENDER = "alertes@esja.example.org"
ALERT = Email(
    to="direction@coop.example.org",
    subject="3 appels d'offres pour vous",
    text="Bonjour,\n",
    html="<p>Bonjour,</p>",
    unsubscribe_url="https://esja.example.org/desabonnement?t=abc",
)


@pytest.fixture
def ses(aws: LocalAws) -> Any:
    client = aws.client("sesv2")
    client.create_email_identity(EmailIdentity=SENDER)
    return client


def fail_with(client: Any, code: str) -> None:
    def fail(**_: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": code}}, "SendEmail")

    client.meta.events.register("before-call.sesv2.SendEmail", fail)


def test_commercial_email_carries_one_click_unsubscribe_headers(ses: Any) -> None:
    sent = outgoing(ses)

    message_id = Mailer(ses, sender_email=SENDER, sender_name="L'économie sociale, j'achète!").send(ALERT)

    assert message_id
    [message] = sent
    assert message["List-Unsubscribe"] == "<https://esja.example.org/desabonnement?t=abc>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "j'achète" in str(email.header.make_header(email.header.decode_header(message["From"])))
    assert [part.get_content_type() for part in message.walk()][1:] == ["text/plain", "text/html"]


def test_transactional_email_has_no_unsubscribe_header(ses: Any) -> None:
    sent = outgoing(ses)

    Mailer(ses, sender_email=SENDER, sender_name="ESJA").send(
        Email(to="signataire@ville.example.org", subject="Confirmez", text="t", html="<p>t</p>")
    )

    assert sent[0]["List-Unsubscribe"] is None


@pytest.mark.parametrize(
    ("code", "error"),
    [("TooManyRequestsException", Throttled), ("SendingPausedException", SendingPaused), ("MessageRejected", Rejected)],
)
def test_ses_errors_become_the_projects_own(ses: Any, code: str, error: type[Exception]) -> None:
    fail_with(ses, code)

    with pytest.raises(error):
        Mailer(ses, sender_email=SENDER, sender_name="ESJA").send(ALERT)


def test_sending_stays_under_the_maximum_rate(ses: Any) -> None:
    clock, waits = [0.0], []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    mailer = Mailer(ses, sender_email=SENDER, sender_name="ESJA", max_per_second=4, clock=lambda: clock[0], sleep=sleep)
    for _ in range(3):
        mailer.send(ALERT)

    assert waits == [0.25, 0.25]
