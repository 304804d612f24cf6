"""Every e-mail SES (moto) accepted, written under out/outbox/ as .eml and .html (open in a browser)."""

from __future__ import annotations

import email
import re
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path

from local.runtime import REGION


@dataclass(frozen=True, slots=True)
class SentEmail:
    message_id: str
    to: tuple[str, ...]
    message: Message

    @property
    def subject(self) -> str:
        return str(make_header(decode_header(self.message["Subject"] or "")))

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                payload = part.get_payload(decode=True)
                assert isinstance(payload, bytes)
                return payload.decode(part.get_content_charset() or "utf-8")
        return ""


def sent_emails() -> list[SentEmail]:
    """What moto's SES accepted so far (raw MIME as sent: every header kept)."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    found = []
    for raw in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages:
        data = getattr(raw, "raw_data", None)
        if data is not None:
            found.append(SentEmail(raw.id, tuple(raw.destinations), email.message_from_string(data)))
    return found


def write_outbox(folder: Path) -> list[SentEmail]:
    """Write the e-mails not written yet; returns them."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, sent in enumerate(sent_emails(), start=1):
        stem = f"{number:03d}-{_slug(sent.to[0] if sent.to else 'nobody')}-{_slug(sent.subject)[:40]}"
        eml, html = folder / f"{stem}.eml", folder / f"{stem}.html"
        if eml.exists():
            continue
        eml.write_bytes(sent.message.as_bytes())
        html.write_text(sent.part("text/html"), encoding="utf-8")
        written.append(sent)
    return written


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9@.]+", "-", text.lower()).strip("-") or "x"
