"""The listing form: every field as strict as the pledge form's, the one link a website on https, families from the
UNSPSC list, a contact address that is never a subscriber's — and any input is a listing or errors, never a crash."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esja.directory.form import MAX_FAMILIES, message_key, read_listing_form
from esja.model import Category, Text
from esja.pledges.form import MalformedForm
from esja.rendering import catalogue
from esja.unspsc import unspsc_titles
from tests.directory_builders import listing_form

SUBSCRIBERS = frozenset({"julie@monchoix.example.org"})


def errors(**changes: str | Sequence[str]) -> list[tuple[str, str]]:
    form = read_listing_form(listing_form(**changes), refused_addresses=SUBSCRIBERS)
    return [(e.field, e.code) for e in form.errors]


def test_a_good_form_is_a_listing() -> None:
    form = read_listing_form(
        listing_form(description_en="We pack and assemble.  Also\tcleaning.", other_families="76111500, 7315;5310")
    )

    assert form.errors == () and form.details is not None
    assert form.details.description == Text(
        "Entreprise adaptée de Rimouski : emballage, assemblage et entretien ménager.",
        "We pack and assemble. Also cleaning.",
    )
    assert form.details.families == ("7315", "7611", "5310")  # each once, a commodity taken as its family
    assert form.details.regions == ("01", "11") and form.details.categories == (Category.SERVICES,)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"description_fr": ""}, [("description_fr", "one_description")]),
        ({"description_fr": "Trop court."}, [("description_fr", "too_short")]),
        ({"description_fr": "Visitez www.ateliers.example.org pour tout savoir."}, [("description_fr", "no_links")]),
        (
            {"description_fr": "Écrivez-nous : ventes sur evil-phish.com en tout temps."},
            [("description_fr", "no_links")],
        ),
        ({"description_fr": "Entreprise\u202e adaptée de Rimouski, emballage."}, [("description_fr", "invisible")]),
        ({"description_en": "Z\u0301\u0302\u0303\u0304algo text everywhere in here."}, [("description_en", "marks")]),
        ({"description_fr": "é" * 601}, [("description_fr", "too_long")]),
        ({"regions": []}, [("regions", "regions")]),
        ({"regions": ["01", "18"]}, [("regions", "choice")]),
        ({"categories": ["food"]}, [("categories", "choice")]),
        ({"families": ["72"]}, [("families", "family_unknown")]),  # a segment is too broad
        ({"other_families": "9999"}, [("families", "family_unknown")]),
        ({"other_families": "7611 abc"}, [("families", "family_unknown")]),
        ({"other_families": "1" * 201}, [("families", "too_long")]),
        ({"website": "http://ateliers.example.org"}, [("website", "website")]),
        ({"website": "javascript:alert(1)"}, [("website", "website")]),
        ({"website": 'https://ateliers.example.org/"><script>'}, [("website", "website")]),
        ({"website": "https://user@ateliers.example.org"}, [("website", "website")]),
        ({"website": "https://аteliers.example.org"}, [("website", "website")]),  # a Cyrillic « а »
        ({"website": "https://localhost"}, [("website", "website")]),
        ({"contact_email": "pas une adresse"}, [("contact_email", "email")]),
        ({"contact_email": "JULIE@monchoix.example.org"}, [("contact_email", "subscriber_address")]),
        ({"contact_email": "", "website": ""}, [("contact_email", "contact")]),
    ],
)
def test_each_bad_value_is_named_next_to_its_field(changes: dict[str, str], expected: list[tuple[str, str]]) -> None:
    assert errors(**changes) == expected


def test_the_website_alone_or_the_contact_alone_is_enough() -> None:
    assert errors(contact_email="") == [] and errors(website="") == []
    assert errors(website="https://www.ateliers.example.org:8443/fr/services?x=1#haut") == []


def test_too_many_families_are_refused() -> None:
    known = sorted({code[:4] for code, _ in unspsc_titles().items() if code[2:4] != "00"})
    families, typed = known[:12], " ".join(known[12 : MAX_FAMILIES + 1])

    assert errors(families=families, other_families=typed) == [("families", "too_many_families")]
    assert errors(families=families, other_families=" ".join(known[12:MAX_FAMILIES])) == []


def test_its_own_profiles_families_are_taken_even_when_the_code_list_lacks_them() -> None:
    fields = listing_form(families=["5030"])

    assert read_listing_form(fields).error("families") is not None
    assert read_listing_form(fields, own_families=("5030",)).details.families == ("5030",)  # type: ignore[union-attr]


def test_a_field_sent_twice_is_no_form_of_ours() -> None:
    with pytest.raises(MalformedForm):
        read_listing_form(listing_form(website=["https://a.example.org", "https://b.example.org"]))


def test_every_error_has_its_wording_in_both_languages() -> None:
    codes = ["one_description", "regions", "family_unknown", "too_many_families", "website", "subscriber_address"]
    from esja.pledges.form import FieldError

    for code in [*codes, "contact", "required", "invisible", "too_long", "no_links", "choice", "email", "marks"]:
        key = message_key(FieldError("x", code))
        assert set(catalogue()[key]) == {"fr", "en"}, key


FIELDS = st.sampled_from(
    [
        "description_fr",
        "description_en",
        "regions",
        "categories",
        "families",
        "other_families",
        "website",
        "contact_email",
    ]
)
VALUES = st.one_of(
    st.text(max_size=700), st.sampled_from(["01", "QC", "services", "7611", "https://a.example.org", "a@b.example.org"])
)


@given(st.dictionaries(FIELDS, st.lists(VALUES, min_size=1, max_size=3)))
def test_any_form_is_a_listing_or_its_errors(fields: dict[str, list[str]]) -> None:
    try:
        form = read_listing_form(fields, refused_addresses=SUBSCRIBERS)
    except MalformedForm:
        assert any(len(v) > 1 for k, v in fields.items() if k not in ("regions", "categories", "families"))
        return
    assert (form.details is None) == bool(form.errors)
    if form.details is not None:
        assert form.details.website == "" or form.details.website.startswith("https://")
        assert form.details.contact_email.lower() not in SUBSCRIBERS
        assert form.details.description.any()
