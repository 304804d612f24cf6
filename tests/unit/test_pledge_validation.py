"""The pledge form's validation: what a person may send, and the message they get when it is wrong."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from esja.model import Category
from esja.pledges.form import MULTIPLE_FIELDS, SINGLE_FIELDS, FieldError, MalformedForm, read_pledge_form
from esja.pledges.model import InstitutionType
from esja.rendering import catalogue, translator, wording
from tests.pledge_builders import pledge_fields

TEMPLATES = resources.files("esja") / "templates"


def form(**overrides: str | list[str]) -> dict[str, list[str]]:
    """The form as the web layer hands it over: every field a list of values."""
    return {k: [v] if isinstance(v, str) else list(v) for k, v in pledge_fields(**overrides).items()}


def codes(**overrides: str | list[str]) -> dict[str, str]:
    return {e.field: e.code for e in read_pledge_form(form(**overrides)).errors}


def test_a_complete_form_gives_the_pledge_details() -> None:
    result = read_pledge_form(form(email="Marie.Tremblay@Ville.Rimouski.QC.CA", phone="", target_share="15 %"))

    details = result.details
    assert result.errors == () and details is not None
    assert details.institution_type is InstitutionType.MUNICIPALITY and details.region == "01"
    assert details.email == "Marie.Tremblay@ville.rimouski.qc.ca"  # the domain is case-insensitive
    assert details.phone is None and details.target_share == 15
    assert details.categories == (Category.GOODS, Category.SERVICES)
    assert details.declaration_accepted and details.registry_consent


def test_text_is_trimmed_and_inner_white_space_made_single() -> None:
    details = read_pledge_form(form(institution_name="  Ville\tde\n  Lévis  ")).details

    assert details is not None and details.institution_name == "Ville de Lévis"


def test_personal_information_stays_out_of_repr() -> None:
    details = read_pledge_form(form()).details

    assert "Marie" not in repr(details) and "marie.tremblay" not in repr(details) and "418" not in repr(details)


@pytest.mark.parametrize(
    "field", ["institution_name", "institution_type", "region", "signatory_name", "signatory_title", "email"]
)
def test_required_fields(field: str) -> None:
    assert codes(**{field: ""}) == {field: "required"}


def test_the_declaration_must_be_accepted() -> None:
    assert codes(declaration="") == {"declaration": "declaration"}


def test_registry_consent_is_separate_and_optional() -> None:
    details = read_pledge_form(form(registry_consent="")).details

    assert details is not None and details.declaration_accepted and not details.registry_consent


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"institution_name": "x" * 201}, ("institution_name", "too_long", {"max": 200})),
        ({"signatory_name": "A"}, ("signatory_name", "too_short", {"min": 2})),
        ({"signatory_title": "12345"}, ("signatory_title", "letters", {})),
        ({"institution_name": "Ville\u202ede Laval"}, ("institution_name", "invisible", {"code_point": "U+202E"})),
        ({"institution_name": "Ville\x00 de Laval"}, ("institution_name", "invisible", {"code_point": "U+0000"})),
        ({"signatory_name": "Achetez sur www.spam.example"}, ("signatory_name", "no_links", {})),
        ({"institution_name": "Voir https://spam.example"}, ("institution_name", "no_links", {})),
        ({"institution_type": "ministry"}, ("institution_type", "choice", {})),
        ({"region": "18"}, ("region", "choice", {})),
        ({"region": "1"}, ("region", "choice", {})),
        ({"email": "marie@"}, ("email", "email", {})),
        ({"email": "marie tremblay@ville.ca"}, ("email", "email", {})),
        ({"email": "é@ville.ca"}, ("email", "email", {})),  # SES sends to ASCII local parts only
        ({"email": "a@" + "b" * 250 + ".ca"}, ("email", "too_long", {"max": 254})),
        ({"phone": "555-0123"}, ("phone", "phone", {})),
        ({"phone": "call me"}, ("phone", "phone", {})),
        ({"phone": "+33 1 23 45 67 89"}, ("phone", "phone", {})),  # North American numbers only
        ({"phone": "418 555-0123 poste"}, ("phone", "phone", {})),
        ({"institution_type": "private-company"}, ("institution_type", "choice", {})),  # no longer offered
        ({"target_share": "0"}, ("target_share", "share", {})),
        ({"target_share": "101"}, ("target_share", "share", {})),
        ({"target_share": "12.5"}, ("target_share", "share", {})),
        ({"categories": ["goods", "weapons"]}, ("categories", "choice", {})),
        ({"declaration": "no"}, ("declaration", "declaration", {})),
        ({"registry_consent": "maybe"}, ("registry_consent", "choice", {})),
    ],
)
def test_each_rule_gives_its_error(
    overrides: dict[str, str | list[str]], expected: tuple[str, str, dict[str, int | str]]
) -> None:
    field, code, params = expected

    result = read_pledge_form(form(**overrides))

    assert result.details is None
    assert [(e.field, e.code, dict(e.params)) for e in result.errors] == [(field, code, params)]


@pytest.mark.parametrize(
    ("phone", "kept"),
    [
        ("418 555-0123, poste 12", "+14185550123;ext=12"),
        ("418-555-0123 p. 12", "+14185550123;ext=12"),
        ("(418) 555-0123 ext. 12", "+14185550123;ext=12"),
        ("+1 418 555 0123", "+14185550123"),
        ("1-800-555-0123", "+18005550123"),
        ("418.555.0123 #204", "+14185550123;ext=204"),
        ("4185550123 x 9", "+14185550123;ext=9"),
        ("(418)555-0123 poste 12", "+14185550123;ext=12"),
    ],
)
def test_phone_numbers_as_quebec_writes_them_are_kept_in_one_form(phone: str, kept: str) -> None:
    details = read_pledge_form(form(phone=phone)).details

    assert details is not None and details.phone == kept


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_phone_hint_and_the_error_examples_pass_their_own_validator(lang: str) -> None:
    # As the page shows them: typeset (a non-breaking space inside the number), after « : » or "example".
    for key in ("pledge.hint.phone", "pledge.error.phone"):
        shown = wording(key, lang)
        example = re.split(r":|example|exemple", shown)[-1].strip(" .\u00a0")

        assert codes(phone=example) == {}, (key, example)


@pytest.mark.parametrize(
    ("text", "code_point"),
    [
        ("Ville\u200bde Rimouski", "U+200B"),  # zero-width space
        ("Ville de Rimouski\u3164", "U+3164"),  # Hangul filler: renders blank
        ("\u115fMarie Tremblay", "U+115F"),  # Hangul choseong filler
        ("Ville de Lévis\U000e0041\U000e0042", "U+E0041"),  # tag characters
        ("Ville de\u2800Laval", "U+2800"),  # blank Braille pattern
        ("Ville de Ri\u00admouski", "U+00AD"),  # soft hyphen (Cf)
        ("Marie\u2066 Tremblay", "U+2066"),  # bidirectional isolate
        ("Ville de Laval\ufeff", "U+FEFF"),  # byte order mark
    ],
)
def test_invisible_and_format_characters_are_refused_naming_the_character(text: str, code_point: str) -> None:
    for field in ("institution_name", "signatory_name", "signatory_title"):
        [error] = read_pledge_form(form(**{field: text})).errors

        assert (error.field, error.code, dict(error.params)) == (field, "invisible", {"code_point": code_point})
    assert code_point in translator("fr")("pledge.error.invisible", code_point=code_point)
    assert "invisible or formatting character" in translator("en")("pledge.error.invisible", code_point=code_point)


def test_a_stack_of_combining_marks_is_refused() -> None:
    zalgo = "Ville de L" + "\u0301\u0302\u0303\u0304" + "aval"

    assert codes(institution_name=zalgo) == {"institution_name": "marks"}
    assert "plus de 2 accents" in translator("fr")("pledge.error.marks", max=2)
    assert "more than 2 stacked accents" in translator("en")("pledge.error.marks", max=2)


@pytest.mark.parametrize(
    "text",
    [
        "evil-phish.com",
        "Ville de Rimouski bit.ly/abc",
        "Voir www.exemple.ca",
        "marie@evil-phish.com",
        "evil-phish\u3002com",  # an ideographic full stop: some mail clients link it too
        "Ville de Rimouski (https://evil.example)",
        "t.co",
    ],
)
def test_words_that_look_like_links_or_domains_are_refused(text: str) -> None:
    for field in ("institution_name", "signatory_name", "signatory_title"):
        assert codes(**{field: text}) == {field: "no_links"}, field
    assert "exemple.com" in translator("fr")("pledge.error.no_links")
    assert "example.com" in translator("en")("pledge.error.no_links")


@pytest.mark.parametrize(
    "name",
    [
        "M.R.C. de Témiscouata",
        "C.S.S. des Phares",
        "Centre intégré de santé et de services sociaux (CISSS) du Bas-Saint-Laurent",
        "Nguyễn Thị Minh Khai",  # Vietnamese: letters with two marks
        "ᐃᓄᒃᑎᑐᑦ",  # Inuktitut syllabics
        "Conseil de la Nation Atikamekw — Wemotaci",
        "Dir. gén., Ph. D.",
        "Ville de Québec",
        "Ville de Rimouski\u00a0inc.",  # a non-breaking space pasted from a document: made a space
    ],
)
def test_real_names_and_titles_are_accepted(name: str) -> None:
    assert codes(institution_name=name, signatory_title=name) == {}


def test_errors_come_in_the_order_of_the_form() -> None:
    result = read_pledge_form(form(institution_name="", region="", email="x", declaration=""))

    assert [e.field for e in result.errors] == ["institution_name", "region", "email", "declaration"]


def test_values_are_kept_to_show_again_with_the_errors() -> None:
    result = read_pledge_form(form(email="pas une adresse", categories=["works"]))

    assert result.values["email"] == "pas une adresse" and result.values["categories"] == ("works",)


def test_a_field_sent_twice_is_not_a_browser_form() -> None:
    fields = form()
    fields["email"] = ["a@ville.ca", "b@ville.ca"]

    with pytest.raises(MalformedForm):
        read_pledge_form(fields)


def test_unknown_fields_are_ignored() -> None:
    assert read_pledge_form({**form(), "submit": ["1"]}).details is not None


def test_every_error_has_its_french_and_english_wording() -> None:
    params_of: dict[str, dict[str, int | str]] = {
        "required": {},
        "invisible": {"code_point": "U+200B"},
        "marks": {"max": 2},
        "too_long": {"max": 200},
        "too_short": {"min": 2},
        "letters": {},
        "no_links": {},
        "choice": {},
        "email": {},
        "phone": {},
        "share": {},
        "declaration": {},
    }
    errors = [FieldError("x", code, params) for code, params in params_of.items()]
    for lang in ("fr", "en"):
        wording = translator(lang)
        for error in errors:
            assert wording(f"pledge.error.{error.code}", **error.params), (lang, error.code)
    assert translator("fr")("pledge.error.too_long", max=200) == "Au plus 200 caractères."


def test_every_wording_key_of_the_pledge_templates_exists_in_both_languages() -> None:
    texts = catalogue()
    templates = [*(TEMPLATES / "pages").iterdir(), *(TEMPLATES / "email").iterdir()]
    keys = {
        key
        for template in templates
        if template.name.startswith(("pledge", "landing", "registry"))
        for key in re.findall(r'_\("([a-z0-9_.-]+)"', template.read_text(encoding="utf-8"))
        if not key.endswith(".")  # a prefix completed in the template: the keys it makes are listed below
    }
    keys |= {f"pledge.type.{t.value}" for t in InstitutionType} | {f"pledge.category.{c.value}" for c in Category}
    keys |= {f"pledge.field.{name}" for name in (*SINGLE_FIELDS, *MULTIPLE_FIELDS)}
    keys |= {
        f"pledge.hint.{name}" for name in ("institution_name", "email", "phone", "target_share", "registry_consent")
    }
    keys |= {f"pledge.declaration.{n}" for n in range(1, 5)}
    keys |= {"pledge.summary.declaration", "pledge.summary.registry_consent"}

    assert keys and not [k for k in sorted(keys) if set(texts.get(k, {})) != {"fr", "en"}]
