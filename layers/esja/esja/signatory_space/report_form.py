"""The yearly report's form as the browser sends it → what the institution declares, or each field's errors.

Amounts are read as people write them (« 45 990 $ », "45,990.50", « 1 234,50 »: esja.sources.fields.read_amount);
the enterprises concerned are one per line; every text is checked as every text that reaches a page is
(esja.pledges.form.text_errors: no invisible characters, no stacks of accents, no web address in a name).
Errors are codes with parameters; their wording is `report.error.<code>` in templates/i18n/results.json.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from esja.pledges.form import FieldError, Form, clean, sent_once, text_errors
from esja.signatory_space.report import FIRST_YEAR, MAX_ENTERPRISES, Declared, Period
from esja.sources.fields import read_amount

FIELDS = ("year", "start_month", "amount", "count", "total", "enterprises", "comment", "version")
MAX_LENGTH = {
    "year": 4,
    "start_month": 2,
    "amount": 20,
    "count": 7,
    "total": 20,
    "enterprises": 10_000,
    "comment": 2000,
}
ENTERPRISE_NAME = (2, 200)
COMMENT = (2, 2000)
MAX_AMOUNT = Decimal("100000000000")  # 100 billion dollars: beyond any institution's year
MAX_COUNT = 1_000_000
MAX_VERSION = 1_000_000

ReportForm = Form[Declared]


def read_report_form(fields: Mapping[str, Sequence[str]], *, today: date) -> ReportForm:
    """Raises MalformedForm for what no browser sends from our form (a field repeated)."""
    values: dict[str, str | tuple[str, ...]] = {}
    for name in FIELDS:
        raw = sent_once(fields, name)
        values[name] = _lines(raw) if name in ("enterprises", "comment") else clean(raw)
    text = {name: str(value) for name, value in values.items()}
    errors: list[FieldError] = []
    period = _period(text["year"], text["start_month"], today, errors)
    amount = _amount("amount", text["amount"], errors, required=True)
    count = _count(text["count"], amount, errors)
    total = _amount("total", text["total"], errors, required=False)
    if total is not None and amount is not None and total < amount:
        errors.append(FieldError("total", "total_below"))
    enterprises = _enterprises(text["enterprises"], errors)
    comment = text["comment"]
    if comment:
        errors += text_errors("comment", comment, COMMENT, links=True)
    if errors or period is None or amount is None or count is None:
        return Form(values, tuple(errors), None)
    return Form(values, (), Declared(period, amount, count, total, enterprises, comment))


def form_version(form: ReportForm) -> int:
    """The version of the report the form was shown with (0: none saved yet)."""
    raw = str(form.values.get("version", ""))
    return int(raw) if raw.isascii() and raw.isdigit() and int(raw) <= MAX_VERSION else 0


def report_values(declared: Declared, version: int) -> dict[str, str | tuple[str, ...]]:
    """The form's fields for what is declared (a saved report, or one pre-filled)."""
    return {
        "year": str(declared.period.year),
        "start_month": str(declared.period.start_month),
        "amount": _number(declared.amount),
        "count": str(declared.count),
        "total": _number(declared.total) if declared.total is not None else "",
        "enterprises": "\n".join(declared.enterprises),
        "comment": declared.comment,
        "version": str(version),
    }


def _lines(raw: str) -> str:
    """A text that keeps its line breaks (the enterprises, one per line; a comment's paragraphs)."""
    lines = (clean(line) for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _period(year: str, start_month: str, today: date, errors: list[FieldError]) -> Period | None:
    chosen = int(year) if year.isascii() and year.isdigit() and len(year) == 4 else 0
    if not FIRST_YEAR <= chosen <= today.year + 1:
        errors.append(FieldError("year", "year", {"first": FIRST_YEAR, "last": today.year}))
        return None
    month = int(start_month) if start_month.isascii() and start_month.isdigit() and len(start_month) <= 2 else 0
    if not 1 <= month <= 12:
        errors.append(FieldError("start_month", "choice"))
        return None
    period = Period(chosen, month)
    if period.first > today:
        errors.append(FieldError("year", "not_begun"))
        return None
    return period


def _amount(name: str, value: str, errors: list[FieldError], *, required: bool) -> Decimal | None:
    if not value:
        if required:
            errors.append(FieldError(name, "required"))
        return None
    read = read_amount(value.replace("$", "").strip()) if len(value) <= MAX_LENGTH[name] else None
    if read is None or not Decimal(0) <= read < MAX_AMOUNT or (name == "total" and read == 0):
        errors.append(FieldError(name, "amount"))
        return None
    return read.quantize(Decimal("0.01")) if read != read.to_integral_value() else read.quantize(Decimal(1))


def _count(value: str, amount: Decimal | None, errors: list[FieldError]) -> int | None:
    if not value:
        errors.append(FieldError("count", "required"))
        return None
    count = int(value) if value.isascii() and value.isdigit() and len(value) <= MAX_LENGTH["count"] else -1
    if not 0 <= count <= MAX_COUNT:
        errors.append(FieldError("count", "count"))
        return None
    if amount and count == 0:
        errors.append(FieldError("count", "count_zero"))
        return None
    return count


def _enterprises(value: str, errors: list[FieldError]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(value.split("\n"))) if value else ()
    if len(names) > MAX_ENTERPRISES:
        errors.append(FieldError("enterprises", "too_many", {"max": MAX_ENTERPRISES}))
        return ()
    for number, name in enumerate(names, 1):
        found = text_errors("enterprises", name, ENTERPRISE_NAME)
        if found:
            error = found[0]
            errors.append(FieldError("enterprises", f"line_{error.code}", {"line": number, **error.params}))
            return ()
    return names


def _number(amount: Decimal) -> str:
    """As the form shows an amount back: plain digits, cents only when there are some."""
    return f"{amount:f}"
