"""French first, English second: the one place dates, money and languages are put into words.

« 22 octobre 2026 à 10 h », « 45 990 $ » in French; "October 22, 2026 at 10:00 a.m.", "$45,990" in
English; always in Montréal's time (America/Toronto). Babel carries the CLDR data (month names,
spacing) so no hand-written table can drift.

What Babel writes in French goes through the one typography rule (esja.typography.typeset).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.numbers import format_decimal, parse_pattern

from esja import model
from esja.clock import TIME_ZONE
from esja.model import Language, one_of
from esja.typography import typeset

LANGUAGES = model.LANGUAGES
DEFAULT_LANGUAGE: Language = "fr"
_LOCALES = {"fr": "fr_CA", "en": "en_CA"}  # the layer ships only their CLDR data (layers/esja/lean_layer.py)
# (whole dollars, with cents), parsed once with their locale: the matcher words a value reason per tender
# (Babel's format_currency would parse both again on every call, half its time).
_MONEY = {
    lang: (Locale.parse(_LOCALES[lang]), parse_pattern(whole), parse_pattern(cents))
    for lang, whole, cents in (("fr", "#,##0 ¤", "#,##0.00 ¤"), ("en", "¤#,##0", "¤#,##0.00"))
}


def language(value: str | None) -> Language:
    """A supported language code from any input ("en-CA", "EN", None → "fr")."""
    code = (value or "").strip().lower()[:2]
    return one_of(code, LANGUAGES) or DEFAULT_LANGUAGE


def negotiate(accept_language: str | None) -> Language:
    """The first supported language of an Accept-Language header, French when none is."""
    for part in (accept_language or "").split(","):
        code = part.split(";", 1)[0].strip().lower()[:2]
        if code in LANGUAGES:
            return language(code)
    return DEFAULT_LANGUAGE


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
    locale, whole, cents = _MONEY[lang]
    pattern = whole if Decimal(amount) == Decimal(amount).to_integral_value() else cents
    return typeset(pattern.apply(amount, locale, currency="CAD", currency_digits=False), lang)


def month(value: date, lang: str) -> str:
    """« octobre 2026 », "October 2026"."""
    return _format_date(value, "LLLL y", locale=_LOCALES[language(lang)])


def percent(value: Decimal | int, lang: str) -> str:
    """« 12,5 % », "12.5%": a share already in percent."""
    lang = language(lang)
    number = format_decimal(value, format="#,##0.#", locale=_LOCALES[lang])
    return typeset(f"{number} %" if lang == "fr" else f"{number}%", lang)


def count(value: int, lang: str) -> str:
    """« 1 234 », "1,234"."""
    lang = language(lang)
    return typeset(format_decimal(value, locale=_LOCALES[lang]), lang)


def days_left(closing: datetime, now: datetime) -> int:
    """Whole calendar days, in Montréal, from today to the closing day (0 = closes today)."""
    return (closing.astimezone(TIME_ZONE).date() - now.astimezone(TIME_ZONE).date()).days


def date_range(first: date, last: date, lang: str) -> str:
    """« 30 novembre au 6 décembre 2026 », « 1er au 7 mars 2027 »; "November 30 to December 6, 2026",
    "March 1 to 7, 2027": a month or year is written once when both days share it."""
    if language(lang) == "en":
        start = _format_date(first, "MMMM d" if first.year == last.year else "MMMM d, y", locale=_LOCALES["en"])
        same_month = (first.year, first.month) == (last.year, last.month)
        end = _format_date(last, "d, y" if same_month else "MMMM d, y", locale=_LOCALES["en"])
        return f"{start} to {end}"
    start = _french_day(first)
    if (first.year, first.month) != (last.year, last.month):
        start += _format_date(first, " MMMM" if first.year == last.year else " MMMM y", locale=_LOCALES["fr"])
    return f"{start} au {_french_day(last)}{_format_date(last, ' MMMM y', locale=_LOCALES['fr'])}"


def _french_day(value: date) -> str:
    return "1er" if value.day == 1 else str(value.day)  # « le 1er mars », never « le 1 mars »
