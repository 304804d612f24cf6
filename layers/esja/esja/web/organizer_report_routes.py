"""The console's reports (/organisation/…): the feeds (`flux`), the past digests (`sommaires`) and the programme
report (`rapport`, HTML or CSV). Each page: `require(Role.ORGANIZER)` → the use case with the Actor → the page.

A past digest opens inside the console in a sandboxed frame: the archived page as it was e-mailed (inline
styles of an e-mail, our site's stylesheet would upset them), served by its own route to frames of this site
only, with nothing able to run in it; its links open in the whole window.

The report's modules (the digest's figures and sections) are imported when a report is first asked for, not
at the web function's cold start: they would cost every page some 50 ms of CPU.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja import l10n
from esja.console.digests import OpenedDigest, PastDigests
from esja.console.feeds import SEAO_WEEKLY_DELAY, FeedWatch
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

    from esja.console.report import ProgrammeReports
    from esja.digest.weeks import Week

HOME = SPACE_HOMES[Role.ORGANIZER]
FEEDS_PATH = f"{HOME}flux"
DIGESTS_PATH = f"{HOME}sommaires"
REPORT_PATH = f"{HOME}rapport"
# `tableau`: the figures, the verified pledges, or the reported years (esja.console.report_csv.Table, not imported
# at the cold start: see the module's docstring).
REPORT_TABLES = ("chiffres", "engagements", "rapports")
TAGS = ["Organizers' console"]
# The console's policy, with frames of our own: the archived digest's.
FRAMING_CSP = SECURITY_HEADERS["Content-Security-Policy"] + "; frame-src 'self'"
FRAMED_HEADERS = {
    "Content-Security-Policy": ARCHIVE_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'"),
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex",
}


@dataclass(frozen=True, slots=True)
class ReportPages:
    _feeds: FeedWatch
    _digests: PastDigests
    _reports: Callable[[], ProgrammeReports]  # built at the first report (see the module's docstring)
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
        listed = [(d, _week_name(d.week, lang)) for d in self._digests.listed(actor)]
        return self._page("pages/space/digests.html", actor, DIGESTS_PATH, digests=listed, all_regions=actor.covers_all)

    def digest(self, organizer_id: str, week: str) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        opened = self._digests.opened(actor, organizer_id, week)
        answer = self._page(
            "pages/space/digest.html",
            actor,
            DIGESTS_PATH,
            digest=opened.digest,
            week=_week_name(opened.digest.week, self._request.language()),
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
        from esja.web.report_page import report_answer  # at the first report only (the module's docstring)

        return report_answer(self._reports(), actor, self._request, self._spaces)

    def _page(self, template: str, actor: Actor, here: str, *, status: int = 200, **context: Any) -> Response[str]:
        lang = self._request.language()
        return space_page(
            template, lang, Viewer.of(actor), sender=self._spaces.sender, here=here, status=status, **context
        )


def _week_name(week: Week, lang: str) -> str:
    from esja.digest.compose import week_name  # the digest's words: not at every page's cold start

    return week_name(week, lang)


def _original_path(opened: OpenedDigest) -> str:
    return f"{DIGESTS_PATH}/{opened.digest.organizer_id}/{opened.digest.week}/original"


def organizer_report_router(
    feeds: FeedWatch, digests: PastDigests, reports: Callable[[], ProgrammeReports], spaces: Spaces
) -> Router:
    """`reports` gives the report's use case when a report is first asked for."""
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
        query(
            "tableau",
            "With format=csv: chiffres (figures), engagements or rapports (years reported)",
            schema={"enum": list(REPORT_TABLES)},
        ),
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
