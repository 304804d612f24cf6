"""French first, English second: the one place dates, money and languages are put into words.

« 22 octobre 2026 à 10 h », « 45 990 $ » in French; "October 22, 2026 at 10:00 a.m.", "$45,990" in
English; always in Montréal's time (America/Toronto). Babel carries the CLDR data (month names,
spacing) so no hand-written table can drift.

French typography is one rule, `typeset`, which the renderer applies to everything it renders in
French (pages, both parts of every e-mail, subjects) and these helpers to what they return.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.numbers import format_currency, format_decimal

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
TIME_ZONE = ZoneInfo("America/Toronto")
_LOCALES = {"fr": "fr_CA", "en": "en_CA"}
_MONEY = {"fr": ("#,##0 ¤", "#,##0.00 ¤"), "en": ("¤#,##0", "¤#,##0.00")}  # (whole dollars, with cents)

# The one non-breaking space of French text: U+00A0, the width of a word space. It is what the Office
# québécois de la langue française asks for before « : », inside « » and in « 45 990 $ », what CLDR
# puts between the digit groups of fr_CA (so Babel and we agree), and every mail client and font shows
# it; U+202F, the narrow one, is missing from fonts older mail clients fall back on (a box, or a space
# that breaks).
NBSP = "\u00a0"
_SPACE = "[ \t\u00a0\u202f\u2009]"  # a space as typed, as Babel writes it, or already non-breaking
# What typography never touches: HTML comments, style and script elements, tags with their attributes
# (inline CSS has colons), character references (« &#39; » ends with a semicolon), web and e-mail
# addresses.
_UNTOUCHED = re.compile(
    r"<!--.*?-->|<(style|script)\b.*?</\1\s*>|<[a-z/!?][^>]*>"
    r"|&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);"
    r"|\b(?:https?|mailto|tel):[^\s<>\"']*|\bwww\.[^\s<>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE | re.DOTALL,
)
_SPACED_PUNCTUATION = re.compile(rf"{_SPACE}+([:;?!]+)")
# Punctuation written without its space: only where it ends a word (« 10:30 », « 3:1 » stay as written).
_BARE_PUNCTUATION = re.compile(r"(?<=[^\s:;?!«(\[])([:;?!]+)(?=\s|\Z|[)\]»,.\"'”’])")
_OPENING_QUOTE = re.compile(rf"«{_SPACE}*")
_CLOSING_QUOTE = re.compile(rf"{_SPACE}*»")
_UNIT = re.compile(rf"(?<=[0-9]){_SPACE}*([$%])")
_TIME = re.compile(rf"(?<![0-9.,])([0-9]{{1,2}}){_SPACE}?h(?:{_SPACE}?([0-9]{{2}}))?(?![\w])")
_DIGIT_GROUPS = re.compile(r"(?<![0-9.,])[0-9]{1,3}(?:[ \u00a0\u202f\u2009][0-9]{3})+(?![0-9])")
_GROUP_SEPARATOR = re.compile("[ \u202f\u2009]")


def language(value: str | None) -> str:
    """A supported language code from any input ("en-CA", "EN", None → "fr")."""
    code = (value or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def negotiate(accept_language: str | None) -> str:
    """The first supported language of an Accept-Language header, French when none is."""
    for part in (accept_language or "").split(","):
        code = part.split(";", 1)[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def typeset(text: str, lang: str) -> str:
    """Québec typography for French text, plain or HTML; other languages as they are.

    A non-breaking space before « : ; ? ! », « $ » and « % », inside « », inside times (« 15 h 20 »)
    and between the digit groups of amounts (« 45 990 $ »): added where missing, and any space found
    there (typed, or Babel's) made the one non-breaking space. Tags, attributes, character references
    and addresses are left as they are. Applying it twice changes nothing.
    """
    if lang != "fr":
        return text
    pieces, start = [], 0
    for untouched in _UNTOUCHED.finditer(text):
        pieces += [_typeset_prose(text[start : untouched.start()]), untouched[0]]
        start = untouched.end()
    pieces.append(_typeset_prose(text[start:]))
    return "".join(pieces)


def _typeset_prose(text: str) -> str:
    text = _SPACED_PUNCTUATION.sub(NBSP + r"\1", text)
    text = _BARE_PUNCTUATION.sub(NBSP + r"\1", text)
    text = _OPENING_QUOTE.sub("«" + NBSP, text)
    text = _CLOSING_QUOTE.sub(NBSP + "»", text)
    text = _UNIT.sub(NBSP + r"\1", text)
    text = _TIME.sub(lambda m: f"{m[1]}{NBSP}h{NBSP + m[2] if m[2] else ''}", text)
    return _DIGIT_GROUPS.sub(lambda m: _GROUP_SEPARATOR.sub(NBSP, m[0]), text)


def date_time(moment: datetime, lang: str) -> str:
    """« 22 octobre 2026 à 10 h », « 22 octobre 2026 à 10 h 30 »; "October 22, 2026 at 10:30 a.m."."""
    local = moment.astimezone(TIME_ZONE)
    if lang == "en":
        return _format_datetime(local, "MMMM d, y 'at' h:mm a", locale=_LOCALES["en"])
    pattern = "d MMMM y 'à' H 'h'" if local.minute == 0 else "d MMMM y 'à' H 'h' mm"
    return typeset(_format_datetime(local, pattern, locale=_LOCALES["fr"]), "fr")


def day(value: date | datetime, lang: str) -> str:
    """« 22 octobre 2026 », "October 22, 2026"."""
    if isinstance(value, datetime):
        value = value.astimezone(TIME_ZONE).date()
    return _format_date(value, "long", locale=_LOCALES[language(lang)])


def money(amount: Decimal | int | float, lang: str) -> str:
    """« 45 990 $ », "$45,990"; cents only when there are some (« 1 234,50 $ »)."""
    lang = language(lang)
    whole = Decimal(amount) == Decimal(amount).to_integral_value()
    pattern = _MONEY[lang][0 if whole else 1]
    return typeset(format_currency(amount, "CAD", format=pattern, locale=_LOCALES[lang], currency_digits=False), lang)


def count(value: int, lang: str) -> str:
    """« 1 234 », "1,234"."""
    lang = language(lang)
    return typeset(format_decimal(value, locale=_LOCALES[lang]), lang)


def days_left(closing: datetime, now: datetime) -> int:
    """Whole calendar days, in Montréal, from today to the closing day (0 = closes today)."""
    return (closing.astimezone(TIME_ZONE).date() - now.astimezone(TIME_ZONE).date()).days
