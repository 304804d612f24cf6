"""Text folding: the one place that decides when two texts are the same whatever their case, accents
and ligatures — the matcher's words, the registry's order and a signatory's key alike.

(esja.geo.names keeps a folding of its own that keeps every character at its offset: it finds a place
name in the folded text and then reads the original, its capitals and hyphens, at the same place.)
"""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not decompose.
_LIGATURES = (("œ", "oe"), ("æ", "ae"), ("ß", "ss"), ("ø", "o"), ("ł", "l"), ("đ", "d"))
# The combining marks NFKD splits off Latin letters (é → e + ◌́), the only accents French and English use.
_ACCENTS = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """Lower case, accents stripped, ligatures spelled out: « Œuvres de Lévis » → "oeuvres de levis"."""
    folded = text.lower()
    if folded.isascii():
        return folded
    for letter, letters in _LIGATURES:
        if letter in folded:
            folded = folded.replace(letter, letters)
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", folded))


def fold_name(text: str) -> str:
    """A name in comparable, sortable form: « Ville de  Lévis » and "VILLE DE LEVIS" fold alike."""
    return " ".join(fold(text).split())
