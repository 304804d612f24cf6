"""One way to compare Québec place and organisation names, and to cut a text into comparable words.

Names compare equal whatever their case, accents, hyphens, apostrophes (’ or ') and « Saint/St/Ste »
spelling: « Val-d’Or. », « VAL D'OR » and « Val-d'Or » all have the key ``val d or``.
"""

from __future__ import annotations

import re
import unicodedata

# « St-Jérôme », « Ste-Julie », « Sts-Martyrs-Canadiens »: the abbreviations are everywhere in SEAO names.
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# Articles and prepositions that start or join names without telling them apart.
PARTICLES = frozenset({"de", "d", "du", "des", "la", "le", "les", "l"})
# A single hyphen between two letters welds words into one name (« Plateau-Mont-Royal »); a double
# hyphen is how MAMH writes an en dash, which joins two names (« Saint-Lin--Laurentides »).
HYPHENS = frozenset("-\u2010\u2011")
_WORD = re.compile(r"[^\W_]+")
_SHORT_FORMS = frozenset(ABBREVIATIONS)


def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[0]
    return base.lower() if len(base.lower()) == 1 else char


# Length-preserving: a folded text keeps every character at its original offset, so a word found
# in the folded text can be checked against the original (its capital, the hyphen before it).
_FOLD = {chr(code): _fold_char(chr(code)) for code in range(0xC0, 0x250)} | {"œ": "œ", "Œ": "œ", "æ": "æ", "Æ": "æ"}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold_match(match: re.Match[str]) -> str:
    char = match.group()
    return _FOLD.get(char, char)


def fold_keeping_length(text: str) -> str:
    """Lower case without accents, same length as `text` (œ and æ stay single characters)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer (rare: « İ »)
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    # Substituting only the non-ASCII characters is several times faster than str.translate.
    return lowered if lowered.isascii() else _NON_ASCII.sub(_fold_match, lowered)


def word_key(word: str) -> str:
    """A folded word as it is compared: ligatures spelled out, Saint abbreviations expanded."""
    if "œ" in word or "æ" in word:
        word = word.replace("œ", "oe").replace("æ", "ae")
    return ABBREVIATIONS.get(word, word)


def raw_words(folded: str) -> list[str]:
    """The words of an already folded text, as written (no ligature or abbreviation expanded)."""
    return _WORD.findall(folded)


def words(text: str) -> list[str]:
    return [word_key(m.group()) for m in _WORD.finditer(fold_keeping_length(text))]


def name_key(name: str) -> str:
    """« Saint-Louis-du-Ha! Ha! » → ``saint louis du ha ha``; « Ste-Marie » → ``sainte marie``."""
    return " ".join(words(name))


def strip_leading(tokens: list[str], prefixes: tuple[tuple[str, ...], ...]) -> list[str]:
    """Drop the first of `prefixes` that starts `tokens`, then any leading particles."""
    for prefix in prefixes:
        if tuple(tokens[: len(prefix)]) == prefix:
            tokens = tokens[len(prefix) :]
            break
    return strip_particles(tokens)


def strip_particles(tokens: list[str]) -> list[str]:
    """« des Appalaches » and « Les Appalaches » → ``appalaches``: MRC names vary in their article."""
    start = 0
    while start < len(tokens) - 1 and tokens[start] in PARTICLES:
        start += 1
    return tokens[start:]


class Words:
    """A text cut into words, remembering where each stood in the original (computed when asked:
    most texts are only looked up word by word)."""

    __slots__ = ("_case_tells", "_folded", "_spans", "keys", "text")

    def __init__(self, text: str, folded: str | None = None) -> None:
        self.text = text
        self._folded = fold_keeping_length(text) if folded is None else folded
        keys = _WORD.findall(self._folded)
        if "œ" in self._folded or "æ" in self._folded or not _SHORT_FORMS.isdisjoint(keys):
            keys = [word_key(key) for key in keys]
        self.keys: tuple[str, ...] = tuple(keys)
        self._spans: list[tuple[int, int]] | None = None
        self._case_tells: bool | None = None

    def span(self, index: int) -> tuple[int, int]:
        if self._spans is None:
            self._spans = [match.span() for match in _WORD.finditer(self._folded)]
        return self._spans[index]

    def start(self, index: int) -> int:
        return self.span(index)[0]

    def welded(self, index: int) -> bool:
        """Joined to the previous word by a single hyphen (« Mont-Laurier », not « Saguenay–Lac »)."""
        start = self.start(index)
        return start >= 2 and self.text[start - 1] in HYPHENS and self.text[start - 2].isalnum()

    def capitalised(self, index: int) -> bool:
        return self.text[self.start(index)].isupper()

    def original(self, index: int) -> str:
        start, end = self.span(index)
        return self.text[start:end]

    @property
    def case_tells(self) -> bool:
        """Capitals carry meaning: the text is neither ALL CAPS nor Title Case."""
        if self._case_tells is None:
            self.span(0)
            long_words = [start for start, end in self._spans or () if end - start >= 4]
            capitals = sum(self.text[start].isupper() for start in long_words)
            has_lower = any(c.islower() for c in self.text)
            self._case_tells = has_lower and (not long_words or capitals / len(long_words) < 0.6)
        return self._case_tells
