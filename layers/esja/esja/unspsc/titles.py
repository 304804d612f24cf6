"""Every UNSPSC code's French and English titles, read from the bundled table on first use.

The table is one line per code, « 76111500<TAB>titre français<TAB>English title », sorted by code, in
the 8-digit form publishers write; gzip keeps it near 370 kB in the layer. Sorted codes put a segment's,
a family's or a class's codes in one run, which is what a later search by hierarchy needs (bisect on
the code), and both titles are there for a search by words in either language.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources

from esja.matching.unspsc import normalise_unspsc, padded
from esja.model import Text

TABLE = "titles.tsv.gz"


class UnspscTitles:
    __slots__ = ("_titles",)

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """`rows`: (8-digit code, French title, English title); an empty title is a missing one."""
        self._titles = {code: Text(fr or None, en or None) for code, fr, en in rows}

    @classmethod
    def parse(cls, table: str) -> UnspscTitles:
        return cls(_row(line) for line in table.splitlines() if line)

    def get(self, code: str) -> Text | None:
        """The titles of a code at any level, written short ("7611") or on 8 digits ("76110000")."""
        short = normalise_unspsc(code)
        return self._titles.get(padded(short)) if short else None

    def items(self) -> Iterator[tuple[str, Text]]:
        """(8-digit code, titles), by code."""
        return iter(sorted(self._titles.items()))

    def __len__(self) -> int:
        return len(self._titles)


def format_table(rows: Iterable[tuple[str, str, str]]) -> str:
    """The table's text, as esja.unspsc.derive writes it and UnspscTitles.parse reads it."""
    return "".join(f"{code}\t{fr}\t{en}\n" for code, fr, en in sorted(rows))


@lru_cache(maxsize=1)
def unspsc_titles() -> UnspscTitles:
    """The bundled table, read once per container (about 25 ms), by the first e-mail that shows a code."""
    raw = (resources.files("esja") / "unspsc" / "data" / TABLE).read_bytes()
    return UnspscTitles.parse(gzip.decompress(raw).decode("utf-8"))


def code_title(code: str, lang: str, given: Text | None = None) -> tuple[str, str]:
    """The words to show for a code, and their language: the notice's own title in the reader's language
    (`given`: the publisher's words for exactly that code), else the list's, else either one in the other
    language; ("", lang) when nothing is known."""
    listed = unspsc_titles().get(code) or Text()
    given = given or Text()
    other = "fr" if lang == "en" else "en"
    for text, language in ((given, lang), (listed, lang), (given, other), (listed, other)):
        words = text.en if language == "en" else text.fr
        if words:
            return words, language
    return "", lang


def _row(line: str) -> tuple[str, str, str]:
    code, fr, en = line.split("\t")
    return code, fr, en
