"""The listing form as the browser sends it → a Listing, or the errors of each field.

As strict as the pledge form (esja.pledges.form: the same text checks, the same error records): the
descriptions refuse invisible and formatting characters, stacked accents, and anything that reads as a web
address or a domain — a listing's one link is its website, which must be an https:// address (plain ASCII:
a look-alike Unicode host cannot pass for another). The contact address is checked as every address is,
and may not be one of the enterprise's subscribers' (those receive the alerts; the directory shows only an
address chosen for it). Codes must be families of the UNSPSC list, or codes beneath one (or the families of
the enterprise's own profiles' codes, which may be newer than the list).

Errors are codes with parameters; the wording is `listing.error.<code>` for the listing's own, and the
pledge form's `pledge.error.<code>` for the checks they share (`message_key`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from esja.directory.listing import FAMILY_DIGITS, Listing
from esja.emails import InvalidAddress, checked_address
from esja.geo.regions import all_regions
from esja.matching.regions import ALL_QUEBEC
from esja.matching.unspsc import normalise_unspsc
from esja.model import Category, Text
from esja.pledges.form import FieldError, Form, choices, clean, sent_once, text_errors
from esja.unspsc import unspsc_titles

DESCRIPTION_LIMITS = (20, 600)
MAX_LENGTH = {
    "description_fr": DESCRIPTION_LIMITS[1],
    "description_en": DESCRIPTION_LIMITS[1],
    "other_families": 200,
    "website": 200,
    "contact_email": 254,
}
MAX_FAMILIES = 20
SINGLE_FIELDS = ("description_fr", "description_en", "other_families", "website", "contact_email")
MULTIPLE_FIELDS = ("regions", "categories", "families")
# In the order the form shows them: the summary of errors lists them in that order too.
FORM_ORDER = ("description_fr", "description_en", "regions", "categories", "families", "website", "contact_email")
REGION_CHOICES = (*(r.code for r in all_regions()), ALL_QUEBEC)
# The listing's own error codes (wording `listing.error.*`); the others are the pledge form's.
OWN_ERRORS = frozenset(
    {"one_description", "regions", "family_unknown", "too_many_families", "website", "subscriber_address", "contact"}
)
# An https address as typed: a host of ASCII letters, digits, dots and hyphens, an optional port, then a path
# without spaces, quotes or angle brackets.
_WEBSITE = re.compile(r"https://(?P<host>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::[0-9]{1,5})?(?:[/?#][!#-&(-;=?-~]*)?")
_CODE_SEPARATORS = re.compile(r"[\s,;]+")


ListingForm = Form[Listing]


def message_key(error: FieldError) -> str:
    return f"{'listing' if error.code in OWN_ERRORS else 'pledge'}.error.{error.code}"


def form_values(listing: Listing) -> dict[str, str | tuple[str, ...]]:
    """A saved listing as the form shows it."""
    return {
        "description_fr": listing.description.fr or "",
        "description_en": listing.description.en or "",
        "regions": listing.regions,
        "categories": tuple(c.value for c in listing.categories),
        "families": listing.families,
        "other_families": "",
        "website": listing.website,
        "contact_email": listing.contact_email,
    }


def read_listing_form(
    fields: Mapping[str, Sequence[str]], *, refused_addresses: Collection[str] = (), own_families: Collection[str] = ()
) -> ListingForm:
    """`refused_addresses`: the enterprise's subscribers' addresses (lower case), which the directory never shows;
    `own_families`: those of its profiles' codes, taken even when the code list (older than some codes) lacks them."""
    values: dict[str, str | tuple[str, ...]] = {}
    for name in SINGLE_FIELDS:
        values[name] = clean(sent_once(fields, name))
    for name in MULTIPLE_FIELDS:
        values[name] = choices(fields, name)
    text = {name: value for name, value in values.items() if isinstance(value, str)}
    chosen = {name: value for name, value in values.items() if isinstance(value, tuple)}

    errors = [*_description_errors(text), *_choices_errors(chosen)]
    families, family_errors = _families(chosen["families"], text["other_families"], own_families)
    errors += family_errors
    website, website_errors = _website(text["website"])
    contact, contact_errors = _contact(text["contact_email"], refused_addresses)
    errors += website_errors + contact_errors
    if not (errors or website or contact):
        errors.append(FieldError("contact_email", "contact"))
    if errors:
        errors.sort(key=lambda e: FORM_ORDER.index(e.field))
        return ListingForm(values, tuple(errors), None)
    listing = Listing(
        description=Text(text["description_fr"] or None, text["description_en"] or None),
        regions=chosen["regions"],
        categories=tuple(c for c in Category if c.value in chosen["categories"]),
        families=families,
        website=website,
        contact_email=contact,
    )
    return ListingForm(values | {"families": families, "other_families": ""}, (), listing)


def _description_errors(text: Mapping[str, str]) -> list[FieldError]:
    written = [name for name in ("description_fr", "description_en") if text[name]]
    if not written:
        return [FieldError("description_fr", "one_description")]
    return [error for name in written for error in text_errors(name, text[name], DESCRIPTION_LIMITS)]


def _choices_errors(chosen: Mapping[str, tuple[str, ...]]) -> list[FieldError]:
    errors = []
    if not chosen["regions"]:
        errors.append(FieldError("regions", "regions"))
    elif any(region not in REGION_CHOICES for region in chosen["regions"]):
        errors.append(FieldError("regions", "choice"))
    if any(category not in {c.value for c in Category} for category in chosen["categories"]):
        errors.append(FieldError("categories", "choice"))
    return errors


def _families(checked: tuple[str, ...], typed: str, own: Collection[str]) -> tuple[tuple[str, ...], list[FieldError]]:
    """The families ticked and typed (a class or a commodity stands for its family), each once, in order."""
    if len(typed) > MAX_LENGTH["other_families"]:
        return (), [FieldError("families", "too_long", {"max": MAX_LENGTH["other_families"]})]
    families: dict[str, None] = {}
    for code in (*checked, *_CODE_SEPARATORS.split(typed)):
        if not code:
            continue
        family = (normalise_unspsc(code) or "")[:FAMILY_DIGITS]
        if len(family) < FAMILY_DIGITS or (family not in own and unspsc_titles().get(family) is None):
            return (), [FieldError("families", "family_unknown", {"code": code[:20]})]
        families[family] = None
    if len(families) > MAX_FAMILIES:
        return (), [FieldError("families", "too_many_families", {"max": MAX_FAMILIES})]
    return tuple(families), []


def _website(value: str) -> tuple[str, list[FieldError]]:
    if not value:
        return "", []
    if len(value) > MAX_LENGTH["website"]:
        return "", [FieldError("website", "too_long", {"max": MAX_LENGTH["website"]})]
    if _WEBSITE.fullmatch(value) is None:
        return "", [FieldError("website", "website")]
    return value, []


def _contact(value: str, refused: Collection[str]) -> tuple[str, list[FieldError]]:
    if not value:
        return "", []
    if len(value) > MAX_LENGTH["contact_email"]:
        return "", [FieldError("contact_email", "too_long", {"max": MAX_LENGTH["contact_email"]})]
    try:
        address = checked_address(value)
    except InvalidAddress:
        return "", [FieldError("contact_email", "email")]
    if address.lower() in refused:
        return "", [FieldError("contact_email", "subscriber_address")]
    return address, []
