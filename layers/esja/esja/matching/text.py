"""Text as the matcher sees it: lowercase, accents stripped, apostrophes and hyphens folded, stop
words dropped, every word stemmed in French *and* English.

Two words match when their stem sets share a stem, so « entretiens ménagers » finds the keyword
« entretien ménager », "cleaning" finds "cleaned", and a bilingual tender is found from either
language. A keyword of several words is a phrase: its words must follow each other (stop words
aside). Stems are cached: every tender repeats words seen before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]  # ships no type hints; runs PyStemmer (C) when installed

from esja.folding import fold
from esja.model import Text

Stems = frozenset[str]

# Folded to a space before tokenising: apostrophes (« l’entretien »), hyphens and dashes.
_SEPARATORS = re.compile("['’‘ʼ`´/\\-\u2010-\u2015]")
_WORD = re.compile(r"[^\W_]+")
_QUOTES = "\"'“”„«»‹›‘’ \t\u00a0\u202f"

# Stop words never match on their own and are skipped inside phrases, so « nettoyage de vitres »
# also finds « nettoyage des vitres ». Accent-free, as tokens are.
STOP_WORDS = frozenset(
    (
        *("a", "au", "aux", "avec", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le", "les"),
        *("ou", "par", "pour", "qu", "s", "sur", "un", "une"),
        *("an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"),
    )
)

_FRENCH = snowballstemmer.stemmer("french")
_ENGLISH = snowballstemmer.stemmer("english")


def normalise(text: str) -> str:
    """Folded (esja.folding), apostrophes and hyphens turned into spaces."""
    return fold(_SEPARATORS.sub(" ", text))


def tokens(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


@lru_cache(maxsize=1 << 12)  # a buyer's name and id come back tender after tender
def normalise_name(text: str) -> str:
    """A buyer name or id in comparable form: « Ville de Lévis » == "VILLE DE LEVIS"."""
    return " ".join(tokens(text))


@lru_cache(maxsize=1 << 17)
def stems(token: str) -> Stems:
    """The French and English stems of one normalised token."""
    return frozenset((_FRENCH.stemWord(token), _ENGLISH.stemWord(token)))


def stem_sequence(text: str) -> tuple[Stems, ...]:
    """The stems of each meaningful word of `text`, in order."""
    return tuple(stems(t) for t in tokens(text) if t not in STOP_WORDS)


@dataclass(frozen=True, slots=True)
class Keyword:
    """A keyword or phrase as written (`text`) and compiled (`words`: the stems of each word)."""

    text: str
    words: tuple[Stems, ...]
    is_phrase: bool

    def found_in(self, field: FieldText) -> bool:
        return self.in_stems(field.stems) and (not self.is_phrase or _consecutive(self.words, field.sequence))

    def in_stems(self, stems: Stems) -> bool:
        """Every word is among `stems` (for a phrase: necessary, not sufficient)."""
        return not any(map(stems.isdisjoint, self.words))


@lru_cache(maxsize=1 << 14)  # one object per keyword however many profiles name it: the matcher reads it hot
def compile_keyword(raw: str) -> Keyword | None:
    """Quotes around a phrase are optional; None when nothing but stop words remain."""
    text = " ".join(raw.strip(_QUOTES).split())
    words = stem_sequence(text)
    return Keyword(text, words, len(words) > 1) if words else None


@dataclass(frozen=True, slots=True)
class FieldText:
    """One searched field of a tender (title, description…): all its stems, and their order.

    `sequence` holds an empty set between separate texts (French and English title…) so that a
    phrase never spans two of them.
    """

    where: str
    stems: Stems
    sequence: tuple[Stems, ...]


_GAP: Stems = frozenset()


def field_text(where: str, texts: list[str]) -> FieldText:
    sequence: list[Stems] = []
    for text in texts:
        if sequence:
            sequence.append(_GAP)
        sequence.extend(stem_sequence(text))
    return field_of_sequence(where, tuple(sequence))


def field_of_sequence(where: str, sequence: tuple[Stems, ...]) -> FieldText:
    """The field whose words are `sequence` (a snapshot of recent tenders keeps fields this way)."""
    return FieldText(where, frozenset().union(*sequence), sequence)


def title_language(keyword: Keyword, title: Text) -> str:
    """Where in a title in both languages a keyword found there is: "title", or "title-fr" / "title-en" when
    only one language has it (its reader in the other language would look for it in vain). Asked only of
    notices titled in both languages (TenderFeatures.bilingual_title)."""
    in_french, in_english = (keyword.found_in(_title_field(text or "")) for text in (title.fr, title.en))
    if in_french == in_english:
        return "title"
    return "title-fr" if in_french else "title-en"


@lru_cache(maxsize=1 << 12)  # asked only for the keywords a title holds, once per tender and keyword
def _title_field(text: str) -> FieldText:
    return field_text("title", [text])


def _consecutive(words: tuple[Stems, ...], sequence: tuple[Stems, ...]) -> bool:
    first, rest = words[0], words[1:]
    for start in range(len(sequence) - len(words) + 1):
        if not sequence[start].isdisjoint(first) and not any(
            sequence[start + 1 + i].isdisjoint(w) for i, w in enumerate(rest)
        ):
            return True
    return False
