"""The yearly reports: the signatory's (/signataire/rapports: the years, and each year's form pre-filled with what
ESJA found) and the organizers' (/organisation/rapports-annuels: their regions' reports of a year, the CSV
export — a POST: it is audited —, and the date the reports are due, from which the reminders go).

The use cases (esja.signatory_space.reports, esja.console.yearly_reports) decide who may read and change what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.clock import utc_now
from esja.console.yearly_reports import BadYear, YearlyReportsConsole
from esja.geo.regions import region_name
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.signatory_space.report_form import MAX_LENGTH
from esja.signatory_space.reports import YearlyReports
from esja.web.forms import single
from esja.web.openapi import LANG, Page, add_pages, html, query, redirect
from esja.web.requests import RequestReader
from esja.web.session import Refused, SpaceAccess, Spaces, see_other
from esja.web.space_pages import Viewer, space_page

REPORTS_PATH = "/signataire/rapports"
YEAR_PATH = "/signataire/rapports/<year>"
CONSOLE_PATH = "/organisation/rapports-annuels"
EXPORT_PATH = "/organisation/rapports-annuels/export"
DEADLINE_PATH = "/organisation/rapports-annuels/echeance"
YEAR = {"name": "year", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[0-9]{4}$"}}
MONTHS = tuple(range(1, 13))


def _year(text: str) -> int:
    return int(text) if text.isdigit() and len(text) == 4 else 0


@dataclass(frozen=True, slots=True)
class ReportPages:
    _reports: YearlyReports
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def overview(self) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        saved = _year(self._request.query("enregistre"))
        return self._page("pages/space/reports.html", actor, overview=self._reports.overview(actor), saved=saved)

    def draft(self, year: str) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        month = self._request.query("debut")
        start = int(month) if month.isdigit() and len(month) <= 2 else None
        return self._draft(actor, year, start)

    def save(self, year: str) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        fields = {**self._request.form(), "year": [year]}  # the year is the page's
        saved = self._reports.save(actor, fields)
        if saved.report is not None:
            return see_other(f"{REPORTS_PATH}?lang={self._request.language()}&enregistre={saved.report.year}")
        month = single(fields, "start_month")
        start = int(month) if month.isdigit() and len(month) <= 2 else None
        status = 409 if saved.conflict else 422
        return self._draft(actor, year, start, status=status, form=saved.form, conflict=saved.conflict)

    def _draft(self, actor: Actor, year: str, start: int | None, *, status: int = 200, **shown: Any) -> Response[str]:
        draft = self._reports.draft(actor, _year(year), start)
        form = shown.pop("form", None) or draft.form
        context = {"draft": draft, "values": form.values, "errors": form.errors, "conflict": False, **shown}
        field_errors = {e.field: e for e in form.errors}
        return self._page(
            "pages/space/report_form.html",
            actor,
            status=status,
            field_errors=field_errors,
            months=MONTHS,
            max_length=MAX_LENGTH,
            **context,
        )

    def _page(self, template: str, actor: Actor, *, status: int = 200, **context: Any) -> Response[str]:
        return space_page(
            template,
            self._request.language(),
            Viewer.of(actor),
            sender=self._spaces.sender,
            here=REPORTS_PATH,
            status=status,
            paths={"reports": REPORTS_PATH},
            **context,
        )


def report_router(reports: YearlyReports, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = ReportPages(reports, spaces, RequestReader(router), spaces.access(router))
    to_sign_in = redirect("Not signed in as a signatory: to the sign-in page")
    fields = ("start_month", "amount", "count", "total", "enterprises", "comment", "version")
    add_pages(
        router,
        ["Signatories' space"],
        [
            Page(
                "GET",
                REPORTS_PATH,
                pages.overview,
                "The institution's yearly reports, against its target and the previous years",
                {200: html("The reports"), 303: to_sign_in},
                (query("enregistre", "The year just saved"), LANG),
            ),
            Page(
                "GET",
                YEAR_PATH,
                pages.draft,
                "A year's report: as saved, or pre-filled with the awards and invitations ESJA found",
                {200: html("The form"), 303: to_sign_in, 404: html("Not a year to report")},
                (YEAR, query("debut", "The month the institution's year starts (fiscal year)"), LANG),
            ),
            Page(
                "POST",
                YEAR_PATH,
                pages.save,
                "Save a year's report",
                {
                    303: redirect("Saved: to the reports"),
                    403: html("Not this person's space, or a forged form"),
                    409: html("Saved by someone else since the form was shown"),
                    422: html("The form with an error beside each field"),
                },
                (YEAR, LANG),
                form={"type": "object", "properties": {n: {"type": "string"} for n in fields}},
            ),
        ],
    )
    return router


@dataclass(frozen=True, slots=True)
class ConsoleReportPages:
    _console: YearlyReportsConsole
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def year(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        asked = self._request.query("annee")
        year = _year(asked) if asked else self._console.default_year()
        return self._page(actor, year)

    def export(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        year = _year(single(self._request.form(), "annee"))
        try:
            exported = self._console.export(actor, year)
        except BadYear:
            raise Refused(404, "error.not_found") from None
        name = f"rapports-annuels-{year}-{utc_now().date().isoformat()}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
        # The byte-order mark: spreadsheets read the file as UTF-8 (accents intact) only with it.
        return Response(200, "text/csv; charset=utf-8", "\ufeff" + exported.csv, headers=headers)

    def set_deadline(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        fields = self._request.form()
        year = _year(single(fields, "year"))
        try:
            self._console.set_deadline(actor, fields)
        except BadYear:
            return self._page(actor, self._console.default_year(), status=422, deadline_error="year")
        except ValueError:
            return self._page(actor, year, status=422, deadline_error="due", due=single(fields, "due")[:10])
        return see_other(f"{CONSOLE_PATH}?lang={self._request.language()}&annee={year}&echeance=1")

    def _page(self, actor: Actor, year: int, *, status: int = 200, **context: Any) -> Response[str]:
        try:
            shown = self._console.year(actor, year)
        except BadYear:
            raise Refused(404, "error.not_found") from None
        this_year = utc_now().date().year
        return space_page(
            "pages/space/console_reports.html",
            self._request.language(),
            Viewer.of(actor),
            sender=self._spaces.sender,
            here=CONSOLE_PATH,
            status=status,
            shown=shown,
            years=range(this_year, 2019, -1),
            paths={"reports": CONSOLE_PATH, "export": EXPORT_PATH, "deadline": DEADLINE_PATH},
            saved=self._request.query("echeance") == "1",
            earliest_due=date(year + 1, 1, 1).isoformat(),
            region_name=region_name,
            **{"deadline_error": "", "due": "", **context},
        )


def console_report_router(console: YearlyReportsConsole, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = ConsoleReportPages(console, spaces, RequestReader(router), spaces.access(router))
    refused = {403: html("Not an organizer, or a forged form"), 404: html("Not a year reports are about")}
    add_pages(
        router,
        ["Organizers' console"],
        [
            Page(
                "GET",
                CONSOLE_PATH,
                pages.year,
                "The signatories' yearly reports of a year, in the organizer's regions",
                {200: html("The reports"), 303: redirect("Not signed in as an organizer"), **refused},
                (query("annee", "The year (last year by default)"), query("echeance", "A due date was just set"), LANG),
            ),
            Page(
                "POST",
                EXPORT_PATH,
                pages.export,
                "The year's reports as CSV (audited)",
                {200: {"description": "The CSV file", "content": {"text/csv": {}}}, **refused},
                form={"type": "object", "properties": {"annee": {"type": "string"}}},
            ),
            Page(
                "POST",
                DEADLINE_PATH,
                pages.set_deadline,
                "The date the year's reports are due in the organizer's regions (audited); the reminders follow",
                {303: redirect("Set: back to the year"), 422: html("Not a date or a year"), **refused},
                form={"type": "object", "properties": {"year": {"type": "string"}, "due": {"type": "string"}}},
            ),
        ],
    )
    return router
