"""Choosing codes without knowing UNSPSC: the code list searched by words in French or English
(« déneigement », "snow removal", « nettoyage de vitres ») or by code (« 7611 », « 72102901 »), and its
hierarchy — segment, family, class, commodity — so that a person can take a whole family.

Words are compared as the matcher compares a profile's keywords with a tender (esja.matching.text:
case, accents and plurals aside, French and English stems): a word a person types finds the codes whose
titles a tender would be found by. Every word must be in the title, in either language; titles in the
reader's language come first, then broader codes (a family before its commodities), then by code.

The index of words is built on the first search of a container (about a quarter of a second for the
20,800 codes); the codes the recent tenders carry that the bundled table lacks (newer UNSPSC versions
reach the notices first) are added with the titles their publishers give them (`with_codes`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from esja.matching.text import STOP_WORDS, Stems, stems, tokens
from esja.matching.unspsc import LEVELS, ancestors_and_self, normalise_unspsc, padded
from esja.model import Text
from esja.unspsc.titles import unspsc_titles

Level = Literal["segment", "family", "class", "commodity"]
_LEVELS: dict[int, Level] = dict(zip(LEVELS, ("segment", "family", "class", "commodity"), strict=True))
MAX_RESULTS = 40
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class CodeEntry:
    code: str  # at its own level: "7611" is a family
    title: Text

    @property
    def level(self) -> Level:
        return _LEVELS[len(self.code)]

    @property
    def published(self) -> str:
        """The 8-digit form publishers and spreadsheets write: "76110000"."""
        return padded(self.code)


@dataclass(frozen=True, slots=True)
class SearchResult:
    entries: tuple[CodeEntry, ...]  # at most MAX_RESULTS
    total: int  # every code found


class CodeCatalogue:
    def __init__(self, titles: Mapping[str, Text], words: Mapping[str, frozenset[str]]) -> None:
        """`titles`: short code → titles; `words`: stem → the short codes whose titles hold it."""
        self._titles = titles
        self._words = words
        self._sorted = sorted(titles)

    def with_codes(self, extra: Mapping[str, Text]) -> CodeCatalogue:
        """The catalogue completed by `extra` codes (any form → titles) it lacks; itself when none is new."""
        new = {code: title for code, title in _short(extra.items()) if code not in self._titles}
        if not new:
            return self
        words = dict(self._words)
        for stem, codes in _index(new).items():
            words[stem] = words.get(stem, frozenset()) | codes
        return CodeCatalogue({**self._titles, **new}, words)

    def get(self, code: str) -> CodeEntry | None:
        short = normalise_unspsc(code)
        title = self._titles.get(short) if short else None
        return CodeEntry(short, title) if short and title else None

    def lineage(self, code: str) -> tuple[CodeEntry, ...]:
        """The code and the codes above it, segment first (a level the list lacks is skipped)."""
        short = normalise_unspsc(code)
        found = (self.get(c) for c in ancestors_and_self(short)) if short else ()
        return tuple(e for e in found if e is not None)

    def children(self, code: str) -> tuple[CodeEntry, ...]:
        """The codes one level below (the families of a segment…), by code; none for a commodity."""
        short = normalise_unspsc(code)
        if short is None or len(short) == LEVELS[-1]:
            return ()
        return tuple(e for e in self._under(short) if len(e.code) == len(short) + 2)

    def search(self, query: str, lang: str) -> SearchResult:
        """By code when the query is digits (the code and what lies below), else by words."""
        compact = query.replace(" ", "").replace("-", "").replace(".", "")
        if compact and set(compact) <= _DIGITS:
            return self._by_code(compact)
        return self._by_words(query, lang)

    def _by_code(self, digits: str) -> SearchResult:
        short = normalise_unspsc(digits) if len(digits) in LEVELS else None
        if short is not None and short in self._titles:
            found = [e for e in self._under(short) if len(e.code) <= len(short) + 2]
        else:  # a beginning: every code whose 8-digit form starts with it, broadest first
            found = sorted(
                (e for e in self._under(digits[:2]) if e.published.startswith(digits)), key=lambda e: len(e.code)
            )
        return SearchResult(tuple(found[:MAX_RESULTS]), len(found))

    def _by_words(self, query: str, lang: str) -> SearchResult:
        wanted = [stems(t) for t in tokens(query) if t not in STOP_WORDS]
        if not wanted:
            return SearchResult((), 0)
        found = set.intersection(*(self._having(word) for word in wanted))
        entries = [CodeEntry(code, self._titles[code]) for code in found]
        entries.sort(key=lambda e: (not _in(wanted, e.title.en if lang == "en" else e.title.fr), len(e.code), e.code))
        return SearchResult(tuple(entries[:MAX_RESULTS]), len(entries))

    def _having(self, word: Stems) -> set[str]:
        return set().union(*(self._words.get(stem, ()) for stem in word))

    def _under(self, short: str) -> list[CodeEntry]:
        """The code and every code below it, by code."""
        start = bisect_left(self._sorted, short)
        found = []
        for code in self._sorted[start:]:
            if not code.startswith(short):
                break
            found.append(CodeEntry(code, self._titles[code]))
        return found


@lru_cache(maxsize=1)
def unspsc_catalogue() -> CodeCatalogue:
    """The bundled list's catalogue, built once per container on the first search."""
    titles = dict(_short(unspsc_titles().items()))
    return CodeCatalogue(titles, _index(titles))


def _short(items: Iterable[tuple[str, Text]]) -> Iterable[tuple[str, Text]]:
    for code, title in items:
        short = normalise_unspsc(code)
        if short is not None and (title.fr or title.en):
            yield short, title


def _index(titles: Mapping[str, Text]) -> dict[str, frozenset[str]]:
    by_token: dict[str, set[str]] = {}  # each word stemmed once, however many titles hold it
    for code, title in titles.items():
        for token in tokens(f"{title.fr or ''} {title.en or ''}"):
            by_token.setdefault(token, set()).add(code)
    words: dict[str, set[str]] = {}
    for token, codes in by_token.items():
        if token not in STOP_WORDS:
            for stem in stems(token):
                words.setdefault(stem, set()).update(codes)
    return {stem: frozenset(codes) for stem, codes in words.items()}


def _in(wanted: list[Stems], text: str | None) -> bool:
    """Every wanted word is in `text`."""
    if not text:
        return False
    present = frozenset().union(*(stems(t) for t in tokens(text)))
    return all(not present.isdisjoint(word) for word in wanted)
