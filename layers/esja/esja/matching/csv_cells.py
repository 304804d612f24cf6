"""One spreadsheet cell → one value of an enterprise or profile, or a message saying what is wrong.

Each parser takes the trimmed cell text and returns the value, or raises `CellError` with the
message in French and English. Multi-valued cells hold items separated by « ; ».
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from esja.clock import TIME_ZONE
from esja.emails import InvalidAddress, checked_address
from esja.matching.regions import normalise_region_code
from esja.matching.text import compile_keyword, normalise
from esja.matching.unspsc import normalise_unspsc
from esja.model import Category, Frequency, Language, LegalForm

SEPARATOR = ";"
S = TypeVar("S", bound=str)

LEGAL_FORMS: dict[str, LegalForm] = {
    "coop": "coop",
    "cooperative": "coop",
    "non profit": "non-profit",
    "nonprofit": "non-profit",
    "obnl": "non-profit",
    "osbl": "non-profit",
    "organisme a but non lucratif": "non-profit",
    "mutual": "mutual",
    "mutuelle": "mutual",
    "other": "other",
    "autre": "other",
}
CATEGORIES: dict[str, str] = {
    "goods": "goods",
    "biens": "goods",
    "services": "services",
    "service": "services",
    "works": "works",
    "travaux": "works",
}
LANGUAGES: dict[str, Language] = {
    "fr": "fr",
    "francais": "fr",
    "french": "fr",
    "en": "en",
    "anglais": "en",
    "english": "en",
}
FREQUENCIES: dict[str, Frequency] = {
    "instant": "instant",
    "immediat": "instant",
    "daily": "daily",
    "quotidien": "daily",
    "weekly": "weekly",
    "hebdomadaire": "weekly",
}
_YES = {"", "yes", "oui", "true", "vrai", "1"}
_NO = {"no", "non", "false", "faux", "0"}


class CellError(ValueError):
    def __init__(self, fr: str, en: str) -> None:
        super().__init__(fr)
        self.fr, self.en = fr, en


def items(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(SEPARATOR) if item.strip()]


def unspsc_codes(cell: str) -> tuple[str, ...]:
    codes = items(cell)
    bad = [c for c in codes if normalise_unspsc(c) is None]
    if bad:
        raise CellError(f"code UNSPSC invalide {_quoted_fr(bad)}", f"invalid UNSPSC code {_quoted_en(bad)}")
    return tuple(codes)


def keywords(cell: str) -> tuple[str, ...]:
    words = items(cell)
    empty = [w for w in words if compile_keyword(w) is None]
    if empty:
        raise CellError(
            f"mot-clé sans mot significatif {_quoted_fr(empty)}",
            f"keyword with no meaningful word {_quoted_en(empty)}",
        )
    return tuple(words)


def region_codes(cell: str) -> tuple[str, ...]:
    codes = items(cell)
    normalised = [normalise_region_code(c) for c in codes]
    bad = [c for c, n in zip(codes, normalised, strict=True) if n is None]
    if bad:
        raise CellError(
            f"code de région invalide {_quoted_fr(bad)} (01 à 17, QC ou CA)",
            f"invalid region code {_quoted_en(bad)} (01 to 17, QC or CA)",
        )
    return tuple(dict.fromkeys(n for n in normalised if n is not None))


def categories(cell: str) -> tuple[Category, ...]:
    return tuple(dict.fromkeys(Category(_choice(c, CATEGORIES, "catégorie", "category")) for c in items(cell)))


def legal_form(cell: str) -> LegalForm:
    return _choice(cell, LEGAL_FORMS, "forme juridique", "legal form") if cell else "other"


def language(cell: str) -> Language:
    return _choice(cell, LANGUAGES, "langue", "language") if cell else "fr"


def frequency(cell: str) -> Frequency:
    return _choice(cell, FREQUENCIES, "fréquence", "frequency") if cell else "daily"


def neq(cell: str) -> str | None:
    digits = cell.replace(" ", "").replace("\u00a0", "")
    if not digits:
        return None
    if not (digits.isascii() and digits.isdigit() and len(digits) == 10):
        raise CellError(f"NEQ invalide {_fr(cell)} (10 chiffres)", f"invalid NEQ {_en(cell)} (10 digits)")
    return digits


def amount(cell: str) -> Decimal | None:
    """ "45000", "45 000,50", "45000.50 $" ; never negative."""
    text = cell.replace("$", "").replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise CellError(f"montant invalide {_fr(cell)}", f"invalid amount {_en(cell)}")
    return value


def flag(cell: str) -> bool:
    word = normalise(cell).strip()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellError(f"valeur invalide {_fr(cell)} (oui ou non)", f"invalid value {_en(cell)} (yes or no)")


def email(cell: str) -> str:
    try:
        return checked_address(cell)
    except InvalidAddress:
        raise CellError(f"adresse courriel invalide {_fr(cell)}", f"invalid e-mail address {_en(cell)}") from None


def moment(cell: str) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is Québec time."""
    try:
        parsed = datetime.fromisoformat(cell) if "T" in cell or " " in cell else None
        if parsed is None:
            parsed = datetime.combine(date.fromisoformat(cell), time())
    except ValueError:
        raise CellError(
            f"date invalide {_fr(cell)} (AAAA-MM-JJ ou AAAA-MM-JJTHH:MM)",
            f"invalid date {_en(cell)} (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=TIME_ZONE)


def _choice(cell: str, choices: Mapping[str, S], fr_what: str, en_what: str) -> S:
    found = choices.get(normalise(cell).replace("-", " ").strip())
    if found is None:
        allowed = ", ".join(dict.fromkeys(choices.values()))
        raise CellError(f"{fr_what} invalide {_fr(cell)} ({allowed})", f"invalid {en_what} {_en(cell)} ({allowed})")
    return found


def _fr(value: str) -> str:
    return f"«\u00a0{value}\u00a0»"


def _en(value: str) -> str:
    return f"“{value}”"


def _quoted_fr(values: list[str]) -> str:
    return ", ".join(map(_fr, values))


def _quoted_en(values: list[str]) -> str:
    return ", ".join(map(_en, values))
