"""The e-mail that asks a signatory to confirm a pledge: transactional (no unsubscribe), in the
signatory's language, HTML and text, identifying the sender."""

from __future__ import annotations

from esja.config import SenderIdentity
from esja.emails import Email
from esja.geo.regions import region_name
from esja.pledges.links import CONFIRMATION_LIFETIME
from esja.pledges.model import Pledge
from esja.rendering import render, translator


def compose_confirmation(pledge: Pledge, *, confirm_url: str, withdraw_url: str, sender: SenderIdentity) -> Email:
    lang = pledge.language
    context = {
        "pledge": pledge,
        "details": pledge.details,
        "region": region_name(pledge.details.region, lang),
        "confirm_url": confirm_url,
        "withdraw_url": withdraw_url,
        "expires_at": pledge.created_at + CONFIRMATION_LIFETIME,
        "sender": sender,
    }
    return Email(
        to=pledge.details.email,
        # Nothing the form's sender typed goes in the subject: the form cannot be used to send spam.
        subject=str(translator(lang)("pledge.email.subject")),
        text=render("email/pledge_confirmation.txt", lang, **context),
        html=render("email/pledge_confirmation.html", lang, **context),
        language=lang,
    )
