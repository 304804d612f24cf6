"""The yearly report's form: amounts as people write them, the period, the enterprises one per line, and every
field refusing what would read differently on a page (errors beside the fields, nothing saved)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esja.pledges.form import MalformedForm
from esja.signatory_space.report import Period
from esja.signatory_space.report_form import form_version, read_report_form, report_values

TODAY = date(2026, 11, 20)


def errors(**fields: str) -> dict[str, str]:
    form = read_report_form(
        {n: [v] for n, v in ({"year": "2025", "start_month": "1", "amount": "1000", "count": "1"} | fields).items()},
        today=TODAY,
    )
    return {error.field: error.code for error in form.errors}


@pytest.mark.parametrize(
    ("written", "amount"),
    [("45 990 $", "45990"), ("45990.50", "45990.50"), ("45 990,50 $", "45990.50"), ("1 234,5", "1234.50"), ("0", "0")],
)
def test_amounts_are_read_as_people_write_them(written: str, amount: str) -> None:
    form = read_report_form(
        {"year": ["2025"], "start_month": ["1"], "amount": [written], "count": ["0" if amount == "0" else "2"]},
        today=TODAY,
    )
    assert form.details is not None and form.details.amount == Decimal(amount)


def test_a_fiscal_year_runs_from_its_start_month_of_the_year_before() -> None:
    form = read_report_form({"year": ["2026"], "start_month": ["7"], "amount": ["10"], "count": ["1"]}, today=TODAY)

    assert form.details is not None and form.details.period == Period(2026, 7)
    assert (Period(2026, 7).first, Period(2026, 7).last) == (date(2025, 7, 1), date(2026, 6, 30))
    assert (Period(2026).first, Period(2026).last, Period(2026).label) == (date(2026, 1, 1), date(2026, 12, 31), "2026")
    assert Period(2026, 4).label == "2025-2026" and Period(2026, 4).last == date(2026, 3, 31)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"year": "1999"}, {"year": "year"}),
        ({"year": "2027"}, {"year": "not_begun"}),
        ({"year": "deux"}, {"year": "year"}),
        ({"start_month": "13"}, {"start_month": "choice"}),
        ({"amount": ""}, {"amount": "required"}),
        ({"amount": "beaucoup"}, {"amount": "amount"}),
        ({"amount": "-5"}, {"amount": "amount"}),
        ({"count": "0"}, {"count": "count_zero"}),
        ({"count": "2.5"}, {"count": "count"}),
        ({"total": "500"}, {"total": "total_below"}),
        ({"total": "0"}, {"total": "amount"}),
        ({"enterprises": "Coop du Fjord\nwww.evil-phish.com"}, {"enterprises": "line_no_links"}),
        ({"enterprises": "Coop\u200bdu Fjord"}, {"enterprises": "line_invisible"}),
        ({"enterprises": "\n".join(f"Coop {n}" for n in range(51))}, {"enterprises": "too_many"}),
        ({"comment": "Voir\u202ele rapport"}, {"comment": "invisible"}),
    ],
)
def test_each_bad_field_has_its_error_and_nothing_is_declared(fields: dict[str, str], expected: dict[str, str]) -> None:
    assert errors(**fields) == expected


def test_the_enterprises_are_one_per_line_once_each_and_a_comment_keeps_its_paragraphs() -> None:
    form = read_report_form(
        {
            "year": ["2025"],
            "start_month": ["1"],
            "amount": ["100"],
            "count": ["1"],
            "enterprises": ["Coop du Fjord\r\n\r\n  Les Ateliers Mon Choix \nCoop du Fjord"],
            "comment": ["Premier paragraphe.\r\n\r\nVoir https://ville.example.org/rapport"],
        },
        today=TODAY,
    )
    assert form.details is not None
    assert form.details.enterprises == ("Coop du Fjord", "Les Ateliers Mon Choix")
    assert form.details.comment == "Premier paragraphe.\nVoir https://ville.example.org/rapport"


def test_a_field_sent_twice_is_no_form_of_ours() -> None:
    with pytest.raises(MalformedForm):
        read_report_form({"amount": ["1", "2"]}, today=TODAY)


def test_what_is_shown_back_is_read_again_as_the_same() -> None:
    form = read_report_form(
        {"year": ["2026"], "start_month": ["4"], "amount": ["1 234,50"], "count": ["3"], "total": ["99999"]},
        today=TODAY,
    )
    assert form.details is not None
    again = read_report_form({k: [str(v)] for k, v in report_values(form.details, 4).items()}, today=TODAY)

    assert again.details == form.details and form_version(again) == 4


@given(
    st.dictionaries(
        st.sampled_from(["year", "start_month", "amount", "count", "total", "enterprises", "comment", "version"]),
        st.text(max_size=300),
    )
)
def test_any_text_in_any_field_is_read_or_refused_never_raises(fields: dict[str, str]) -> None:
    form = read_report_form({name: [value] for name, value in fields.items()}, today=TODAY)

    assert (form.details is None) == bool(form.errors) or form.details is None
    assert form_version(form) >= 0
