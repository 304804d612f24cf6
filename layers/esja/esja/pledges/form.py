"""The pledge form as the browser sends it → validated PledgeDetails, or the errors of each field.

Strict: every text has a length range and no control or bidirectional-override characters; every
choice is one of ours; the e-mail address is checked as every address is (esja.emails: syntax only, no
DNS on the request path). Errors are codes with parameters; their French and English wording is in
templates/i18n/pledges.json under `pledge.error.<code>`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from esja.emails import InvalidAddress, checked_address
from esja.geo.regions import all_regions
from esja.model import Category
from esja.pledges.model import InstitutionType, PledgeDetails

CHECKED = "yes"  # the value of every checkbox of the form

# name: (minimum, maximum) length after trimming.
TEXT_FIELDS = {
    "institution_name": (2, 200),
    "signatory_name": (2, 120),
    "signatory_title": (2, 120),
}
MAX_LENGTH = {**{name: limits[1] for name, limits in TEXT_FIELDS.items()}, "email": 254, "phone": 30, "target_share": 5}
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

# Control characters, surrogates, private use, and the bidirectional overrides that could make a name
# on the public registry read differently from what it is.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Co"})
# A name or a title never holds a web address; a form that e-mails its content must not carry spam links.
_LINK = re.compile(r"(?:https?:|www\.|://)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_PHONE = re.compile(r"(?P<number>\+?[0-9 ().-]+?)\s*(?:(?:x|ext\.?|poste|#)\s*[0-9]{1,6})?", re.IGNORECASE)
_SHARE = re.compile(r"([0-9]{1,3})\s*%?")


class MalformedForm(ValueError):
    """Not what a browser sends from our form (a field repeated, …): refused as a whole."""


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    code: str  # the wording is `pledge.error.<code>`
    params: Mapping[str, int] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class FormResult:
    values: Mapping[str, str | tuple[str, ...]]  # what was sent, cleaned, to show again with the errors
    errors: tuple[FieldError, ...]
    details: PledgeDetails | None  # set when there are no errors

    def error(self, name: str) -> FieldError | None:
        return next((e for e in self.errors if e.field == name), None)


def read_pledge_form(fields: Mapping[str, Sequence[str]]) -> FormResult:
    values: dict[str, str | tuple[str, ...]] = {}
    for name in SINGLE_FIELDS:
        sent = fields.get(name, ())
        if len(sent) > 1:
            raise MalformedForm(f"field {name} sent {len(sent)} times")
        values[name] = clean(sent[0]) if sent else ""
    values["categories"] = tuple(dict.fromkeys(clean(v) for v in fields.get("categories", ()) if v.strip()))
    text = {name: value for name, value in values.items() if isinstance(value, str)}

    # In the order the form shows them: the summary at the top lists them in that order too.
    errors = [
        *_text_errors("institution_name", text["institution_name"]),
        *_choice_errors("institution_type", text["institution_type"], {t.value for t in InstitutionType}),
        *_choice_errors("region", text["region"], {r.code for r in all_regions()}),
        *_text_errors("signatory_name", text["signatory_name"]),
        *_text_errors("signatory_title", text["signatory_title"]),
    ]
    email, email_errors = _email(text["email"])
    errors.extend(email_errors)
    errors.extend(_phone_errors(text["phone"]))
    share, share_errors = _share(text["target_share"])
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
        institution_type=InstitutionType(text["institution_type"]),
        region=text["region"],
        signatory_name=text["signatory_name"],
        signatory_title=text["signatory_title"],
        email=email,
        phone=text["phone"] or None,
        target_share=share,
        categories=tuple(Category(c) for c in categories),
        declaration_accepted=True,
        registry_consent=text["registry_consent"] == CHECKED,
    )
    return FormResult(values, (), details)


def clean(value: str) -> str:
    """NFC, trimmed, inner runs of white space made one space (a pasted name keeps no tab or newline)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def _forbidden(value: str) -> bool:
    return any(c in _BIDI_CONTROLS or unicodedata.category(c) in _FORBIDDEN_CATEGORIES for c in value)


def _text_errors(name: str, value: str) -> list[FieldError]:
    shortest, longest = TEXT_FIELDS[name]
    if not value:
        return [FieldError(name, "required")]
    if _forbidden(value):
        return [FieldError(name, "characters")]
    if len(value) > longest:
        return [FieldError(name, "too_long", {"max": longest})]
    if len(value) < shortest:
        return [FieldError(name, "too_short", {"min": shortest})]
    if not any(c.isalpha() for c in value):
        return [FieldError(name, "letters")]
    if _LINK.search(value):
        return [FieldError(name, "no_links")]
    return []


def _choice_errors(name: str, value: str, allowed: set[str]) -> list[FieldError]:
    if not value:
        return [FieldError(name, "required")]
    return [] if value in allowed else [FieldError(name, "choice")]


def _email(value: str) -> tuple[str, list[FieldError]]:
    if not value:
        return "", [FieldError("email", "required")]
    if len(value) > MAX_LENGTH["email"]:
        return "", [FieldError("email", "too_long", {"max": MAX_LENGTH["email"]})]
    try:
        return checked_address(value), []
    except InvalidAddress:
        return "", [FieldError("email", "email")]


def _phone_errors(value: str) -> list[FieldError]:
    if not value:
        return []
    if len(value) > MAX_LENGTH["phone"]:
        return [FieldError("phone", "too_long", {"max": MAX_LENGTH["phone"]})]
    matched = _PHONE.fullmatch(value)
    digits = sum(c.isdigit() for c in matched["number"]) if matched else 0
    return [] if 10 <= digits <= 15 else [FieldError("phone", "phone")]


def _share(value: str) -> tuple[int | None, list[FieldError]]:
    if not value:
        return None, []
    matched = _SHARE.fullmatch(value)
    share = int(matched[1]) if matched else 0
    return (share, []) if 1 <= share <= 100 else (None, [FieldError("target_share", "share")])
