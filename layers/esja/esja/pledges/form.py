"""The pledge form as the browser sends it → validated PledgeDetails, or the errors of each field.

Strict: every text has a length range, and refuses what could make it read differently from what it is
once in an e-mail or on the public registry (invisible characters, stacks of accents, web addresses);
every choice is one of ours; the e-mail address is checked as every address is (esja.emails:
email-validator, syntax only, no DNS on the request path); a phone number is read as people in Québec
write it and kept in one form. Errors are codes with parameters; their French and English wording is in
templates/i18n/pledges.json under `pledge.error.<code>`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Generic, TypeVar

from esja.emails import InvalidAddress, checked_address
from esja.geo.regions import all_regions
from esja.model import Category
from esja.pledges.model import OFFERED_TYPES, PledgeDetails

CHECKED = "yes"  # the value of every checkbox of the form

# name: (minimum, maximum) length after trimming.
TEXT_FIELDS = {
    "institution_name": (2, 200),
    "signatory_name": (2, 120),
    "signatory_title": (2, 120),
}
MAX_LENGTH = {**{name: limits[1] for name, limits in TEXT_FIELDS.items()}, "email": 254, "phone": 40, "target_share": 5}
SINGLE_FIELDS = (
    *TEXT_FIELDS,
    "institution_type",
    "region",
    "email",
    "phone",
    "target_share",
    "declaration",
    "registry_consent",
)
MULTIPLE_FIELDS = ("categories",)
REQUIRED_FIELDS = (*TEXT_FIELDS, "institution_type", "region", "email", "declaration")

# Characters a reader cannot see, or that make text read differently from what it is: control and
# format characters (Cf: bidirectional overrides, zero-width spaces and joiners, soft hyphens, tag
# characters), surrogates, private use, unassigned code points, and the letters and symbols that render
# as blank (Hangul fillers, the blank Braille pattern). A name on the registry or in an e-mail is what
# it looks like.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
# After NFC, French and the other languages of Québec keep at most two combining marks on a letter;
# more is « Zalgo » text that spills over the lines around it.
MAX_COMBINING_MARKS = 2
# A name or a title never holds a web address or a domain (evil-phish.com, bit.ly/abc): mail clients
# turn them into links, and our sender must never carry someone else's link. Ideographic and
# full-width full stops count as dots: some clients read them so.
_DOT = "[.\u3002\uff0e\uff61]"
_LINK = re.compile(rf"https?:|://|www{_DOT}|[\w-]{_DOT}[a-z]{{2,63}}(?![^\W\d_])", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# As people write a North American number in Québec: 418 555-0123, (418) 555-0123, 418.555.0123,
# +1 418 555 0123, 1-800-555-0123; an extension after « poste », « p. », "ext.", "x" or "#".
_PHONE = re.compile(
    r"(?:\+?1[ .-]?)?\(?(?P<area>[2-9][0-9]{2})\)?[ .-]?(?P<exchange>[2-9][0-9]{2})[ .-]?(?P<line>[0-9]{4})"
    r"(?:[ ,;]*(?:poste|p\.?|ext\.?|extension|x|#)[ .]*(?P<extension>[0-9]{1,6}))?",
    re.IGNORECASE,
)
_SHARE = re.compile(r"([0-9]{1,3})\s*%?")


class MalformedForm(ValueError):
    """Not what a browser sends from our form (a field repeated, …): refused as a whole."""


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    code: str  # the wording is `pledge.error.<code>`
    params: Mapping[str, int | str] = MappingProxyType({})


D = TypeVar("D")


# Not slotted: `FormResult(…)` (Form[PledgeDetails] called) sets `__orig_class__` on the instance, and a frozen
# *slotted* dataclass refuses it with a TypeError where typing expects the error it knows how to ignore.
@dataclass(frozen=True)
class Form(Generic[D]):
    """A form as read: what was sent (cleaned, to show again), its errors, and what it says once valid."""

    values: Mapping[str, str | tuple[str, ...]]  # what was sent, cleaned, to show again with the errors
    errors: tuple[FieldError, ...]
    details: D | None  # set when there are no errors

    def error(self, name: str) -> FieldError | None:
        return next((e for e in self.errors if e.field == name), None)

    def with_errors(self, errors: Sequence[FieldError]) -> Form[D]:
        """The form refused for what only the use case can tell (an enterprise that is not listed…)."""
        return Form(self.values, (*self.errors, *errors), None)


FormResult = Form[PledgeDetails]


def read_pledge_form(fields: Mapping[str, Sequence[str]]) -> FormResult:
    values: dict[str, str | tuple[str, ...]] = {}
    for name in SINGLE_FIELDS:
        values[name] = clean(sent_once(fields, name))
    values["categories"] = choices(fields, "categories")
    text = {name: value for name, value in values.items() if isinstance(value, str)}

    # In the order the form shows them: the summary at the top lists them in that order too.
    errors = [
        *_text_errors("institution_name", text["institution_name"]),
        *choice_errors("institution_type", text["institution_type"], {t.value for t in OFFERED_TYPES}),
        *choice_errors("region", text["region"], {r.code for r in all_regions()}),
        *_text_errors("signatory_name", text["signatory_name"]),
        *_text_errors("signatory_title", text["signatory_title"]),
    ]
    email, email_errors = read_email(text["email"])
    errors.extend(email_errors)
    phone, phone_errors = _phone(text["phone"])
    errors.extend(phone_errors)
    share, share_errors = read_share(text["target_share"])
    errors.extend(share_errors)
    categories = values["categories"]
    if any(c not in {k.value for k in Category} for c in categories):
        errors.append(FieldError("categories", "choice"))
    if text["declaration"] != CHECKED:
        errors.append(FieldError("declaration", "declaration"))
    if text["registry_consent"] not in ("", CHECKED):
        errors.append(FieldError("registry_consent", "choice"))

    if errors:
        return FormResult(values, tuple(errors), None)
    details = PledgeDetails(
        institution_name=text["institution_name"],
        institution_type=next(t for t in OFFERED_TYPES if t.value == text["institution_type"]),
        region=text["region"],
        signatory_name=text["signatory_name"],
        signatory_title=text["signatory_title"],
        email=email,
        phone=phone,
        target_share=share,
        categories=tuple(Category(c) for c in categories),
        declaration_accepted=True,
        registry_consent=text["registry_consent"] == CHECKED,
    )
    return FormResult(values, (), details)


def clean(value: str) -> str:
    """NFC, trimmed, inner runs of white space made one space (a pasted name keeps no tab or newline)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def sent_once(fields: Mapping[str, Sequence[str]], name: str) -> str:
    """A single field's value as sent ("" when absent); MalformedForm when repeated, which no browser does."""
    sent = fields.get(name, ())
    if len(sent) > 1:
        raise MalformedForm(f"field {name} sent {len(sent)} times")
    return sent[0] if sent else ""


def choices(fields: Mapping[str, Sequence[str]], name: str) -> tuple[str, ...]:
    """A multiple field's values (ticked boxes), cleaned, blanks dropped, each once in the order sent."""
    return tuple(dict.fromkeys(clean(v) for v in fields.get(name, ()) if v.strip()))


def _text_errors(name: str, value: str) -> list[FieldError]:
    return text_errors(name, value, TEXT_FIELDS[name])


def text_errors(name: str, value: str, limits: tuple[int, int], *, links: bool = False) -> list[FieldError]:
    """A text's errors (the first found): required, invisible characters, length, stacked marks, no letter,
    and a web address unless `links` allows them. Line breaks pass only where the text keeps them."""
    shortest, longest = limits
    if not value:
        return [FieldError(name, "required")]
    if (refused := _invisible(value.replace("\n", ""))) is not None:
        return [FieldError(name, "invisible", {"code_point": f"U+{ord(refused):04X}"})]
    if len(value) > longest:
        return [FieldError(name, "too_long", {"max": longest})]
    if len(value) < shortest:
        return [FieldError(name, "too_short", {"min": shortest})]
    if _stacked_marks(value):
        return [FieldError(name, "marks", {"max": MAX_COMBINING_MARKS})]
    if not any(c.isalpha() for c in value):
        return [FieldError(name, "letters")]
    if not links and _LINK.search(value):
        return [FieldError(name, "no_links")]
    return []


def _invisible(value: str) -> str | None:
    """The first character a reader could not see or that would change how the text reads."""
    return next((c for c in value if c in _BLANK_CHARACTERS or unicodedata.category(c) in _REFUSED_CATEGORIES), None)


def _stacked_marks(value: str) -> bool:
    run = 0
    for c in value:
        run = run + 1 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me") else 0
        if run > MAX_COMBINING_MARKS:
            return True
    return False


def choice_errors(name: str, value: str, allowed: set[str]) -> list[FieldError]:
    if not value:
        return [FieldError(name, "required")]
    return [] if value in allowed else [FieldError(name, "choice")]


def read_email(value: str) -> tuple[str, list[FieldError]]:
    if not value:
        return "", [FieldError("email", "required")]
    if len(value) > MAX_LENGTH["email"]:
        return "", [FieldError("email", "too_long", {"max": MAX_LENGTH["email"]})]
    try:
        return checked_address(value), []
    except InvalidAddress:
        return "", [FieldError("email", "email")]


def _phone(value: str) -> tuple[str | None, list[FieldError]]:
    """One form whatever way it was written: RFC 3966's global number, « +14185550123;ext=12 »."""
    if not value:
        return None, []
    if len(value) > MAX_LENGTH["phone"]:
        return None, [FieldError("phone", "too_long", {"max": MAX_LENGTH["phone"]})]
    matched = _PHONE.fullmatch(value)
    if matched is None:
        return None, [FieldError("phone", "phone")]
    number = f"+1{matched['area']}{matched['exchange']}{matched['line']}"
    return (f"{number};ext={matched['extension']}" if matched["extension"] else number), []


def read_share(value: str) -> tuple[int | None, list[FieldError]]:
    if not value:
        return None, []
    matched = _SHARE.fullmatch(value)
    share = int(matched[1]) if matched else 0
    return (share, []) if 1 <= share <= 100 else (None, [FieldError("target_share", "share")])
