"""The UNSPSC hierarchy: segment (2 digits), family (4), class (6), commodity (8).

Publishers and organizers write every level on 8 digits with trailing zero pairs ("76110000" is the
family "7611"); the matcher works on the short form, where « is beneath » is « starts with ».
"""

from __future__ import annotations

LEVELS = (2, 4, 6, 8)


def normalise_unspsc(code: str) -> str | None:
    """The code at its own level ("72000000" → "72", "761115" → "761115"), None if not a UNSPSC code."""
    code = code.strip().replace(" ", "").replace("-", "")
    if not code.isascii() or not code.isdigit() or len(code) not in LEVELS:
        return None
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return None if code == "00" else code


def ancestors_and_self(code: str) -> tuple[str, ...]:
    """Every code that covers `code` (a normalised code), itself included: "761115" → 76, 7611, 761115."""
    return tuple(code[:n] for n in LEVELS if n <= len(code))


def parent(code: str) -> str | None:
    """The code exactly one level broader, None for a segment."""
    return code[:-2] if len(code) > 2 else None


def padded(code: str) -> str:
    """The 8-digit form publishers use: "7611" → "76110000"."""
    return code.ljust(8, "0")
