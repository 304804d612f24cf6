"""The console's reports (/organisation/…): the feeds (`flux`), the past digests (`sommaires`) and the programme
report (`rapport`, HTML or CSV). Each page: `require(Role.ORGANIZER)` → the use case with the Actor → the page.

A past digest opens inside the console in a sandboxed frame: the archived page as it was e-mailed (inline
styles of an e-mail, our site's stylesheet would upset them), served by its own route to frames of this site
only, with nothing able to run in it; its links open in the whole window.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja import l10n
from esja.console.digests import OpenedDigest, PastDigests
from esja.console.feeds import SEAO_WEEKLY_DELAY, FeedWatch
from esja.console.report import SECTIONS, ProgrammeReport, ProgrammeReports, RangeError, ReportLine, Unit
from esja.console.report_csv import FIGURES, TABLES, report_csv
from esja.digest.compose import bar_width, week_name
from esja.geo.regions import region_name
from esja.ingest.feed_state import COUNTS
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.signin.links import SPACE_HOMES
from esja.sources.catalogue import DEFAULT_FEEDS
from esja.web.digest_routes import ARCHIVE_CSP
from esja.web.openapi import LANG, Page, add_pages, html, query, redirect
from esja.web.requests import RequestReader
from esja.web.security import SECURITY_HEADERS
from esja.web.session import SpaceAccess, Spaces
from esja.web.space_pages import Viewer, space_page

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

HOME = SPACE_HOMES[Role.ORGANIZER]
FEEDS_PATH = f"{HOME}flux"
DIGESTS_PATH = f"{HOME}sommaires"
REPORT_PATH = f"{HOME}rapport"
TAGS = ["Organizers' console"]
CSV = "text/csv; charset=utf-8"
BAR_STEP = 5  # the bars' widths, in percent of the largest month: the stylesheet's .w5 … .w100
# The console's policy, with frames of our own: the archived digest's.
FRAMING_CSP = SECURITY_HEADERS["Content-Security-Policy"] + "; frame-src 'self'"
FRAMED_HEADERS = {
    "Content-Security-Policy": ARCHIVE_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'"),
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex",
}


@dataclass(frozen=True, slots=True)
class MonthCell:
    label: str  # « octobre 2026 »
    partial: str  # « du 1er au 23 », for a month the range cuts
    value: str  # in words; « — » for nothing to say; « à venir » for a month to come
    width: int  # the bar's width class (0: no bar)


@dataclass(frozen=True, slots=True)
class LineView:
    key: str
    total: str
    months: tuple[MonthCell, ...]


@dataclass(frozen=True, slots=True)
class ReportPages:
    _feeds: FeedWatch
    _digests: PastDigests
    _reports: ProgrammeReports
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def feeds(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        context: dict[str, Any] = {
            "page": self._feeds.statuses(actor),
            "built_in_feeds": DEFAULT_FEEDS,
            "count_names": COUNTS,
            "count": l10n.count,
            "date_range": l10n.date_range,
            "seao_delay_days": SEAO_WEEKLY_DELAY.days,
        }
        return self._page("pages/space/feeds.html", actor, FEEDS_PATH, **context)

    def digests(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        lang = self._request.language()
        listed = [(d, week_name(d.week, lang)) for d in self._digests.listed(actor)]
        return self._page("pages/space/digests.html", actor, DIGESTS_PATH, digests=listed, all_regions=actor.covers_all)

    def digest(self, organizer_id: str, week: str) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        opened = self._digests.opened(actor, organizer_id, week)
        answer = self._page(
            "pages/space/digest.html",
            actor,
            DIGESTS_PATH,
            digest=opened.digest,
            week=week_name(opened.digest.week, self._request.language()),
            original=_original_path(opened),
        )
        answer.headers["Content-Security-Policy"] = FRAMING_CSP
        return answer

    def original(self, organizer_id: str, week: str) -> Response[str]:
        """The archived page alone, as e-mailed: in the console's frame, or opened on its own."""
        actor = self._access.require(Role.ORGANIZER)
        opened = self._digests.opened(actor, organizer_id, week)
        # Links go to the whole window, not the frame (publishers' pages refuse to be framed).
        page = opened.page.replace("<head>", '<head>\n<base target="_top">', 1)
        return Response(200, "text/html; charset=utf-8", page, headers=dict(FRAMED_HEADERS))

    def report(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        lang = self._request.language()
        asked = {name: self._request.query(name)[:40] for name in ("du", "au", "format", "tableau")}
        try:
            days = self._reports.asked(asked["du"], asked["au"])
        except RangeError as error:
            return self._report_page(actor, asked, error=error)
        if asked["format"] not in ("", "csv", "html") or asked["tableau"] not in ("", *TABLES):
            return self._report_page(actor, asked, error=RangeError("format", "format"))
        report = self._reports.report(actor, days)
        if asked["format"] == "csv":
            table = asked["tableau"] or FIGURES
            name = f"esja-rapport-{table}-{days.first}-{days.last}.csv"
            disposition = {"Content-Disposition": f'attachment; filename="{name}"', "Content-Language": lang}
            return Response(200, CSV, report_csv(report, lang, table), headers=disposition)
        return self._report_page(actor, {**asked, "du": str(days.first), "au": str(days.last)}, report=report)

    def _report_page(
        self,
        actor: Actor,
        asked: dict[str, str],
        *,
        report: ProgrammeReport | None = None,
        error: RangeError | None = None,
    ) -> Response[str]:
        lang = self._request.language()
        context: dict[str, Any] = {
            "asked": asked,
            "report": report,
            "error": error,
            "regions": ", ".join(region_name(code, lang) for code in actor.grant.regions),
            "all_regions": actor.covers_all,
            "report_sections": SECTIONS,
            "region_name": region_name,
            "percent": l10n.percent,
        }
        if report is not None:
            context |= {
                "lines": {line.row.key: _line_view(line, report, lang) for line in report.lines},
                "range_words": l10n.date_range(report.days.first, report.days.last, lang),
                "worked_out": "; ".join(week_name(week, lang) for week in report.worked_out),
            }
            if report.missing:
                first = max(report.missing[0].monday, report.days.first)
                last = min(report.missing[-1].sunday, report.days.last)
                context |= {"missing_first": l10n.day(first, lang), "missing_last": l10n.day(last, lang)}
        return self._page("pages/space/report.html", actor, REPORT_PATH, status=400 if error else 200, **context)

    def _page(self, template: str, actor: Actor, here: str, *, status: int = 200, **context: Any) -> Response[str]:
        lang = self._request.language()
        return space_page(
            template, lang, Viewer.of(actor), sender=self._spaces.sender, here=here, status=status, **context
        )


def _original_path(opened: OpenedDigest) -> str:
    return f"{DIGESTS_PATH}/{opened.digest.organizer_id}/{opened.digest.week}/original"


def _line_view(line: ReportLine, report: ProgrammeReport, lang: str) -> LineView:
    unit = line.row.unit
    largest = max((value for value in line.months if value is not None), default=Decimal(0))
    cells = []
    for month, value in zip(report.months, line.months, strict=True):
        width = bar_width(value, largest) if value else 0
        cells.append(
            MonthCell(
                label=l10n.month(month.days.first, lang),
                partial=l10n.date_range(month.days.first, month.days.last, lang) if month.partial else "",
                value="" if month.to_come else _words(value, unit, lang),
                width=(max(1, round(width / BAR_STEP)) * BAR_STEP) if width else 0,
            )
        )
    return LineView(line.row.key, _words(line.total, unit, lang), tuple(cells))


def _words(value: Decimal | None, unit: Unit, lang: str) -> str:
    if value is None:
        return "—"
    if unit is Unit.MONEY:
        return l10n.money(value, lang)
    if unit is Unit.PERCENT:
        return l10n.percent(value, lang)
    return l10n.count(int(value), lang)


def organizer_report_router(
    feeds: FeedWatch, digests: PastDigests, reports: ProgrammeReports, spaces: Spaces
) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = ReportPages(feeds, digests, reports, spaces, RequestReader(router), spaces.access(router))
    add_pages(router, TAGS, _pages(pages))
    return router


def _pages(pages: ReportPages) -> list[Page]:
    guarded: dict[int, OpenAPIResponse] = {
        303: redirect("Not signed in as an organizer: to the sign-in page (or the role chooser)"),
        403: html("Not an organizer"),
    }
    hidden = {404: html("No such digest, or another organizer's")}
    day = {"type": "string", "format": "date"}
    report_query = (
        query("du", "First day (default: the edition in progress, October 1 to May 31)", schema=day),
        query("au", "Last day (at most three years after the first)", schema=day),
        query("format", "csv: the table as CSV (no personal information)", schema={"enum": ["html", "csv"]}),
        query("tableau", "With format=csv: chiffres (the figures) or engagements", schema={"enum": list(TABLES)}),
        LANG,
    )
    return [
        Page(
            "GET",
            FEEDS_PATH,
            pages.feeds,
            "Each feed: last success, errors, files, counts, late or not",
            {200: html("The feeds"), **guarded},
        ),
        Page(
            "GET",
            DIGESTS_PATH,
            pages.digests,
            "The past digests the organizer may read, newest first",
            {200: html("The digests"), **guarded},
        ),
        Page(
            "GET",
            f"{DIGESTS_PATH}/<organizer_id>/<week>",
            pages.digest,
            "A past digest, inside the console",
            {200: html("The digest in a frame"), **hidden, **guarded},
        ),
        Page(
            "GET",
            f"{DIGESTS_PATH}/<organizer_id>/<week>/original",
            pages.original,
            "The archived digest as e-mailed (framed by the console only)",
            {200: html("The archived page"), **hidden, **guarded},
        ),
        Page(
            "GET",
            REPORT_PATH,
            pages.report,
            "The programme report over a range of days (region-scoped), HTML or CSV",
            {200: html("The report, or its CSV"), 400: html("Bad dates or format"), **guarded},
            report_query,
        ),
    ]
