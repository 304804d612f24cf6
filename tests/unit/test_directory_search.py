"""The directory's search and its read model, on fakes: words as the matcher reads them (accents, case, plurals,
French and English, codes), the filters, pages; the index read once and kept until the directory changes;
the « listed enterprises » query other features build on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esja.directory.listing import DirectoryEntry, Listing
from esja.directory.search import PAGE_SIZE, DirectoryIndex, SearchQuery, read_search
from esja.model import Category, Text
from tests.directory_builders import Directory

AT = datetime(2026, 11, 1, tzinfo=UTC)


def entry(
    enterprise_id: str,
    description: str,
    *,
    regions: tuple[str, ...] = ("01",),
    categories: tuple[Category, ...] = (),
    families: tuple[str, ...] = (),
) -> DirectoryEntry:
    listing = Listing(Text(description), regions, categories, families)
    return DirectoryEntry(enterprise_id, enterprise_id.replace("-", " ").title(), "coop", listing, AT)


INDEX = DirectoryIndex(
    [
        entry(
            "deneigement-fjord",
            "Déneigement de stationnements et de toitures.",
            regions=("02",),
            categories=(Category.SERVICES,),
        ),
        entry(
            "menage-rimouski", "Entretiens ménagers d'immeubles.", families=("7611",), categories=(Category.SERVICES,)
        ),
        entry("verger", "Pommes et cidre du Bas-Saint-Laurent.", families=("5020",), categories=(Category.GOODS,)),
        entry("llio", "Living lab and service design.", regions=("QC",), families=("8111",)),
    ]
)


def ids(query: SearchQuery, index: DirectoryIndex = INDEX) -> list[str]:
    return [e.enterprise_id for e in index.search(query).entries]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("DENEIGEMENT", ["deneigement-fjord"]),  # case and accents
        ("toiture", ["deneigement-fjord"]),  # plural
        ("entretien ménager", ["menage-rimouski"]),  # « entretiens ménagers »
        ("cleaning", ["menage-rimouski"]),  # its family's English title (7611: Cleaning and janitorial services)
        ("nettoyage", ["menage-rimouski"]),  # … and its French one
        ("76111500", ["menage-rimouski"]),  # a commodity code: its family
        ("7611", ["menage-rimouski"]),
        # legal form, region served (all of Québec serves it too)
        ("coopérative bas-saint-laurent", ["llio", "menage-rimouski", "verger"]),
        ("pommes déneigement", []),  # every word must be found
        ("de la du", ["deneigement-fjord", "llio", "menage-rimouski", "verger"]),  # stop words alone: everything
        ("design", ["llio"]),
    ],
)
def test_words_are_found_as_the_matcher_finds_keywords(words: str, expected: list[str]) -> None:
    assert sorted(ids(SearchQuery(words))) == expected


def test_a_region_finds_who_serves_it_and_who_serves_all_of_quebec() -> None:
    assert ids(SearchQuery(region="02")) == ["deneigement-fjord", "llio"]


def test_category_and_family_filter() -> None:
    assert ids(SearchQuery(category=Category.GOODS)) == ["verger"]
    assert ids(SearchQuery(family="7611")) == ["menage-rimouski"]
    assert ids(SearchQuery("cidre", category=Category.SERVICES)) == []


def test_results_come_by_name_twenty_a_page() -> None:
    index = DirectoryIndex(entry(f"coop-{n:02}", "Services de traiteur.") for n in range(45))

    first, last = index.search(SearchQuery("traiteur")), index.search(SearchQuery("traiteur", page=3))

    assert (first.total, first.pages, len(first.entries), len(last.entries)) == (45, 3, PAGE_SIZE, 5)
    assert [e.enterprise_id for e in first.entries][:2] == ["coop-00", "coop-01"]


def test_fitting_a_tender_by_its_codes_regions_and_category() -> None:
    assert [e.enterprise_id for e in INDEX.fitting(["76111501"], ["01"])] == ["menage-rimouski"]
    assert [e.enterprise_id for e in INDEX.fitting(["81111500"], ["06"])] == ["llio"]  # serves all of Québec
    assert INDEX.fitting(["76111501"], ["06"]) == ()
    assert INDEX.fitting(["76111501"], category=Category.GOODS) == ()
    assert INDEX.fitting(["72"]) == ()  # a segment is no family


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"region": "99"}, "region", "region"),
        ({"region": "QC"}, "region", "region"),
        ({"categorie": "nourriture"}, "categorie", "category"),
        ({"famille": "761115"}, "famille", "family"),
        ({"famille": "7600"}, "famille", "family"),
        ({"page": "0"}, "page", "page"),
        ({"page": "٣"}, "page", "page"),
        ({"q": "a" * 201}, "q", "too_long"),
    ],
)
def test_a_parameter_that_is_none_of_ours_is_named(params: dict[str, str], field: str, code: str) -> None:
    form = read_search(params)

    assert [(e.field, e.code) for e in form.errors] == [(field, code)] and form.query == SearchQuery()


def test_a_good_query_is_read() -> None:
    form = read_search(
        {"q": "  entretien   ménager ", "region": "01", "categorie": "services", "famille": "7611", "page": "2"}
    )

    assert form.errors == ()
    assert form.query == SearchQuery("entretien ménager", "01", Category.SERVICES, "7611", 2)


@given(st.dictionaries(st.sampled_from(["q", "region", "categorie", "famille", "page", "x"]), st.text(max_size=300)))
def test_any_parameters_are_a_query_or_errors_and_searching_never_fails(params: dict[str, str]) -> None:
    form = read_search(params)

    results = INDEX.search(form.query)

    assert results.total <= len(INDEX) and (form.errors or form.query.page >= 1)


# --- the read model ---


def test_the_index_is_read_once_and_kept_while_the_directory_does_not_change() -> None:
    directory = Directory()
    directory.listed()
    listings = directory.world.listings

    for _ in range(3):
        directory.public.search(SearchQuery("emballage"))
    directory.public.listed(["ateliers-mon-choix"])

    assert listings.calls.count("published") == 1
    assert listings.calls.count("directory_version") == 4  # one small read a search


def test_a_change_of_the_directory_rebuilds_it_and_so_does_age() -> None:
    directory = Directory()
    directory.listed()
    directory.public.search(SearchQuery())
    directory.space.unpublish(directory.julie)

    assert directory.public.search(SearchQuery()).total == 0
    directory.world.clock.advance(minutes=11)
    directory.public.search(SearchQuery())
    assert directory.world.listings.calls.count("published") == 3


def test_listed_enterprises_for_other_features() -> None:
    directory = Directory()
    directory.listed()

    assert directory.public.listed(["ateliers-mon-choix", "coop-fjord", "nobody"]) == {"ateliers-mon-choix"}
    [listed] = directory.public.entries()
    assert (listed.enterprise_id, listed.name, listed.listing.contact_email) == (
        "ateliers-mon-choix",
        "Les Ateliers Mon Choix",
        "info@ateliersmonchoix.example.org",
    )
    assert [e.enterprise_id for e in directory.public.fitting(["73151501"], ["11"])] == ["ateliers-mon-choix"]
