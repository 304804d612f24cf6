"""The invitation form as the browser sends it → validated InvitationDetails, or the errors of each field.

As strict as the pledge form (esja.pledges.form: the same text checks, the same error records): every
text has a length range and refuses invisible characters; a title holds no web address (it reaches
e-mail subjects and cards), a description may; codes must exist in the UNSPSC table; a municipality
must be one of Québec's (esja.geo), in the region chosen if one is; the closing date and time are in
Montréal's time and still to come; there must be a way to answer. Errors are codes with parameters;
their wording is in templates/i18n/invitations.json under `invitation.error.<code>`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from esja.clock import TIME_ZONE
from esja.emails import InvalidAddress, checked_address
from esja.geo.regions import is_region_code
from esja.matching.unspsc import normalise_unspsc, padded
from esja.model import Category, Text
from esja.pledges.form import FieldError, Form, clean, sent_once, text_errors
from esja.signatory_space.invitation import Answer, Audience, InvitationDetails
from esja.sources.fields import read_amount
from esja.unspsc import unspsc_titles

if TYPE_CHECKING:
    from esja.geo import Place

# name: (minimum, maximum) length after cleaning.
TEXT_LIMITS = {
    "title_fr": (5, 200),
    "title_en": (5, 200),
    "description_fr": (20, 5000),
    "description_en": (20, 5000),
    "municipality": (2, 100),
    "documents": (3, 300),
}
MAX_LENGTH = {
    **{name: limits[1] for name, limits in TEXT_LIMITS.items()},
    "answer_email": 254,
    "answer_url": 500,
    "value": 20,
    "closing_date": 10,
    "closing_time": 8,
}
# The fields in the order the form shows them (and the summary of errors lists them); `answer` stands for
# the three ways to answer together.
FORM_ORDER = (
    "title_fr",
    "title_en",
    "description_fr",
    "description_en",
    "codes",
    "category",
    "region",
    "municipality",
    "value",
    "closing_date",
    "closing_time",
    "answer",
    "answer_email",
    "answer_url",
    "documents",
    "audience",
    "enterprises",
)
MULTIPLE_FIELDS = ("codes", "enterprises")
SINGLE_FIELDS = tuple(name for name in FORM_ORDER if name not in (*MULTIPLE_FIELDS, "answer"))
REQUIRED_FIELDS = ("title_fr", "description_fr", "codes", "category", "closing_date", "closing_time", "audience")
MAX_CODES = 10
MAX_NAMED = 20  # enterprises one invitation may name: a buyer's short list, never a mailing list
MAX_VALUE = Decimal("10000000000")
LONGEST_NOTICE = timedelta(days=366)  # a closing date further away is a typing slip

# « 14:00 », « 14 h », « 14h30 », « 9:05 »: 24-hour time as Québec writes it.
_TIME = re.compile(r"(?P<hour>[01]?\d|2[0-3])\s*(?::|h)\s*(?P<minute>[0-5]\d)?", re.IGNORECASE)
# « 76111503 », « 7611 1503 », « 76111503 – Nettoyage » (a search's pick, its words after a dash)
_CODE = re.compile(r"(?P<code>\d[\d ]*?)(?:\s+[–—-]\s.*)?", re.DOTALL)
_LINE_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


InvitationForm = Form[InvitationDetails]


def read_invitation_form(
    fields: Mapping[str, Sequence[str]],
    *,
    now: datetime,
    code_titles: Callable[[str], Text | None] | None = None,
    places: Callable[[str], tuple[Place, ...]] | None = None,
) -> InvitationForm:
    """`code_titles` and `places` default to the bundled UNSPSC table and gazetteer. Raises MalformedForm
    for what no browser sends from our form (a single field repeated)."""
    values = typed_values(fields)
    text = {name: value for name, value in values.items() if isinstance(value, str)}
    errors: list[FieldError] = []

    title = _bilingual("title", text, errors)
    description = _bilingual("description", text, errors)
    codes = _codes(values["codes"], code_titles or unspsc_titles().get, errors)
    category = _category(text["category"], errors)
    region, municipality = _place(text["region"], text["municipality"], places or municipalities, errors)
    value = _value(text["value"], errors)
    closing = _closing(text["closing_date"], text["closing_time"], now, errors)
    answer = _answer(text, errors)
    audience, named = _audience(text["audience"], values["enterprises"], errors)

    if errors:
        return InvitationForm(values, tuple(_in_form_order(errors)), None)
    assert category is not None and region is not None and closing is not None and audience is not None
    details = InvitationDetails(
        title=title,
        description=description,
        codes=codes,
        category=category,
        region=region,
        municipality=municipality,
        value=value,
        closing_at=closing,
        answer=answer,
        audience=audience,
        named=named,
    )
    return InvitationForm(values, (), details)


def typed_values(fields: Mapping[str, Sequence[str]]) -> dict[str, str | tuple[str, ...]]:
    """The form as typed (cleaned, not checked): what it shows again after a code search."""
    values: dict[str, str | tuple[str, ...]] = {}
    for name in SINGLE_FIELDS:
        raw = sent_once(fields, name)
        values[name] = paragraphs(raw) if name.startswith("description") else clean(raw)
    # Codes and enterprises come one per field (a search's picks), or several in one field typed by hand.
    for name in MULTIPLE_FIELDS:
        pieces = (piece for value in fields.get(name, ()) for piece in re.split(r"[;,\n]", value))
        values[name] = tuple(dict.fromkeys(clean(piece) for piece in pieces if piece.strip()))
    return values


def paragraphs(value: str) -> str:
    """A description as typed: NFC, one kind of line break, each line's runs of spaces made one, at most
    one blank line between paragraphs, trimmed."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    lines = (_LINE_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _bilingual(what: str, text: Mapping[str, str], errors: list[FieldError]) -> Text:
    """French required, English optional (a title and a description each)."""
    links = what == "description"
    fr, en = text[f"{what}_fr"], text[f"{what}_en"]
    found = text_errors(f"{what}_fr", fr, TEXT_LIMITS[f"{what}_fr"], links=links)
    if en:
        found += text_errors(f"{what}_en", en, TEXT_LIMITS[f"{what}_en"], links=links)
    errors += found
    return Text(fr or None, en or None)


def _codes(
    sent: str | tuple[str, ...], titles: Callable[[str], Text | None], errors: list[FieldError]
) -> tuple[str, ...]:
    if not sent:
        errors.append(FieldError("codes", "required"))
        return ()
    if len(sent) > MAX_CODES:
        errors.append(FieldError("codes", "codes_too_many", {"max": MAX_CODES}))
        return ()
    codes: list[str] = []
    for piece in sent:
        typed = _CODE.fullmatch(piece)
        short = normalise_unspsc(typed["code"]) if typed else None
        if short is None or titles(short) is None:
            errors.append(FieldError("codes", "code", {"code": piece[:20]}))
            return ()
        codes.append(padded(short))
    return tuple(dict.fromkeys(codes))


def _category(value: str, errors: list[FieldError]) -> Category | None:
    if not value:
        errors.append(FieldError("category", "required"))
        return None
    chosen = next((c for c in Category if c.value == value), None)
    if chosen is None:
        errors.append(FieldError("category", "choice"))
    return chosen


def _place(
    region: str, municipality: str, places: Callable[[str], tuple[Place, ...]], errors: list[FieldError]
) -> tuple[str | None, str | None]:
    """(region, municipality's official name): a region, a municipality, or both when they agree."""
    if region and not is_region_code(region):
        errors.append(FieldError("region", "choice"))
        return None, None
    if not municipality:
        if not region:
            errors.append(FieldError("region", "where"))
        return region or None, None
    if found := text_errors("municipality", municipality, TEXT_LIMITS["municipality"]):
        errors += found
        return None, None
    named = [p for p in places(municipality) if p.kind == "municipality"]
    if region:
        named = [p for p in named if p.region == region] or named
    regions = {p.region for p in named}
    if not named:
        errors.append(FieldError("municipality", "municipality_unknown"))
    elif region and region not in regions:
        errors.append(FieldError("municipality", "municipality_region"))
    elif len(regions) > 1:
        errors.append(FieldError("municipality", "municipality_ambiguous"))
    else:
        return regions.pop(), named[0].name
    return None, None


def municipalities(name: str) -> tuple[Place, ...]:
    """The bundled gazetteer's places of that name, loaded by the first form that names a municipality."""
    from esja.geo import Gazetteer

    return Gazetteer.bundled().places(name)


def _value(value: str, errors: list[FieldError]) -> Decimal | None:
    if not value:
        return None
    amount = read_amount(value.removesuffix("$").strip()) if len(value) <= MAX_LENGTH["value"] else None
    if amount is None or not Decimal(0) < amount < MAX_VALUE:
        errors.append(FieldError("value", "value"))
        return None
    return amount


def _closing(day: str, hour: str, now: datetime, errors: list[FieldError]) -> datetime | None:
    """The closing moment in Montréal's time: after now, within a year."""
    chosen_day = _day(day)
    chosen_time = _time(hour)
    if chosen_day is None:
        errors.append(FieldError("closing_date", "required" if not day else "date"))
    if chosen_time is None:
        errors.append(FieldError("closing_time", "required" if not hour else "time"))
    if chosen_day is None or chosen_time is None:
        return None
    closing = datetime.combine(chosen_day, chosen_time, tzinfo=TIME_ZONE)
    if closing <= now:
        errors.append(FieldError("closing_date", "past"))
        return None
    if closing - now > LONGEST_NOTICE:
        errors.append(FieldError("closing_date", "too_far"))
        return None
    return closing


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _time(value: str) -> time | None:
    matched = _TIME.fullmatch(value)
    return time(int(matched["hour"]), int(matched["minute"] or 0)) if matched else None


def _answer(text: Mapping[str, str], errors: list[FieldError]) -> Answer:
    """At least one way to answer; each one given must be right."""
    email, url, documents = text["answer_email"], text["answer_url"], text["documents"]
    before = len(errors)
    if email:
        try:
            email = checked_address(email) if len(email) <= MAX_LENGTH["answer_email"] else ""
        except InvalidAddress:
            email = ""
        if not email:
            errors.append(FieldError("answer_email", "email"))
    if url and not web_address(url):
        errors.append(FieldError("answer_url", "url", {"max": MAX_LENGTH["answer_url"]}))
    if documents:
        errors += text_errors("documents", documents, TEXT_LIMITS["documents"], links=True)
    answer = Answer(email or None, url or None, documents or None)
    if not answer and len(errors) == before:
        errors.append(FieldError("answer", "answer"))
    return answer


def web_address(value: str) -> bool:
    """An address a browser opens as a page: http(s), a host, no space, not too long."""
    if len(value) > MAX_LENGTH["answer_url"] or any(c.isspace() for c in value) or not value.isprintable():
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("https", "http") and bool(parts.hostname) and "." in (parts.hostname or "")


def _audience(
    value: str, named: str | tuple[str, ...], errors: list[FieldError]
) -> tuple[Audience | None, tuple[str, ...]]:
    audience = next((a for a in Audience if a.value == value), None)
    if audience is None:
        errors.append(FieldError("audience", "required" if not value else "choice"))
        return None, ()
    if audience is Audience.OPEN:
        return audience, ()
    if not named:
        errors.append(FieldError("enterprises", "named_required"))
    elif len(named) > MAX_NAMED:
        errors.append(FieldError("enterprises", "named_too_many", {"max": MAX_NAMED}))
    elif too_long := [n for n in named if len(n) > 100]:
        errors.append(FieldError("enterprises", "named_unknown", {"ids": ", ".join(n[:20] + "…" for n in too_long)}))
    return audience, tuple(named)


def _in_form_order(errors: list[FieldError]) -> list[FieldError]:
    """The summary at the top lists the errors in the order the form shows the fields."""
    return sorted(errors, key=lambda e: FORM_ORDER.index(e.field))
