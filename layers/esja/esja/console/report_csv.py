"""The programme report's tables as CSV (/organisation/rapport?…&format=csv): its figures, a line each and a
column per month, the pledges verified in the range with their targets (`&tableau=engagements`), or what the
signatories reported, a line per year with how many of its reports are of a fiscal year (`&tableau=rapports`).

Numbers as a spreadsheet reads them (`45990.00`, `12.5`), months as `2026-10`; the labels in the page's
language. Nothing personal is in either table — figures, and public institutions' names — so an export is
not written to the audit log. The institutions' names were typed on a public form: a cell that a spreadsheet
would run as a formula gets an apostrophe first (esja.pledges.export.spreadsheet_cell).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import StrEnum

from esja.console.report import ProgrammeReport, Unit
from esja.geo.regions import region_name
from esja.pledges.export import spreadsheet_cell
from esja.rendering import wording


class Table(StrEnum):
    """A table of the report, named as the page's `tableau` names it."""

    FIGURES = "chiffres"
    PLEDGES = "engagements"
    REPORTED = "rapports"


REPORTED_COLUMNS = ("year", "reports", "fiscal", "amount", "purchases", "with_share", "meeting_target", "target")


def report_csv(report: ProgrammeReport, lang: str, table: Table = Table.FIGURES) -> str:
    """The figures' table, the verified pledges' or the reported years'."""
    if table is Table.REPORTED:
        header = [wording(f"console.report.csv.reported.{name}", lang) for name in REPORTED_COLUMNS]
        rows: Iterable[Sequence[object]] = (
            (
                y.year,
                y.reports,
                y.fiscal,
                _number(y.amount, Unit.MONEY),
                y.purchases,
                y.with_share,
                y.meeting_target,
                _number(y.average_target, Unit.PERCENT),
            )
            for y in report.reported
        )
    elif table is Table.PLEDGES:
        header = [
            wording(f"console.report.csv.{name}", lang) for name in ("institution", "region", "verified", "target")
        ]
        rows = (
            (p.institution, region_name(p.region, lang), p.verified_on.isoformat(), p.target_share)
            for p in report.verified
        )
    else:
        header = [
            wording("console.report.csv.figure", lang),
            wording("console.report.csv.code", lang),
            *(month.label for month in report.months),
            wording("console.report.csv.total", lang),
        ]
        rows = (
            (
                wording(f"console.report.row.{line.row.key}", lang),
                line.row.key,
                *(_number(value, line.row.unit) for value in line.months),
                _number(line.total, line.row.unit),
            )
            for line in report.lines
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_cell(value) for value in row] for row in rows)
    return out.getvalue()


def _number(value: Decimal | None, unit: Unit) -> str:
    if value is None:
        return ""
    if unit is Unit.MONEY:
        return f"{value:.2f}"
    return f"{value.normalize():f}"
