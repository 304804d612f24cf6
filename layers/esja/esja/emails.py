"""An e-mail as the use cases compose it, the port that sends one, and the one syntax check of an address."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    language: str = "fr"
    unsubscribe_url: str | None = None  # commercial e-mails: List-Unsubscribe (RFC 8058 one-click)
    headers: Mapping[str, str] = field(default_factory=dict)


class Sender(Protocol):
    def send(self, email: Email) -> str:
        """SES's message id once SES accepted the e-mail; raises Throttled, SendingPaused or Rejected."""
        ...


class InvalidAddress(ValueError):
    """Not the syntax of an e-mail address we can send to."""


def checked_address(value: str) -> str:
    """The address as SES takes it (syntax only: no DNS on a request path), else InvalidAddress. SES sends
    to ASCII addresses only: no internationalised local part; a Unicode domain keeps its ASCII (IDNA) form."""
    # Imported here: ~25 ms that only a form's POST or a spreadsheet's import needs, not every cold start.
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise InvalidAddress(value) from None
    return checked.ascii_email or checked.normalized
