"""An alert plan → the e-mail: subject, HTML and plain-text parts, in the reader's language.

Every tender is put into words once per e-mail (dates, money, regions, reasons) and both parts use
the same words. Both templates are autoescaped like every template; the plain-text part is then
unescaped, since text/plain is never read as HTML (a hostile title is shown as written, inert).

A card says each thing once: what fits the reader's profile (a code, the region, the category, the
value, the buyer) is marked where the card shows it, and the « why » list keeps only what the card
does not show (where a keyword was found).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import Template
from markupsafe import Markup

from esja import l10n
from esja.alerts.model import Listing, ProfileRef
from esja.alerts.plan import REMINDER_WINDOW, AlertPlan, TenderEntry
from esja.config import SenderIdentity
from esja.emails import Email
from esja.geo.regions import region_name
from esja.matching.unspsc import normalise_unspsc
from esja.model import Reason, Scope, Tender
from esja.rendering import environment, translator, wording
from esja.sources.catalogue import is_invitation
from esja.sources.notice_pages import notice_page
from esja.unspsc import code_title

# Reasons the card shows as a mark: on one of the tender's codes, or on a row.
CODE_FITS = {"unspsc": "code", "unspsc-related": "broader"}
ROW_FITS = {"region": "region", "category": "category", "value": "value", "buyer": "buyer"}


@dataclass(frozen=True, slots=True)
class AlertLinks:
    unsubscribe: str  # the page behind the footer link (GET shows a button)
    one_click: str  # List-Unsubscribe: mail clients POST to it (RFC 8058)
    preferences: str
    calendar: Mapping[str, str] = field(default_factory=dict)  # tender key → « Ajouter à mon agenda »
    # tender key → its « Pertinent » and « Pas pertinent » links (esja.feedback.links): this reader's own
    feedback: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CodeView:
    code: str  # as the publisher wrote it
    words: str  # its title, in the reader's language when known (esja.unspsc)
    words_lang: str
    mark: str = ""  # « votre code », « plus général que votre code »: how it fits the reader's profile


@dataclass(frozen=True, slots=True)
class TenderView:
    """One tender in the reader's words: what both templates show."""

    title: str
    title_lang: str  # the title's own language (SEAO titles are French only)
    buyer: str
    closing: str
    days_left: str
    closing_soon: bool  # within the reminder window: the days left stand out
    category: str
    unspsc: tuple[CodeView, ...]  # each code once
    regions: str
    value: str
    url: str  # the notice's page in the reader's language
    calendar: str = ""  # the closing date as an event for the reader's calendar (esja.alerts.calendar)
    reasons: tuple[str, ...] = ()  # what the card does not already show
    marks: tuple[tuple[str, str], ...] = ()  # (row, words) of the rows that fit: region, category, value, buyer
    profiles: tuple[str, ...] = ()
    change: str = ""  # the update's wording
    signed: bool = False  # the buyer signed the declaration (the badge; esja.digest.signatories)

    def mark(self, row: str) -> str:
        """How a row fits the reader's profile (« votre région »), "" when it is just a fact."""
        return next((words for marked, words in self.marks if marked == row), "")


@dataclass(frozen=True, slots=True)
class Section:
    kind: str  # "new", "updates", "reminders": the order they come in
    html: tuple[Markup, ...]  # one rendered tender each
    text: tuple[Markup, ...]
    # Each tender's « Pertinent » and « Pas pertinent » links ("" when it has none): the reader's own, hence
    # beside the card, which is rendered once for every reader.
    feedback: tuple[tuple[str, str], ...] = ()


def compose_alert(
    plan: AlertPlan,
    *,
    to: str,
    listing: Listing,
    lang: str,
    links: AlertLinks,
    sender: SenderIdentity,
    now: datetime,
    signed: frozenset[str] = frozenset(),  # keys of the tenders whose buyer signed the declaration
) -> Email:
    lang = l10n.language(lang)
    # Profiles are named with their enterprise only when the reader gets alerts for several.
    names = dict(listing.enterprises) if len(listing.enterprises) > 1 else {}
    enterprises = join_names(listing.enterprise_names(), lang)
    title = subject(plan, enterprises, lang)
    sections = []
    for kind, entries in (("new", plan.new), ("updates", plan.updates), ("reminders", plan.reminders)):
        views = [
            tender_view(e, lang, now, names, signed=e.tender.key in signed, calendar=_calendar(e, links))
            for e in entries
        ]
        if views:
            html_cards, text_cards = (
                tuple(_card(v, "html", lang) for v in views),
                tuple(_card(v, "txt", lang) for v in views),
            )
            votes = tuple(links.feedback.get(e.tender.key, ("", "")) for e in entries)
            sections.append(Section(kind, html_cards, text_cards, votes))
    context = {
        "subject": title,
        "enterprises": enterprises,
        "sections": sections,
        "consent_date": _day(min(c.consent.at for c in listing.consents), lang) if listing.consents else "",
        "links": links,
        "sender": sender,
    }
    return Email(
        to=to,
        subject=title,
        text=html.unescape(_render("email/alert.txt", lang, **context)),
        html=_render("email/alert.html", lang, **context),
        language=lang,
        unsubscribe_url=links.one_click,
    )


def _calendar(entry: TenderEntry, links: AlertLinks) -> str:
    """The calendar link of a tender still to bid on: its closing date known, not cancelled."""
    closes = entry.tender.closing_at is not None and entry.change != "cancelled"
    return links.calendar.get(entry.tender.key, "") if closes else ""


def subject(plan: AlertPlan, enterprises: str, lang: str) -> str:
    """The main news decides: new tenders, else changes, else reminders; one signatory's invitation alone
    (told at once) is named with its buyer and title."""
    if len(plan.new) == 1 and not (plan.updates or plan.reminders) and is_invitation(plan.new[0].tender.key):
        invited = plan.new[0].tender
        buyer = invited.buyer.name.read_in(lang)[0] if invited.buyer else ""
        return wording("alerts.subject.invitation", lang, buyer=buyer, title=invited.title.read_in(lang)[0])
    for section, entries in (("new", plan.new), ("updates", plan.updates), ("reminders", plan.reminders)):
        if entries:
            count = len(entries)
            key = f"alerts.subject.{section}.{'one' if count == 1 else 'many'}"
            return wording(key, lang, count=count, enterprises=enterprises)
    return ""


def tender_view(
    entry: TenderEntry,
    lang: str,
    now: datetime,
    enterprise_names: Mapping[str, str],
    *,
    signed: bool = False,
    calendar: str = "",
) -> TenderView:
    return _view(entry, lang, now, tuple(enterprise_names.items()), signed=signed, calendar=calendar)


@lru_cache(maxsize=4096)
def _view(
    entry: TenderEntry,
    lang: str,
    now: datetime,
    enterprise_names: tuple[tuple[str, str], ...],
    *,
    signed: bool,
    calendar: str,
) -> TenderView:
    described = _described(entry.tender, lang, now)
    names = dict(enterprise_names)
    fitting_codes = {r.code: CODE_FITS[r.kind] for r in entry.reasons if r.kind in CODE_FITS and r.code}
    shown_rows = {"region"} | {row for row in ("category", "value", "buyer") if getattr(described, row)}
    rest = [r for r in entry.reasons if not _marked(r, fitting_codes.keys() & _codes(described), shown_rows)]
    marks = {ROW_FITS[r.kind]: _mark(r, entry.tender) for r in entry.reasons if ROW_FITS.get(r.kind) in shown_rows}
    return replace(
        described,
        days_left="" if entry.change == "cancelled" else described.days_left,
        unspsc=tuple(
            replace(c, mark=wording(f"alerts.fit.{fitting_codes[c.code]}", lang)) if c.code in fitting_codes else c
            for c in described.unspsc
        ),
        reasons=tuple(r.en if lang == "en" else r.fr for r in rest),
        marks=tuple((row, wording(f"alerts.fit.{key}", lang)) for row, key in marks.items()),
        profiles=tuple(_profile(p, names) for p in entry.profiles),
        change=wording(f"alerts.change.{entry.change}", lang) if entry.change else "",
        signed=signed,
        calendar=calendar,
    )


def _mark(reason: Reason, tender: Tender) -> str:
    """Which words mark a row: a province- or Canada-wide tender fits without being in « your region »."""
    row = ROW_FITS[reason.kind]
    wide = row == "region" and tender.regions is not None and tender.regions.scope is not Scope.REGIONS
    return "region-wide" if wide else row


def _codes(view: TenderView) -> set[str]:
    return {c.code for c in view.unspsc}


def _marked(reason: Reason, marked_codes: set[str], shown_rows: set[str]) -> bool:
    """The card shows this reason as a mark on a row (or the row says it: « région non précisée »)."""
    if reason.kind in CODE_FITS:
        return reason.code in marked_codes
    return reason.kind == "region-unknown" or ROW_FITS.get(reason.kind) in shown_rows


# A run tells many subscribers about the same tenders: each is put into words once per language (Babel's
# dates and money are the costly part). Keyed by the whole tender and the run's time, so never stale.
@lru_cache(maxsize=4096)
def _described(tender: Tender, lang: str, now: datetime) -> TenderView:
    title, title_lang = tender.title.read_in(lang)
    closing = tender.closing_at
    return TenderView(
        title=title,
        title_lang=title_lang,
        buyer=tender.buyer.name.read_in(lang)[0] if tender.buyer else "",
        closing=l10n.date_time(closing, lang) if closing else wording("alerts.closing.unknown", lang),
        days_left=_days_left(closing, now, lang) if closing else "",
        closing_soon=closing is not None and closing - now <= REMINDER_WINDOW,
        category=wording(f"alerts.category.{tender.category.value}", lang) if tender.category else "",
        unspsc=_code_views(tender, lang),
        regions=_regions(tender, lang),
        value=_value(tender, lang),
        url=notice_page(tender.url, lang),
    )


# The same tender, with the same reasons, is in many e-mails of a run: rendered once per part and language.
@lru_cache(maxsize=4096)
def _card(view: TenderView, part: str, lang: str) -> Markup:
    return Markup(_render(f"email/alert_tender.{part}", lang, t=view))  # noqa: S704 - rendered with autoescape


def _render(template: str, lang: str, **context: Any) -> str:
    """esja.rendering.render with the wording memoized: a run repeats the same headings and footer lines
    (sender, contact, counts) in thousands of e-mails, and Markup.format is most of a template's cost."""
    return _template(template).render(lang=lang, _=_wording(lang), **context)


@lru_cache(maxsize=8)
def _template(name: str) -> Template:
    """Compiled once per container: the layer's templates never change under a running function."""
    return environment().get_template(name)


@lru_cache(maxsize=len(l10n.LANGUAGES))
def _wording(lang: str) -> Callable[..., Markup]:
    return lru_cache(maxsize=4096)(translator(lang))


@lru_cache(maxsize=256)
def _day(moment: datetime, lang: str) -> str:
    return l10n.day(moment, lang)


def join_names(names: Sequence[str], lang: str) -> str:
    """« A, B et C », "A, B and C"."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {'and' if lang == 'en' else 'et'} {names[-1]}"


def _days_left(closing: datetime, now: datetime, lang: str) -> str:
    days = l10n.days_left(closing, now)
    if days <= 0:
        return wording("alerts.days_left.today", lang)
    if days == 1:
        return wording("alerts.days_left.tomorrow", lang)
    return wording("alerts.days_left.many", lang, days=days)


def _code_views(tender: Tender, lang: str) -> tuple[CodeView, ...]:
    """Each UNSPSC code once (a notice may repeat its main code among the additional ones)."""
    views: dict[str, CodeView] = {}
    for c in tender.classifications:
        code = c.code.strip()
        if c.scheme == "UNSPSC" and (normalise_unspsc(code) or code) not in views:
            words, words_lang = code_title(code, lang, c.description)
            views[normalise_unspsc(code) or code] = CodeView(code, words, words_lang)
    return tuple(views.values())


def _regions(tender: Tender, lang: str) -> str:
    regions = tender.regions
    if regions is None or regions.scope is Scope.UNKNOWN or (regions.scope is Scope.REGIONS and not regions.codes):
        return wording("alerts.region.unknown", lang)
    if regions.scope is Scope.REGIONS:
        return ", ".join(region_name(code, lang) for code in regions.codes)
    return wording(f"alerts.region.{regions.scope.value}", lang)


def _value(tender: Tender, lang: str) -> str:
    value = tender.value
    if value is None:
        return ""
    if value.currency in (None, "CAD"):
        return l10n.money(value.amount, lang)
    return f"{value.amount} {value.currency}"


def _profile(profile: ProfileRef, enterprise_names: Mapping[str, str]) -> str:
    enterprise = enterprise_names.get(profile.enterprise_id)
    return f"{profile.name} ({enterprise})" if enterprise else profile.name
