"""Typed reads of a publisher's JSON, tolerant where the meaning is clear and honest where it is not.

A field that departs from the schema costs that field, never the record. Where the meaning is clear
it is read: a number written as text (« 180 739,20 »), one object where an array belongs (read as
an array of one), an array of one where one value belongs, a number where text belongs (a postal
code 10010). Where it is not, the field is dropped: an empty or unreadable amount has no value, an
unreadable date is unknown. Each repair is noted (the field's path, what was done) for the parser's
report, never what the field held.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from esja.model import Money, Text
from esja.sources.notice import one_line
from esja.sources.parsed import Repair

Json = Mapping[str, Any]

# Québec and federal publishers write local dates and times without an offset: they mean Eastern time.
PUBLISHER_TZ = ZoneInfo("America/Toronto")

# How a field was repaired (what the report counts, beside the field's path).
EMPTY = "empty: no value"
NOT_A_NUMBER = "not a number: no value"
NUMBER_IN_TEXT = "number written as text: read as the number"
NUMBER_AS_TEXT = "number where text belongs: read as its text"
ONE_OBJECT = "one value where an array belongs: read as an array of one"
ONE_ITEM = "array of one where one value belongs: read as its item"
UNREADABLE_DATE = "unreadable date: unknown"
NOT_WHOLE = "not a whole number: unknown"
OUT_OF_RANGE = "out of range: unknown"

# A number as people write it: « 180739.2 », « 180739,20 », « 180 739,20 » (spaces between thousands).
_AMOUNT = re.compile(r"[+-]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?")
_AMOUNT_SEPARATORS = str.maketrans({" ": None, "\u00a0": None, "\u202f": None, ",": "."})
# Tuples, not `int | Decimal`: isinstance builds a union anew on every call, and these are hot.
_NUMBER = (int, Decimal)
_SCALAR = (str, int, Decimal)
_BILINGUAL = {key: (f"{key}_en", f"{key}_fr") for key in ("title", "description", "name")}
NO_TEXT = Text()
_EMPTY: Json = MappingProxyType({})


def read_datetime(text: str) -> datetime | None:
    """ISO 8601 → aware datetime (a date alone or a time without offset is Eastern local time);
    None when it cannot be read, or lies at the very edge of the calendar where no offset applies."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if not 1 < value.year < 9999:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=PUBLISHER_TZ)


def read_amount(text: str) -> Decimal | None:
    """A number written as text, with « . » or « , » as decimal separator and spaces between thousands."""
    text = text.strip()
    if not _AMOUNT.fullmatch(text):
        return None
    return Decimal(text.translate(_AMOUNT_SEPARATORS))


def kind_of(value: Any) -> str:
    """A value's JSON kind, for messages (never the value itself)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (*_NUMBER, float)):
        return "a number"
    return "an array" if isinstance(value, list) else "an object"


def dropped(value: Any, expected: str) -> str:
    return f"{kind_of(value)} where {expected} belongs: dropped"


def derived_from(source: str) -> str:
    return f"missing: derived from {source}"


class RepairLog:
    """The repairs made while reading one record, each kind once per field."""

    __slots__ = ("_made",)

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], None] = {}

    def note(self, field: str, how: str) -> None:
        self._made[field, how] = None

    def dropped(self, fields: frozenset[str]) -> list[str]:
        """« field (how) » for each of `fields` (by the last step of its path, array marks and
        language suffixes aside) dropped because it could not be read."""
        return [f"{field} ({how})" for field, how in self._made if how.endswith("dropped") and _step(field) in fields]

    def repairs(self, record: str) -> list[Repair]:
        return [Repair(record, field, how) for field, how in self._made]


def _scalar(value: Any) -> bool:
    """Text or a number: what may stand for text (true/false never does)."""
    return isinstance(value, _SCALAR) and not isinstance(value, bool)


def _step(path: str) -> str:
    return path.rsplit(".", 1)[-1].removesuffix("[]").removesuffix("_en").removesuffix("_fr")


class Fields:
    """One JSON object of a record, read field by field, with its path for the repairs it needs."""

    __slots__ = ("log", "path", "raw")

    def __init__(self, raw: Json, path: str, log: RepairLog) -> None:
        self.raw = raw
        self.path = path  # e.g. "tender.tenderPeriod", "awards[]" ("" for the release itself)
        self.log = log

    def __bool__(self) -> bool:
        return bool(self.raw)

    def __contains__(self, key: str) -> bool:
        return key in self.raw

    def get(self, key: str) -> Any:
        """The raw value, for a dialect that reads a publisher's own convention."""
        return self.raw.get(key)

    def note(self, key: str, how: str) -> None:
        self.log.note(f"{self.path}.{key}" if self.path else key, how)

    # ---------------------------------------------------------------- containers

    def object(self, key: str) -> Fields:
        value = self.raw.get(key)
        if isinstance(value, dict):
            return Fields(value, f"{self.path}.{key}" if self.path else key, self.log)
        if value is None:
            return NOTHING
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
            self.note(key, ONE_ITEM)
            return Fields(value[0], f"{self.path}.{key}" if self.path else key, self.log)
        self.note(key, dropped(value, "an object"))
        return NOTHING

    def objects(self, key: str) -> list[Fields]:
        value = self.raw.get(key)
        if value is None:
            return []
        path, log = f"{self.path}.{key}[]" if self.path else f"{key}[]", self.log
        if isinstance(value, list):
            found = [Fields(item, path, log) for item in value if isinstance(item, dict)]
            if len(found) == len(value):
                return found
        elif isinstance(value, dict):
            self.note(key, ONE_OBJECT)
            return [Fields(value, path, log)]
        else:
            self.note(key, dropped(value, "an array"))
            return []
        found = []
        for item in value:
            if isinstance(item, dict):
                found.append(Fields(item, path, log))
            elif isinstance(item, list) and len(item) == 1 and isinstance(item[0], dict):
                log.note(path, ONE_ITEM)
                found.append(Fields(item[0], path, log))
            else:
                log.note(path, dropped(item, "an object"))
        return found

    def strings(self, key: str) -> tuple[str, ...]:
        """An array of short texts (tags, categories, roles), each on one line."""
        value = self.raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.note(key, ONE_OBJECT)
            value = [value]
        found = []
        for item in value:
            if isinstance(item, str):
                text: str | None = one_line(item)
            else:
                text = self._as_text(f"{key}[]", item)
            if text:
                found.append(text)
        return tuple(found)

    # ---------------------------------------------------------------- scalars

    def text(self, key: str) -> str | None:
        value = self.raw.get(key)
        if isinstance(value, str):
            return value.strip() or None
        if value is None:
            return None
        return self._as_text(key, value)

    def id(self, key: str) -> str | None:
        """An identifier: publishers write them as text or as numbers, both as intended."""
        value = self.raw.get(key)
        if isinstance(value, str):
            return value.strip() or None
        if value is None:
            return None
        if isinstance(value, _NUMBER) and not isinstance(value, bool):
            return str(value)
        return self._as_text(key, value)

    def _as_text(self, key: str, value: Any) -> str | None:
        if isinstance(value, _NUMBER) and not isinstance(value, bool):
            self.note(key, NUMBER_AS_TEXT)
            return str(value)
        if isinstance(value, list) and len(value) == 1 and _scalar(value[0]):
            self.note(key, ONE_ITEM)
            return str(value[0]).strip() or None
        self.note(key, dropped(value, "text"))
        return None

    def datetime(self, key: str) -> datetime | None:
        value = self.raw.get(key)
        text = value.strip() if isinstance(value, str) else self._written(key, self._single(key), UNREADABLE_DATE)
        if not text:
            if text == "":
                self.note(key, EMPTY)
            return None
        moment = read_datetime(text)
        if moment is None:
            self.note(key, UNREADABLE_DATE)
        return moment

    def amount(self, key: str) -> Decimal | None:
        value = self.raw.get(key)
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        value = self._single(key)
        if isinstance(value, _NUMBER) and not isinstance(value, bool):
            return Decimal(value)
        text = self._written(key, value, NOT_A_NUMBER)
        if text is None:
            return None
        amount = read_amount(text)
        self.note(key, NOT_A_NUMBER if amount is None else NUMBER_IN_TEXT)
        return amount

    def _single(self, key: str) -> Any:
        """The value, an array of one read as its item."""
        value = self.raw.get(key)
        if isinstance(value, list) and len(value) == 1:
            self.note(key, ONE_ITEM)
            return value[0]
        return value

    def _written(self, key: str, value: Any, unreadable: str) -> str | None:
        """The text a date or an amount is written in; None (noted as `unreadable`, or empty) without one."""
        if value is None:
            return None
        if not isinstance(value, str):
            self.note(key, unreadable)
            return None
        if not value.strip():
            self.note(key, EMPTY)
            return None
        return value.strip()

    def whole_number(self, key: str) -> int | None:
        value = self.raw.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value is None:
            return None
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        number = read_amount(value) if isinstance(value, str) else None
        if number is None or number != number.to_integral_value():
            self.note(key, NOT_WHOLE)
            return None
        self.note(key, NUMBER_IN_TEXT)
        return int(number)

    def money(self, key: str) -> Money | None:
        value = self.object(key)
        amount = value.amount("amount")
        if amount is None:
            return None
        # No currency given means none known (SEAO's estimated tender.value): never guess one.
        return Money(amount=amount, currency=value.text("currency"))

    def localized(self, key: str, lang: str, *, single_line: bool = False) -> Text:
        """`key` in the release's language, with buyandsell's bilingual `key_en` / `key_fr` beside it."""
        key_en, key_fr = _BILINGUAL[key]
        if key_en not in self.raw and key_fr not in self.raw:  # one language, the common case
            plain = self.text(key)
            if not plain:
                return NO_TEXT
            plain = one_line(plain) if single_line else plain
            return Text(fr=plain) if lang == "fr" else Text(en=plain)
        plain, en, fr = self.text(key), self.text(key_en), self.text(key_fr)
        if plain:
            if lang == "fr":
                fr = fr or plain
            else:
                en = en or plain
        if not (fr or en):
            return NO_TEXT
        if single_line:
            fr, en = fr and one_line(fr), en and one_line(en)
        return Text(fr=fr or None, en=en or None)


NOTHING = Fields(_EMPTY, "", RepairLog())  # an absent object: every read gives nothing, so nothing is noted
