"""The sign-in e-mail: transactional (no unsubscribe: the person asked for it), in the language they chose
on the page, HTML and text; it says how long the link lasts and what to do if they did not ask."""

from __future__ import annotations

from esja.config import SenderIdentity
from esja.emails import Email
from esja.rendering import render, wording
from esja.signin.links import LINK_LIFETIME
from esja.signin.model import SignInLink


def compose_sign_in(address: str, url: str, link: SignInLink, sender: SenderIdentity) -> Email:
    lang = link.language
    context = {
        "url": url,
        "minutes": int(LINK_LIFETIME.total_seconds() // 60),
        "expires_at": link.expires_at,
        "sender": sender,
    }
    return Email(
        to=address,
        subject=wording("signin.email.subject", lang, programme=wording("site.name", lang)),
        text=render("email/sign_in.txt", lang, **context),
        html=render("email/sign_in.html", lang, **context),
        language=lang,
    )
