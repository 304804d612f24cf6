"""The public directory on moto, through the web function: the demo's six Bas-Saint-Laurent enterprises found
by words, region, category and family, in French and English; each one's page; and what the public sees is only
what each enterprise chose to show — never a subscriber's address, no profile detail beyond its code families,
nothing of an enterprise that is not listed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esja.folding import fold
from esja.model import Enterprise, Profile, Text
from esja.unspsc import unspsc_titles
from local.world import PILOT_LISTINGS
from tests.space_web import SpaceWeb, main_text

FAMILY_PAGES = sorted({family for _, listing in PILOT_LISTINGS.values() for family in listing.families})


@pytest.fixture(scope="module")
def registered(web: SpaceWeb) -> tuple[list[Enterprise], list[Profile]]:
    return web.enterprises.load()


def found(answer: dict[str, Any]) -> list[str]:
    """The enterprises a results page lists, by their page's address."""
    return re.findall(r'href="/repertoire/([a-z0-9-]+)\?', answer["body"])


def test_the_directory_lists_the_pilots_six_enterprises_by_name(web: SpaceWeb) -> None:
    answer = web.get("/repertoire")

    assert answer["statusCode"] == 200 and answer["headers"]["Content-Language"] == "fr"
    assert sorted(found(answer)) == sorted(PILOT_LISTINGS)
    assert "Entreprises trouvées : 6 (sur 6 au répertoire)" in main_text(answer)
    assert found(answer)[0] == "eco-llio"  # « Espace collaboratif… » comes first


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=SOUDURES", ["services-industriels-rc"]),
        ("q=welding&lang=en", ["services-industriels-rc"]),
        ("q=jus+de+pommes", ["verger-patrimonial"]),
        ("q=cleaning", ["ateliers-mon-choix"]),  # its family 7611's English title
        ("q=76111501", ["ateliers-mon-choix"]),
        ("q=d%C3%A9neigement", []),  # the Fjord's snow removal co-op is not listed
        ("region=06", ["eco-llio"]),  # serves all of Québec
        ("categorie=works", ["energies-johannoises"]),
        ("famille=7210&region=01", ["energies-johannoises", "parc-kiskotuk"]),
    ],
)
def test_search_by_words_region_category_and_family(web: SpaceWeb, query: str, expected: list[str]) -> None:
    answer = web.get(f"/repertoire?{query}")

    assert answer["statusCode"] == 200 and sorted(found(answer)) == expected


def test_an_entrys_page_in_french_and_english(web: SpaceWeb) -> None:
    french, english = web.get("/repertoire/services-industriels-rc"), web.get("/repertoire/verger-patrimonial?lang=en")

    assert french["statusCode"] == english["statusCode"] == 200
    text = main_text(french)
    assert "Coopérative de travailleurs en entretien industriel" in text and "Coopérative" in text
    assert (
        "7318 — <span>Services d’usinage et de traitement</span>" in text and "https://servicesrc.example.org" in text
    )
    assert 'rel="nofollow noopener ugc"' in french["body"]
    # Verger wrote in French only: the English page shows it, marked as French, in an English page.
    assert '<p lang="fr">Coopérative de producteurs du Bas-Saint-Laurent' in english["body"]
    assert (
        "Regions served" in main_text(english) and "mailto:commandes@vergerpatrimonial.example.org" in english["body"]
    )


@pytest.mark.parametrize(
    "path", ["/repertoire/coop-deneigement-fjord", "/repertoire/nobody", "/repertoire/UPPER", "/repertoire/a%3Cb"]
)
def test_an_enterprise_not_listed_has_no_page(web: SpaceWeb, path: str) -> None:
    answer = web.get(path)

    assert answer["statusCode"] == 404 and "Coopérative de déneigement du Fjord" not in answer["body"]


@pytest.mark.parametrize("query", ["region=18", "categorie=food", "famille=12", "page=0", "q=" + "a" * 201])
def test_a_filter_that_is_none_of_ours_is_a_clear_400(web: SpaceWeb, query: str) -> None:
    answer = web.get(f"/repertoire?{query}")

    assert answer["statusCode"] == 400 and "La recherche n'a pas pu être faite" in main_text(answer)


def public_pages(web: SpaceWeb) -> Iterator[tuple[str, dict[str, Any]]]:
    paths = ["/repertoire", "/repertoire?lang=en", "/repertoire?region=01", "/repertoire?categorie=goods"]
    paths += [f"/repertoire?famille={family}&lang={lang}" for family in FAMILY_PAGES for lang in ("fr", "en")]
    paths += [f"/repertoire/{enterprise_id}?lang={lang}" for enterprise_id in PILOT_LISTINGS for lang in ("fr", "en")]
    for path in paths:
        answer = web.get(path)
        assert answer["statusCode"] == 200, path
        yield path, answer


def test_the_public_sees_only_what_each_enterprise_chose_to_show(
    web: SpaceWeb, registered: tuple[list[Enterprise], list[Profile]]
) -> None:
    enterprises, profiles = registered
    listed = [e for e in enterprises if e.id in PILOT_LISTINGS]
    unlisted = [e for e in enterprises if e.id not in PILOT_LISTINGS]
    assert len(listed) == 6 and unlisted
    addresses = {s.email.lower() for e in enterprises for s in e.subscribers}
    chosen: dict[str, str] = {}  # what each chose to show: its name, descriptions, its families' titles
    for e in listed:
        listing = PILOT_LISTINGS[e.id][1]
        titles = [unspsc_titles().get(family) or Text() for family in listing.families]
        words = [e.name, listing.description.fr or "", listing.description.en or ""]
        words += [f"{title.fr} {title.en}" for title in titles]
        chosen[e.id] = fold(" ".join(words))
    # What the profiles hold that the enterprise did not write in its listing itself.
    hidden = {
        fold(detail)
        for p in profiles
        if p.enterprise_id in chosen
        for detail in (p.name, *p.keywords, *p.excluded, *p.buyers_allow, *p.buyers_deny)
        if detail and fold(detail) not in chosen[p.enterprise_id]
    }
    codes = {code for p in profiles for code in p.unspsc if len(code) > 4}  # finer than a family
    assert addresses and hidden and codes  # the test has something to look for

    for path, answer in public_pages(web):
        body, text = answer["body"].lower(), fold(main_text(answer))
        assert not [a for a in addresses if a in body], path
        assert not [e.neq for e in enterprises if e.neq and e.neq in body], path
        assert not [e for e in unlisted if fold(e.name) in text or f"/repertoire/{e.id}" in body], path
        assert not [d for d in hidden if d in text], path
        assert not [c for c in codes if c in body], path


MARKUP = ("<script>alert(1)</script>", "'\"><img src=x onerror=alert(1)>")
HOSTILE = st.one_of(st.text(max_size=300), st.sampled_from([*MARKUP, "\x00", "é" * 300, "%00", "01", "7611", "goods"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=HOSTILE, region=HOSTILE, category=HOSTILE, family=HOSTILE, page=HOSTILE, entry=HOSTILE)
def test_any_search_parameters_never_give_a_5xx_nor_come_back_unescaped(
    web: SpaceWeb, q: str, region: str, category: str, family: str, page: str, entry: str
) -> None:
    values = {"q": q, "region": region, "categorie": category, "famille": family, "page": page}
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in values.items())

    answers = [web.get(f"/repertoire?{query}"), web.get(f"/repertoire/{quote(entry, safe='')}")]

    for answer in answers:
        assert answer["statusCode"] in (200, 400, 404)
        assert not [
            probe for probe in MARKUP if probe in (q, region, category, family, page, entry) and probe in answer["body"]
        ]
