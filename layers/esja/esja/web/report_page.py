"""The programme report's page and its CSV (/organisation/rapport, esja.console.report): the range asked, read
and checked; the rows put into words, each month's bar sized; or the table as a file. Imported when a report is
first asked for (esja.web.organizer_report_routes)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aws_lambda_powertools.event_handler import Response

from esja import l10n
from esja.console.report import SECTIONS, ProgrammeReport, ProgrammeReports, RangeError, ReportLine, Unit
from esja.console.report_csv import Table, report_csv
from esja.digest.compose import bar_width, week_name
from esja.geo.regions import region_name
from esja.people.actor import Actor
from esja.web.organizer_report_routes import REPORT_PATH
from esja.web.requests import RequestReader
from esja.web.session import Spaces
from esja.web.space_pages import Viewer, space_page

CSV = "text/csv; charset=utf-8"
FORMATS = ("", "html", "csv")
BAR_STEP = 5  # the bars' widths, in percent of the largest month: the stylesheet's .w5 … .w100


@dataclass(frozen=True, slots=True)
class MonthCell:
    label: str  # « octobre 2026 »
    partial: str  # « 1er au 23 mai 2023 », for a month the range cuts
    value: str  # in words; « — » for nothing to say; empty for a month to come
    width: int  # the bar's width class (0: no bar)


@dataclass(frozen=True, slots=True)
class LineView:
    key: str
    total: str
    months: tuple[MonthCell, ...]


def report_answer(reports: ProgrammeReports, actor: Actor, request: RequestReader, spaces: Spaces) -> Response[str]:
    lang = request.language()
    asked = {name: request.query(name)[:40] for name in ("du", "au", "format", "tableau")}
    try:
        days = reports.asked(asked["du"], asked["au"])
    except RangeError as error:
        return _page(actor, asked, lang, spaces, error=error)
    if asked["format"] not in FORMATS or asked["tableau"] not in ("", *Table):
        return _page(actor, asked, lang, spaces, error=RangeError("format", "format"))
    report = reports.report(actor, days)
    if asked["format"] == "csv":
        table = Table(asked["tableau"] or Table.FIGURES)
        name = f"esja-rapport-{table}-{days.first}-{days.last}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{name}"', "Content-Language": lang}
        return Response(200, CSV, report_csv(report, lang, table), headers=headers)
    return _page(actor, {**asked, "du": str(days.first), "au": str(days.last)}, lang, spaces, report=report)


def _page(
    actor: Actor,
    asked: dict[str, str],
    lang: str,
    spaces: Spaces,
    *,
    report: ProgrammeReport | None = None,
    error: RangeError | None = None,
) -> Response[str]:
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
    status = 400 if error else 200
    viewer = Viewer.of(actor)
    return space_page(
        "pages/space/report.html", lang, viewer, sender=spaces.sender, here=REPORT_PATH, status=status, **context
    )


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
