"""The e-mail that asks a signatory to confirm a pledge: transactional (no unsubscribe), in the
signatory's language, HTML and text, identifying the sender. It repeats what was signed: the
institution, the four commitments and the target chosen."""

from __future__ import annotations

import logging

from esja.config import SenderIdentity
from esja.mail.mailer import Email, Mailer, Rejected
from esja.pledges.links import CONFIRMATION_LIFETIME
from esja.pledges.model import Pledge
from esja.pledges.summary import summary
from esja.rendering import render, wording

logger = logging.getLogger(__name__)


class PledgeConfirmationMailer:
    def __init__(self, mailer: Mailer, sender: SenderIdentity) -> None:
        self._mailer = mailer
        self._sender = sender

    def compose(self, pledge: Pledge, confirm_url: str, withdraw_url: str) -> Email:
        lang = pledge.language
        context = {
            "pledge": pledge,
            "details": pledge.details,
            "summary": summary(pledge.details, lang),
            "confirm_url": confirm_url,
            "withdraw_url": withdraw_url,
            "expires_at": pledge.created_at + CONFIRMATION_LIFETIME,
            "sender": self._sender,
        }
        return Email(
            to=pledge.details.email,
            # Nothing the form's sender typed goes in the subject: the form cannot be used to send spam.
            subject=wording("pledge.email.subject", lang, programme=wording("site.name", lang)),
            text=render("email/pledge_confirmation.txt", lang, **context),
            html=render("email/pledge_confirmation.html", lang, **context),
            language=lang,
        )

    def send_confirmation(self, pledge: Pledge, confirm_url: str, withdraw_url: str) -> None:
        try:
            self._mailer.send(self.compose(pledge, confirm_url, withdraw_url))
        except Rejected:
            # SES refused this address (suppressed, malformed for SES): the page answers as for any
            # address, and the pending pledge is purged with the other unconfirmed ones.
            logger.warning("confirmation e-mail refused by SES", extra={"pledge_id": pledge.id})
