"""The invitation form: what a signatory may post, and every refusal beside its field."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esja.clock import TIME_ZONE
from esja.model import Category
from esja.pledges.form import MalformedForm
from esja.signatory_space.invitation import Audience
from esja.signatory_space.invitation_form import MAX_CODES, MAX_NAMED, read_invitation_form
from tests.invitation_builders import as_form, invitation_fields
from tests.space_builders import NOW


def read(**overrides: object) -> object:
    return read_invitation_form(as_form(invitation_fields(**overrides)), now=NOW)  # type: ignore[arg-type]


def errors_of(**overrides: object) -> dict[str, str]:
    form = read_invitation_form(as_form(invitation_fields(**overrides)), now=NOW)  # type: ignore[arg-type]
    assert form.details is None
    return {e.field: e.code for e in form.errors}


def test_a_complete_form_gives_the_invitation_in_montreal_time() -> None:
    form = read_invitation_form(as_form(invitation_fields()), now=NOW)

    details = form.details
    assert details is not None and form.errors == ()
    assert details.title.fr == "Entretien ménager de la bibliothèque Lisette-Morin" and details.title.en is None
    assert details.description.fr == (
        "Nettoyage hebdomadaire des planchers et des salles de toilettes.\n\nVisite des lieux sur demande."
    )
    assert details.codes == ("76111500",) and details.category is Category.SERVICES
    assert (details.region, details.municipality) == ("01", "Rimouski")
    assert details.value == Decimal("24500")
    assert details.closing_at.astimezone(TIME_ZONE).hour == 14
    assert details.closing_at.date() == (NOW + timedelta(days=10)).date()
    assert details.answer.email == "approvisionnement@ville.rimouski.example.org"
    assert details.audience is Audience.OPEN and details.named == ()


def test_a_closing_date_in_the_past_is_refused_beside_the_date() -> None:
    assert errors_of(closing=NOW - timedelta(hours=1)) == {"closing_date": "past"}


def test_a_closing_date_more_than_a_year_away_is_refused_as_a_slip() -> None:
    assert errors_of(closing=NOW + timedelta(days=400)) == {"closing_date": "too_far"}


def test_no_way_to_answer_is_refused_beside_the_answer() -> None:
    assert errors_of(answer_email="", answer_url="", documents="") == {"answer": "answer"}


@pytest.mark.parametrize("code", ["76119999", "12345678", "7611x", "99"])
def test_a_code_that_does_not_exist_is_refused_naming_it(code: str) -> None:
    form = read_invitation_form(as_form(invitation_fields(codes=["76111500", code])), now=NOW)

    assert form.details is None
    [error] = form.errors
    assert (error.field, error.code, error.params["code"]) == ("codes", "code", code)


def test_codes_come_from_the_search_or_typed_together_in_one_field() -> None:
    form = read_invitation_form(as_form(invitation_fields(codes=["7611 1503 – Nettoyage; 7611", "80161508"])), now=NOW)

    assert form.details is not None
    assert form.details.codes == ("76111503", "76110000", "80161508")


def test_too_many_codes_are_refused() -> None:
    codes = [f"7611{n:02d}00" for n in range(15, 15 + MAX_CODES + 1)]
    assert errors_of(codes=codes)["codes"] in ("codes_too_many", "code")


def test_a_municipality_gives_its_region_and_must_lie_in_the_region_chosen() -> None:
    form = read_invitation_form(as_form(invitation_fields(municipality="Matane", region="")), now=NOW)
    assert form.details is not None and form.details.region == "01"

    assert errors_of(municipality="Rimouski", region="06") == {"municipality": "municipality_region"}
    assert errors_of(municipality="Nulle-Part-sur-Mer") == {"municipality": "municipality_unknown"}
    assert errors_of(municipality="", region="") == {"region": "where"}


def test_a_title_holds_no_web_address_but_a_description_may() -> None:
    assert errors_of(title_fr="Voir www.evil-phish.com pour les détails") == {"title_fr": "no_links"}
    form = read_invitation_form(
        as_form(invitation_fields(description_fr="Le devis est sur https://ville.rimouski.example.org/devis.")), now=NOW
    )
    assert form.details is not None


def test_invisible_characters_are_refused_in_every_text() -> None:
    assert errors_of(title_fr="Entretien\u202eménager de la ville")["title_fr"] == "invisible"
    assert errors_of(description_fr="Nettoyage\u200b des planchers et des toilettes")["description_fr"] == "invisible"


def test_an_answer_link_must_be_a_web_address() -> None:
    assert errors_of(answer_url="javascript:alert(1)") == {"answer_url": "url"}
    assert errors_of(answer_url="https://") == {"answer_url": "url"}


def test_a_named_invitation_names_between_one_and_twenty_enterprises() -> None:
    assert errors_of(audience="named") == {"enterprises": "named_required"}
    too_many = [f"coop-{n}" for n in range(MAX_NAMED + 1)]
    assert errors_of(audience="named", enterprises=too_many) == {"enterprises": "named_too_many"}
    form = read_invitation_form(as_form(invitation_fields(audience="named", enterprises=["a", "b"])), now=NOW)
    assert form.details is not None and form.details.named == ("a", "b")


def test_an_open_invitation_names_no_one_whatever_was_sent() -> None:
    form = read_invitation_form(as_form(invitation_fields(audience="open", enterprises=["a"])), now=NOW)
    assert form.details is not None and form.details.named == ()


def test_values_as_quebec_writes_them() -> None:
    for written, amount in (("45 990 $", "45990"), ("45 990,50", "45990.50"), ("1000.25", "1000.25")):
        form = read_invitation_form(as_form(invitation_fields(value=written)), now=NOW)
        assert form.details is not None and form.details.value == Decimal(amount)
    assert errors_of(value="quarante mille") == {"value": "value"}
    assert errors_of(value="-5") == {"value": "value"}


def test_errors_come_in_the_order_the_form_shows_the_fields() -> None:
    form = read_invitation_form(
        as_form(invitation_fields(title_fr="", codes=[], closing=NOW - timedelta(days=1), answer_email="")), now=NOW
    )
    assert [e.field for e in form.errors] == ["title_fr", "codes", "closing_date", "answer"]


def test_a_single_field_sent_twice_is_no_form_of_ours() -> None:
    fields = as_form(invitation_fields())
    fields["title_fr"] = ["a", "b"]
    with pytest.raises(MalformedForm):
        read_invitation_form(fields, now=NOW)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(list(invitation_fields())), st.text(max_size=300), max_size=16))
def test_any_values_give_an_invitation_or_errors_never_a_crash(values: dict[str, str]) -> None:
    form = read_invitation_form(as_form({**invitation_fields(), **values}), now=NOW)

    assert (form.details is None) == bool(form.errors)
