"""The e-mail that asks a signatory to confirm a pledge: transactional (no unsubscribe), in the
signatory's language, HTML and text, identifying the sender. It repeats what was signed: the
institution, the four commitments and the target chosen."""

from __future__ import annotations

from esja.config import SenderIdentity
from esja.emails import Email
from esja.pledges.links import CONFIRMATION_LIFETIME
from esja.pledges.model import Pledge
from esja.pledges.summary import summary
from esja.rendering import render, wording


def compose_confirmation(pledge: Pledge, *, confirm_url: str, withdraw_url: str, sender: SenderIdentity) -> Email:
    lang = pledge.language
    context = {
        "pledge": pledge,
        "details": pledge.details,
        "summary": summary(pledge.details, lang),
        "confirm_url": confirm_url,
        "withdraw_url": withdraw_url,
        "expires_at": pledge.created_at + CONFIRMATION_LIFETIME,
        "sender": sender,
    }
    return Email(
        to=pledge.details.email,
        # Nothing the form's sender typed goes in the subject: the form cannot be used to send spam.
        subject=wording("pledge.email.subject", lang, programme=wording("site.name", lang)),
        text=render("email/pledge_confirmation.txt", lang, **context),
        html=render("email/pledge_confirmation.html", lang, **context),
        language=lang,
    )
