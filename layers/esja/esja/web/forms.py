"""A form as the browser posts it (application/x-www-form-urlencoded) → {field: [values]}.

Bounded before anything else reads it: size, number of fields, valid UTF-8. Anything else is refused
as a whole (BadForm → 400): a browser sending our forms never trips these.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs

from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
MAX_BODY_BYTES = 16 * 1024
MAX_FIELDS = 64


class BadForm(ValueError):
    """Not a form body a browser would send us."""


def read_form(event: BaseProxyEvent) -> dict[str, list[str]]:
    content_type = (event.headers or {}).get("content-type") or ""
    if content_type.split(";", 1)[0].strip().lower() != FORM_CONTENT_TYPE:
        raise BadForm("not a form body")
    try:
        raw = event.body or ""
        data = base64.b64decode(raw, validate=True) if event.is_base64_encoded else raw.encode("utf-8")
        if len(data) > MAX_BODY_BYTES:
            raise BadForm("form body too large")
        text = data.decode("utf-8")
        return parse_qs(text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=MAX_FIELDS)
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise BadForm(str(error)) from None


def single(fields: dict[str, list[str]], name: str) -> str:
    """The one value of a field; "" when it is missing or repeated."""
    values = fields.get(name, ())
    return values[0] if len(values) == 1 else ""
