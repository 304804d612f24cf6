"""The « Recevoir les alertes » form as the browser sends it → JoinDetails, or each field's errors.

The pledge form's readers and validators (esja.pledges.form), so a name here is refused for what a name there
is; the NEQ is read as the spreadsheet reads it (esja.matching.csv_cells.neq), but required.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import get_args

from esja.geo.regions import all_regions
from esja.joining.model import JoinDetails
from esja.matching.csv_cells import CellError, neq
from esja.model import Language, LegalForm
from esja.pledges.form import CHECKED, FieldError, Form, choice_errors, clean, read_email, sent_once, text_errors

TEXT_FIELDS = {"enterprise_name": (2, 200), "contact_name": (2, 120)}
MAX_LENGTH = {**{name: limits[1] for name, limits in TEXT_FIELDS.items()}, "neq": 14, "email": 254}
LEGAL_FORMS: tuple[LegalForm, ...] = get_args(LegalForm)
LANGUAGES: tuple[Language, ...] = get_args(Language)
FIELDS = ("enterprise_name", "neq", "legal_form", "region", "contact_name", "email", "language", "consent")

JoinForm = Form[JoinDetails]


def read_join_form(fields: Mapping[str, Sequence[str]]) -> JoinForm:
    """Raises MalformedForm when a field is repeated (no browser does)."""
    text = {name: clean(sent_once(fields, name)) for name in FIELDS}
    email, email_errors = read_email(text["email"])
    errors = [
        *text_errors("enterprise_name", text["enterprise_name"], TEXT_FIELDS["enterprise_name"]),
        *_neq_errors(text["neq"]),
        *choice_errors("legal_form", text["legal_form"], set(LEGAL_FORMS)),
        *choice_errors("region", text["region"], {r.code for r in all_regions()}),
        *text_errors("contact_name", text["contact_name"], TEXT_FIELDS["contact_name"]),
        *email_errors,
        *choice_errors("language", text["language"], set(LANGUAGES)),
    ]
    if text["consent"] != CHECKED:
        errors.append(FieldError("consent", "consent"))
    if errors:
        return JoinForm(dict(text), tuple(errors), None)
    details = JoinDetails(
        enterprise_name=text["enterprise_name"],
        neq=neq(text["neq"]) or "",
        legal_form=next(f for f in LEGAL_FORMS if f == text["legal_form"]),
        region=text["region"],
        contact_name=text["contact_name"],
        email=email,
        language=next(lang for lang in LANGUAGES if lang == text["language"]),
    )
    return JoinForm(dict(text), (), details)


def _neq_errors(value: str) -> list[FieldError]:
    if not value:
        return [FieldError("neq", "required")]
    try:
        neq(value[: MAX_LENGTH["neq"] + 1])
    except CellError:
        return [FieldError("neq", "neq")]
    return []
