"""The directory's search, in memory: a few hundred entries, each with the stems of its words computed once
when the index is built (esja.directory.public rebuilds it only when the directory changes).

Words are read as the matcher reads keywords (esja.matching.text): case, accents and plurals aside,
stemmed in French and English, so « déneigement » finds "Services de déneigement" and "cleaning" finds
« Cleaning and janitorial services ». Every word asked must be found (stop words aside) in the entry's
name, descriptions, its code families' titles in both languages, its category, legal form or regions. A
number is a UNSPSC code: « 76111500 », « 761115 » or « 7611 » find the entries selling in family 7611.
Then the filters: a region (served, or all of Québec), a category, a family.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from math import ceil

from esja.directory.listing import FAMILY_DIGITS, DirectoryEntry
from esja.folding import fold_name
from esja.geo.regions import all_regions, is_region_code, region_name
from esja.matching.regions import ALL_QUEBEC
from esja.matching.text import STOP_WORDS, stems, tokens
from esja.matching.unspsc import normalise_unspsc
from esja.model import Category, Text, one_of
from esja.pledges.form import FieldError, clean
from esja.rendering import wording
from esja.unspsc import code_title, unspsc_titles

PAGE_SIZE = 20
MAX_WORDS_LENGTH = 200
MAX_PAGE = 1000
# The query's parameters: the public page's addresses (/repertoire?q=…&region=…), kept stable once shared.
WORDS, REGION, CATEGORY, FAMILY, PAGE = "q", "region", "categorie", "famille", "page"
PARAMETERS = (WORDS, REGION, CATEGORY, FAMILY, PAGE)
CATEGORIES = tuple(c.value for c in Category)

Stems = frozenset[str]


@dataclass(frozen=True, slots=True)
class SearchQuery:
    words: str = ""
    region: str = ""  # "01"–"17"
    category: Category | None = None
    family: str = ""  # 4 digits
    page: int = 1


@dataclass(frozen=True, slots=True)
class SearchForm:
    values: Mapping[str, str]  # as asked, cleaned and cut to size, to show again in the form
    errors: tuple[FieldError, ...]  # wording `directory.error.<code>`
    query: SearchQuery  # what to search: the empty query when there are errors


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: SearchQuery
    entries: tuple[DirectoryEntry, ...]  # this page's
    total: int  # found, all pages
    listed: int  # in the directory
    families: tuple[tuple[str, str], ...]  # (code, « 7611 — title ») of every family sold: the filter's choices

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / PAGE_SIZE))


def read_search(params: Mapping[str, str]) -> SearchForm:
    """The search form's parameters (a query string) → the query, or the errors of each parameter."""
    values = {name: clean(params.get(name, ""))[: MAX_WORDS_LENGTH + 1] for name in PARAMETERS}
    errors = []
    if len(values[WORDS]) > MAX_WORDS_LENGTH:
        errors.append(FieldError(WORDS, "too_long", {"max": MAX_WORDS_LENGTH}))
    if values[REGION] and not is_region_code(values[REGION]):
        errors.append(FieldError(REGION, "region"))
    if values[CATEGORY] and one_of(values[CATEGORY], CATEGORIES) is None:
        errors.append(FieldError(CATEGORY, "category"))
    family = values[FAMILY]
    if family and not (len(family) == FAMILY_DIGITS and normalise_unspsc(family) == family):
        errors.append(FieldError(FAMILY, "family"))
    page = values[PAGE]
    if page and not (page.isascii() and page.isdigit() and 1 <= int(page) <= MAX_PAGE):
        errors.append(FieldError(PAGE, "page"))
    if errors:
        return SearchForm(values, tuple(errors), SearchQuery())
    category = one_of(values[CATEGORY], CATEGORIES)
    query = SearchQuery(values[WORDS], values[REGION], Category(category) if category else None, family, int(page or 1))
    return SearchForm(values, (), query)


@dataclass(frozen=True, slots=True)
class _Indexed:
    entry: DirectoryEntry
    stems: Stems
    families: frozenset[str]


class DirectoryIndex:
    """The listed entries, by name, with what a search compares."""

    __slots__ = ("_by_id", "_indexed", "_labels", "families")

    def __init__(self, entries: Iterable[DirectoryEntry]) -> None:
        ordered = sorted(entries, key=lambda e: (fold_name(e.name), e.enterprise_id))
        self._indexed = tuple(_Indexed(e, _stems_of(e), frozenset(e.listing.families)) for e in ordered)
        self._by_id = {e.enterprise_id: e for e in ordered}
        self.families = tuple(sorted({f for e in ordered for f in e.listing.families}))
        self._labels: dict[str, tuple[tuple[str, str], ...]] = {}

    def __len__(self) -> int:
        return len(self._indexed)

    @property
    def entries(self) -> tuple[DirectoryEntry, ...]:
        return tuple(i.entry for i in self._indexed)

    def family_choices(self, lang: str) -> tuple[tuple[str, str], ...]:
        """(family, « 7611 — its title ») for each family the entries sell in: the family filter's choices,
        worked out once per index and language."""
        if lang not in self._labels:
            titles = ((family, code_title(family, lang)[0]) for family in self.families)
            self._labels[lang] = tuple((family, f"{family} — {title}" if title else family) for family, title in titles)
        return self._labels[lang]

    def get(self, enterprise_id: str) -> DirectoryEntry | None:
        return self._by_id.get(enterprise_id)

    def search(self, query: SearchQuery, lang: str = "fr") -> SearchResults:
        words = _query_words(query.words)
        found = [
            i.entry
            for i in self._indexed
            if all(not word.isdisjoint(i.stems) for word in words)
            and (not query.region or _serves(i.entry, (query.region,)))
            and (query.category is None or query.category in i.entry.listing.categories)
            and (not query.family or query.family in i.families)
        ]
        first = (query.page - 1) * PAGE_SIZE
        page = tuple(found[first : first + PAGE_SIZE])
        return SearchResults(query, page, len(found), len(self), self.family_choices(lang))

    def fitting(
        self, codes: Iterable[str], regions: Iterable[str] = (), category: Category | None = None
    ) -> tuple[DirectoryEntry, ...]:
        """The entries selling in the family of one of `codes` (UNSPSC, any level below a segment), serving one
        of `regions` (none: anywhere), in `category` when the entry names categories."""
        families = {code[:FAMILY_DIGITS] for code in map(normalise_unspsc, codes) if code and len(code) >= 4}
        wanted = tuple(regions)
        return tuple(
            i.entry
            for i in self._indexed
            if not families.isdisjoint(i.families)
            and (not wanted or _serves(i.entry, wanted))
            and (category is None or not i.entry.listing.categories or category in i.entry.listing.categories)
        )


def _serves(entry: DirectoryEntry, regions: tuple[str, ...]) -> bool:
    served = entry.listing.regions
    return ALL_QUEBEC in served or any(region in served for region in regions)


def _query_words(text: str) -> list[Stems]:
    """Each word's stems; a number stands for the UNSPSC family (or segment) it is in."""
    words = []
    for token in tokens(text):
        if token.isdigit():
            code = normalise_unspsc(token)
            words.append(frozenset((code[:FAMILY_DIGITS],)) if code else frozenset((token,)))
        elif token not in STOP_WORDS:
            words.append(stems(token))
    return words


def _stems_of(entry: DirectoryEntry) -> Stems:
    listing = entry.listing
    shared = (
        _wording_stems(f"directory.legal_form.{entry.legal_form}"),
        *(_wording_stems(f"directory.category.{c.value}") for c in listing.categories),
        *(_region_stems(code) for code in listing.regions),
        *(_family_stems(family) for family in listing.families),
    )
    own = _text_stems(" ".join((entry.name, listing.description.fr or "", listing.description.en or "")))
    return own.union(*shared)


def _text_stems(text: str) -> Stems:
    return frozenset().union(*(stems(token) for token in tokens(text) if token not in STOP_WORDS))


# What many entries share is worked out once per container: the words of a legal form, a category, a
# region, a family (its code, its segment's and its titles).
@lru_cache(maxsize=64)
def _wording_stems(key: str) -> Stems:
    return _text_stems(f"{wording(key, 'fr')} {wording(key, 'en')}")


@lru_cache(maxsize=64)
def _region_stems(code: str) -> Stems:
    if code == ALL_QUEBEC:
        return _text_stems(" ".join(region.name_fr for region in all_regions()))
    return _text_stems(region_name(code))


@lru_cache(maxsize=4096)
def _family_stems(family: str) -> Stems:
    titles = unspsc_titles().get(family) or Text()
    return _text_stems(f"{titles.fr or ''} {titles.en or ''}") | {family, family[:2]}
