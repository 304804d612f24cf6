"""A digest → the organizer's e-mail (HTML and plain text, in the organizer's language) and the page
archived in S3.

Every figure is put into words once (counts, money, dates, region names) and both parts show the
same words. Charts are bars drawn with table cells of a given width and inline colours: they need no
image, and show in Outlook and Gmail alike. The plain-text part draws them with « █ ».
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from esja import l10n
from esja.config import SenderIdentity
from esja.digest.outcomes import ContractWon
from esja.digest.sections import (
    BUILT_IN_SOURCES,
    NO_CATEGORY,
    Amount,
    Digest,
    FamilyGroup,
    Figure,
    Publisher,
    Row,
    TenderLine,
)
from esja.digest.weeks import Week
from esja.emails import Email
from esja.geo.regions import is_region_code, region_name
from esja.model import Tender
from esja.rendering import render, wording
from esja.sources.notice_pages import notice_page

TEXT_BAR_WIDTH = 24  # characters of the longest bar in the plain-text part


@dataclass(frozen=True, slots=True)
class FigureView:
    this: str
    last: str
    change: str  # « +3 », « −2 », « = »


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    this: str
    last: str
    this_width: int  # percent of the chart's longest bar; 0 draws nothing
    last_width: int
    highlighted: bool = False

    @property
    def text_bar(self) -> str:
        return "█" * round(self.this_width * TEXT_BAR_WIDTH / 100)


@dataclass(frozen=True, slots=True)
class TenderView:
    title: str
    title_lang: str
    buyer: str
    closing: str
    regions: str
    url: str
    enterprises: str
    signatory: str


@dataclass(frozen=True, slots=True)
class FamilyView:
    code: str
    description: str
    bar: Bar
    tenders: tuple[TenderView, ...]


@dataclass(frozen=True, slots=True)
class WinView:
    enterprise: str
    title: str
    title_lang: str
    buyer: str
    amount: str
    day: str
    by_name: bool  # recognised by name only (no NEQ): worth a check


def compose_digest(digest: Digest, *, archive_url: str, sender: SenderIdentity) -> Email:
    lang = l10n.language(digest.organizer.language)
    context = digest_context(digest, lang, sender)
    return Email(
        to=digest.organizer.email,
        subject=subject(digest, lang),
        text=html.unescape(render("email/digest.txt", lang, archive_url=archive_url, **context)),
        html=render("email/digest.html", lang, archive_url=archive_url, archived=False, **context),
        language=lang,
    )


def archive_page(digest: Digest, *, sender: SenderIdentity) -> str:
    """The same digest as a page of its own (no link to itself)."""
    lang = l10n.language(digest.organizer.language)
    return render("email/digest.html", lang, archive_url="", archived=True, **digest_context(digest, lang, sender))


def subject(digest: Digest, lang: str) -> str:
    return wording("digest.subject", lang, week=week_name(digest.week, lang), organizer=digest.organizer.name)


def week_name(week: Week, lang: str) -> str:
    """« semaine du 30 novembre au 6 décembre 2026 », "week of November 30 to December 6, 2026": the week
    by its days, as a reader says it (never « 2026-W49 »)."""
    return wording("digest.week", lang, days=l10n.date_range(week.monday, week.sunday, lang))


def digest_context(digest: Digest, lang: str, sender: SenderIdentity) -> dict[str, object]:
    new, alerts, outcomes = digest.new_tenders, digest.alerts, digest.outcomes
    return {
        "subject": subject(digest, lang),
        "week": week_name(digest.week, lang),
        "as_of": l10n.date_time(digest.as_of, lang),
        "organizer": digest.organizer.name,
        "regions": ", ".join(_region(code, lang) for code in digest.organizer.region_codes),
        "sender": sender,
        "new": {
            "in_quebec": figure(new.in_quebec, lang),
            "canada_wide": figure(new.canada_wide, lang),
            "in_regions": figure(new.in_regions, lang),
            "by_source": bars([_row(r, _source(r.key, new.publishers, lang)) for r in new.by_source], lang),
            "by_region": bars([_row(r, _region(r.key, lang)) for r in new.by_region], lang),
            "by_category": bars([_row(r, _category(r.key, lang)) for r in new.by_category], lang),
        },
        "alerts": {
            "bars": bars([(e.name, e.alerted.this, e.alerted.last, e.flooded) for e in alerts.enterprises], lang),
            "flooded": [e.name for e in alerts.flooded],
            "quiet": [e.name for e in alerts.quiet],
            "answers": alerts.answers,
            "threshold": alerts.threshold,
            "quiet_weeks": alerts.quiet_weeks,
        },
        "closing": {
            "count": figure(digest.closing_soon.count, lang),
            "tenders": [tender_view(line, lang) for line in digest.closing_soon.tenders],
        },
        "unmatched": {
            "count": figure(digest.unmatched.count, lang),
            "families": _families(digest.unmatched.families, lang),
        },
        "signatories": {
            "count": figure(digest.signatory_tenders.count, lang),
            "tenders": [tender_view(line, lang) for line in digest.signatory_tenders.tenders],
        },
        "pledges": {
            "new": figure(digest.pledges.new, lang),
            "confirmed": figure(digest.pledges.confirmed, lang),
            "withdrawn": figure(digest.pledges.withdrawn, lang),
            "signatories": figure(digest.pledges.signatories, lang),
            "confirmed_in_regions": list(digest.pledges.confirmed_in_regions),
        },
        "outcomes": {
            "won": [win_view(w, lang) for w in outcomes.won],
            "won_count": figure(outcomes.won_count, lang),
            "won_amount": money_figure(outcomes.won_amount, lang),
            "signatory_awards": figure(outcomes.signatory_awards, lang),
            "signatory_amount": money_figure(outcomes.signatory_amount, lang),
            "signatory_to_registered": figure(outcomes.signatory_to_registered, lang),
            "bars": bars(
                [
                    (wording("digest.outcomes.bar.won", lang), outcomes.won_amount.this, outcomes.won_amount.last),
                    (
                        wording("digest.outcomes.bar.signatories", lang),
                        outcomes.signatory_amount.this,
                        outcomes.signatory_amount.last,
                    ),
                ],
                lang,
                money=True,
            ),
        },
        "deliverability": {
            name: figure(getattr(digest.deliverability, name), lang)
            for name in ("alert_emails", "bounces", "complaints", "unsubscribes")
        },
    }


def figure(value: Figure, lang: str) -> FigureView:
    return FigureView(
        l10n.count(value.this, lang), l10n.count(value.last, lang), _change(value.this - value.last, lang)
    )


def money_figure(value: Amount, lang: str) -> FigureView:
    change = value.this - value.last
    sign = "+" if change > 0 else "−" if change < 0 else ""
    words = f"{sign}{l10n.money(abs(change), lang)}" if change else "="
    return FigureView(l10n.money(value.this, lang), l10n.money(value.last, lang), words)


def bars(
    rows: Sequence[tuple[str, int | Decimal, int | Decimal] | tuple[str, int | Decimal, int | Decimal, bool]],
    lang: str,
    *,
    money: bool = False,
) -> list[Bar]:
    """Rows (label, this week, last week[, highlighted]) → bars scaled to the chart's largest value."""
    largest = max((max(row[1], row[2]) for row in rows), default=0)

    def width(value: int | Decimal) -> int:
        return bar_width(value, largest)

    def words(value: int | Decimal) -> str:
        return l10n.money(value, lang) if money else l10n.count(int(value), lang)

    return [
        Bar(row[0], words(row[1]), words(row[2]), width(row[1]), width(row[2]), len(row) > 3 and bool(row[-1]))
        for row in rows
    ]


def bar_width(value: int | Decimal, largest: int | Decimal) -> int:
    """A bar's width in percent of the chart's largest value; a value that is not zero always shows."""
    return max(1, round(100 * value / largest)) if value and largest else 0


def tender_view(line: TenderLine, lang: str) -> TenderView:
    tender = line.tender
    title, title_lang = tender.title.read_in(lang)
    return TenderView(
        title=title,
        title_lang=title_lang,
        buyer=tender.buyer.name.read_in(lang)[0] if tender.buyer else "",
        closing=l10n.date_time(tender.closing_at, lang) if tender.closing_at else "",
        regions=_regions(tender, lang),
        url=notice_page(tender.url, lang),
        enterprises=", ".join(line.enterprises),
        signatory=line.signatory or "",
    )


def win_view(won: ContractWon, lang: str) -> WinView:
    title, title_lang = won.title.read_in(lang)
    return WinView(
        enterprise=won.enterprise_name,
        title=title,
        title_lang=title_lang,
        buyer=won.buyer.read_in(lang)[0],
        amount=l10n.money(won.amount, lang) if won.amount is not None else "",
        day=l10n.day(won.awarded_on, lang) if won.awarded_on else "",
        by_name=won.recognised_by == "name",
    )


def _families(families: Sequence[FamilyGroup], lang: str) -> list[FamilyView]:
    named = [
        (family.code or wording("digest.unmatched.no_family", lang), family.description.read_in(lang)[0])
        for family in families
    ]
    chart = bars(
        [
            (f"{code} {words}".strip(), f.count.this, f.count.last)
            for (code, words), f in zip(named, families, strict=True)
        ],
        lang,
    )
    return [
        FamilyView(code, words, bar, tuple(tender_view(TenderLine(t, ()), lang) for t in family.tenders))
        for (code, words), family, bar in zip(named, families, chart, strict=True)
    ]


def _row(row: Row, label: str) -> tuple[str, int, int, bool]:
    return label, row.this, row.last, row.highlighted


def _change(difference: int, lang: str) -> str:
    if difference == 0:
        return "="
    return f"{'+' if difference > 0 else '−'}{l10n.count(abs(difference), lang)}"


def _source(source: str, publishers: Mapping[str, Publisher], lang: str) -> str:
    """A feed's display name: SEAO, CanadaBuys (AchatsCanada), or the buyer publishing in it."""
    if source in BUILT_IN_SOURCES:
        return wording(f"digest.source.{source}", lang)
    publisher = publishers.get(source)
    if publisher is None:
        return wording("digest.source.unnamed", lang)
    name = publisher.name.read_in(lang)[0]
    if publisher.other_buyers == 1:
        return wording("digest.source.with_other", lang, name=name)
    if publisher.other_buyers:
        return wording("digest.source.with_others", lang, name=name, others=l10n.count(publisher.other_buyers, lang))
    return name


def _region(code: str, lang: str) -> str:
    """A region's name, or what a tender's place is when it is no single region."""
    return region_name(code, lang) if is_region_code(code) else wording(f"digest.place.{code.lower()}", lang)


def _category(category: str, lang: str) -> str:
    return wording(f"digest.category.{category if category != NO_CATEGORY else 'none'}", lang)


def _regions(tender: Tender, lang: str) -> str:
    regions = tender.regions
    return ", ".join(region_name(code, lang) for code in regions.codes) if regions else ""
