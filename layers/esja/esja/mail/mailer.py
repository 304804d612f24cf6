"""Sending e-mail through SES v2, as raw MIME so every header we set reaches the reader.

An e-mail has a plain-text and an HTML part, the sender's name, a Reply-To (the programme's contact),
and — for commercial e-mails —
`List-Unsubscribe` (https) with `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
SES errors become the project's own: Throttled (try again later), SendingPaused (stop the run, keep
everything pending), Rejected (this recipient only); no answer in time, a plain StoreError.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from esja.emails import Email
from esja.errors import Rejected, SendingPaused, Throttled
from esja.store.errors import THROTTLING_CODES, error_code, store_error

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

_PAUSED = frozenset({"SendingPausedException", "AccountSuspendedException", "LimitExceededException"})
# Headers set raw (List-Unsubscribe) are written as they are: a URL has no whitespace to fold at, and the
# default policy would rather RFC 2047-encode it, which mail clients cannot read as a URL.
_POLICY = policy.default.clone(refold_source="none")


class Mailer:
    def __init__(
        self,
        client: SESV2Client,
        *,
        sender_email: str,
        sender_name: str,
        reply_to: str | None = None,
        configuration_set: str | None = None,
        max_per_second: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._sender = Address(display_name=sender_name, addr_spec=sender_email)
        self._reply_to = reply_to  # the programme's contact: a reply reaches people, not the sending address
        self._configuration_set = configuration_set
        self._interval = 1.0 / max_per_second if max_per_second else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next_at = 0.0

    @classmethod
    def at_account_rate(cls, client: SESV2Client, **options: object) -> Mailer:
        """A mailer that stays under the account's maximum send rate (SES GetAccount)."""
        try:
            rate = client.get_account().get("SendQuota", {}).get("MaxSendRate")
        except ClientError:
            rate = None
        return cls(client, max_per_second=rate or 1.0, **options)  # type: ignore[arg-type]

    def send(self, email: Email) -> str:
        """Send one e-mail; returns SES's message id once SES has accepted it."""
        self._wait_for_rate()
        request = {
            "FromEmailAddress": str(self._sender),
            "Destination": {"ToAddresses": [email.to]},
            "Content": {"Raw": {"Data": self.mime(email)}},
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            answer = self._client.send_email(**request)  # type: ignore[arg-type]
        except ClientError as error:
            code = error_code(error)
            if code in THROTTLING_CODES:
                raise Throttled(f"SES throttled: {code}") from error
            if code in _PAUSED:
                raise SendingPaused(f"SES is not sending: {code}") from error
            raise Rejected(f"SES refused the message: {code}") from error
        except BotoCoreError as error:  # no answer in time: whether SES took the message is unknown
            raise store_error(error, "sending an e-mail") from error
        return answer["MessageId"]

    def mime(self, email: Email) -> bytes:
        message = EmailMessage(policy=_POLICY)
        message["From"] = self._sender
        message["To"] = email.to
        if self._reply_to:
            message["Reply-To"] = self._reply_to
        message["Subject"] = email.subject
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = make_msgid(domain=self._sender.domain)
        if email.unsubscribe_url:
            # One line of up to 998 characters (RFC 5322), unencoded (RFC 2369, RFC 8058).
            message.set_raw("List-Unsubscribe", f"<{email.unsubscribe_url}>")
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        for name, value in email.headers.items():
            message[name] = value
        message.set_content(email.text, subtype="plain", charset="utf-8")
        message.add_alternative(email.html, subtype="html", charset="utf-8")
        message["Content-Language"] = email.language  # after the content: set_content drops Content-* headers
        return message.as_bytes()

    def _wait_for_rate(self) -> None:
        now = self._clock()
        if now < self._next_at:
            self._sleep(self._next_at - now)
            now = self._next_at
        self._next_at = now + self._interval
