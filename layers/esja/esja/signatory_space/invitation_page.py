"""What an invitation's public page shows, in the reader's language: plain strings and flags for the
template, which escapes every one of them (a hostile title or description is shown as written, inert)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from esja.geo.regions import region_name
from esja.signatory_space.invitation import Invitation, InvitationStatus
from esja.signatory_space.invitation_form import web_address
from esja.unspsc import code_title


@dataclass(frozen=True, slots=True)
class CodeLine:
    code: str
    words: str
    words_lang: str


@dataclass(frozen=True, slots=True)
class InvitationPage:
    invitation: Invitation
    title: str
    title_lang: str
    paragraphs: tuple[tuple[str, ...], ...]  # the description's paragraphs, each a run of lines
    description_lang: str
    codes: tuple[CodeLine, ...]
    place: str  # « Rimouski (01 Bas-Saint-Laurent) »
    cancelled: bool
    closed: bool
    amended_at: datetime | None  # the latest amendment
    mailto: str  # the contact address as a mailto: link (percent-encoded: no ?subject= slips in)
    documents_link: bool  # the documents' location is a web address: a link

    @property
    def open(self) -> bool:
        return not (self.cancelled or self.closed)


def invitation_page(invitation: Invitation, lang: str, now: datetime) -> InvitationPage:
    details = invitation.details
    title, title_lang = details.title.read_in(lang)
    description, description_lang = details.description.read_in(lang)
    region = region_name(details.region, lang)
    amendments = [at for change, at in invitation.changes if change == "amended"]
    email = details.answer.email
    return InvitationPage(
        invitation=invitation,
        title=title,
        title_lang=title_lang,
        paragraphs=tuple(tuple(p.split("\n")) for p in description.split("\n\n")),
        description_lang=description_lang,
        codes=tuple(CodeLine(code, *code_title(code, lang)) for code in details.codes),
        place=f"{details.municipality} ({region})" if details.municipality else region,
        cancelled=invitation.status is InvitationStatus.CANCELLED,
        closed=invitation.closed(now),
        amended_at=amendments[-1] if amendments else None,
        mailto=f"mailto:{quote(email, safe='@')}" if email else "",
        documents_link=bool(details.answer.documents and web_address(details.answer.documents)),
    )
