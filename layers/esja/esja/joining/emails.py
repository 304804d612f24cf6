"""The join e-mails (transactional, each in its reader's language, HTML and text): to the region's organizers
(a request waits, a link to the console), to the contact (approved: sign in; declined: the organizer's reason)."""

from __future__ import annotations

from esja.config import SenderIdentity
from esja.digest.organizers import Organizer
from esja.emails import Email
from esja.geo.regions import region_name
from esja.joining.model import JoinRequest
from esja.rendering import render, wording


def to_organizer(organizer: Organizer, request: JoinRequest, *, console_url: str, sender: SenderIdentity) -> Email:
    return _email("join_waiting", organizer.email, organizer.language, request, sender, url=console_url)


def to_contact(request: JoinRequest, *, signin_url: str, reason: str, sender: SenderIdentity) -> Email:
    """Approved when `reason` is empty; declined for `reason` otherwise."""
    what = "join_declined" if reason else "join_approved"
    return _email(what, request.details.email, request.details.language, request, sender, url=signin_url, reason=reason)


def _email(
    what: str, to: str, lang: str, request: JoinRequest, sender: SenderIdentity, *, url: str, reason: str = ""
) -> Email:
    region = region_name(request.details.region, lang)
    context = {"details": request.details, "url": url, "reason": reason, "region": region, "sender": sender}
    return Email(
        to=to,
        subject=wording(f"join.{what}.subject", lang, enterprise=request.details.enterprise_name),
        text=render(f"email/{what}.txt", lang, **context),
        html=render(f"email/{what}.html", lang, **context),
        language=lang,
    )
