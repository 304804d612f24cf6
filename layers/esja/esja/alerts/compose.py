"""An alert plan → the e-mail: subject, HTML and plain-text parts, in the reader's language.

Every tender is put into words once per e-mail (dates, money, regions, reasons) and both parts use
the same words. Both templates are autoescaped like every template; the plain-text part is then
unescaped, since text/plain is never read as HTML (a hostile title is shown as written, inert).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import Template
from markupsafe import Markup

from esja import l10n
from esja.alerts.model import Listing, ProfileRef
from esja.alerts.plan import REMINDER_WINDOW, AlertPlan, TenderEntry
from esja.config import SenderIdentity
from esja.geo.regions import region_name
from esja.mail.mailer import Email
from esja.model import Scope, Tender, Text
from esja.rendering import environment, translator, wording


@dataclass(frozen=True, slots=True)
class AlertLinks:
    unsubscribe: str  # the page behind the footer link (GET shows a button)
    one_click: str  # List-Unsubscribe: mail clients POST to it (RFC 8058)
    preferences: str


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
    unspsc: tuple[str, ...]
    regions: str
    value: str
    url: str
    reasons: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    change: str = ""  # the update's wording
    signed: bool = False  # the buyer signed the declaration (the badge; esja.digest.signatories)


@dataclass(frozen=True, slots=True)
class Section:
    kind: str  # "new", "updates", "reminders": the order they come in
    html: tuple[Markup, ...]  # one rendered tender each
    text: tuple[Markup, ...]


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
        views = [tender_view(e, lang, now, names, signed=e.tender.key in signed) for e in entries]
        if views:
            sections.append(
                Section(kind, tuple(_card(v, "html", lang) for v in views), tuple(_card(v, "txt", lang) for v in views))
            )
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


def subject(plan: AlertPlan, enterprises: str, lang: str) -> str:
    """The main news decides: new tenders, else changes, else reminders."""
    for section, entries in (("new", plan.new), ("updates", plan.updates), ("reminders", plan.reminders)):
        if entries:
            count = len(entries)
            key = f"alerts.subject.{section}.{'one' if count == 1 else 'many'}"
            return wording(key, lang, count=count, enterprises=enterprises)
    return ""


def tender_view(
    entry: TenderEntry, lang: str, now: datetime, enterprise_names: Mapping[str, str], *, signed: bool = False
) -> TenderView:
    return _view(entry, lang, now, tuple(enterprise_names.items()), signed)


@lru_cache(maxsize=4096)
def _view(
    entry: TenderEntry, lang: str, now: datetime, enterprise_names: tuple[tuple[str, str], ...], signed: bool
) -> TenderView:
    described = _described(entry.tender, lang, now)
    names = dict(enterprise_names)
    return replace(
        described,
        days_left="" if entry.change == "cancelled" else described.days_left,
        reasons=tuple(r.en if lang == "en" else r.fr for r in entry.reasons),
        profiles=tuple(_profile(p, names) for p in entry.profiles),
        change=wording(f"alerts.change.{entry.change}", lang) if entry.change else "",
        signed=signed,
    )


# A run tells many subscribers about the same tenders: each is put into words once per language (Babel's
# dates and money are the costly part). Keyed by the whole tender and the run's time, so never stale.
@lru_cache(maxsize=4096)
def _described(tender: Tender, lang: str, now: datetime) -> TenderView:
    title, title_lang = _in(tender.title, lang)
    closing = tender.closing_at
    return TenderView(
        title=title,
        title_lang=title_lang,
        buyer=_in(tender.buyer.name, lang)[0] if tender.buyer else "",
        closing=l10n.date_time(closing, lang) if closing else wording("alerts.closing.unknown", lang),
        days_left=_days_left(closing, now, lang) if closing else "",
        closing_soon=closing is not None and closing - now <= REMINDER_WINDOW,
        category=wording(f"alerts.category.{tender.category.value}", lang) if tender.category else "",
        unspsc=tuple(_code(c.code, c.description, lang) for c in tender.classifications if c.scheme == "UNSPSC"),
        regions=_regions(tender, lang),
        value=_value(tender, lang),
        url=_public_link(tender.url),
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


def _in(text: Text, lang: str) -> tuple[str, str]:
    """The text in the reader's language when there is one, else in the other (with its language)."""
    if lang == "en":
        return (text.en, "en") if text.en else (text.fr or "", "fr")
    return (text.fr, "fr") if text.fr else (text.en or "", "en")


def _days_left(closing: datetime, now: datetime, lang: str) -> str:
    days = l10n.days_left(closing, now)
    if days <= 0:
        return wording("alerts.days_left.today", lang)
    if days == 1:
        return wording("alerts.days_left.tomorrow", lang)
    return wording("alerts.days_left.many", lang, days=days)


def _code(code: str, description: Text, lang: str) -> str:
    words = _in(description, lang)[0]
    return f"{code} – {words}" if words else code


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


def _public_link(url: str | None) -> str:
    """Only web addresses become links: a feed could carry a javascript: or data: URL."""
    return url if url and url.lower().startswith(("https://", "http://")) else ""


def _profile(profile: ProfileRef, enterprise_names: Mapping[str, str]) -> str:
    enterprise = enterprise_names.get(profile.enterprise_id)
    return f"{profile.name} ({enterprise})" if enterprise else profile.name
