"""The e-mail that tells a signer an organizer rejected their pledge, and why: transactional (no unsubscribe),
in the signer's language, HTML and text. The organizer's reason is theirs to read as written (escaped in the
HTML part, like every value); nothing the signer typed but their name goes in it, and nothing in its subject."""

from __future__ import annotations

from datetime import timedelta

from esja.config import SenderIdentity
from esja.emails import Email
from esja.pledges.model import Pledge
from esja.rendering import render, wording


def compose_rejection(pledge: Pledge, reason: str, *, kept: timedelta, sender: SenderIdentity) -> Email:
    lang = pledge.language
    context = {"details": pledge.details, "reason": reason, "days": kept.days, "sender": sender}
    return Email(
        to=pledge.details.email,
        subject=wording("pledge.rejected.subject", lang, programme=wording("site.name", lang)),
        text=render("email/pledge_rejected.txt", lang, **context),
        html=render("email/pledge_rejected.html", lang, **context),
        language=lang,
    )
