"""A form with a file, as a browser posts it (multipart/form-data, RFC 7578) → its fields and its files.

MIME is what a browser sends, so the standard library's e-mail parser reads it (no dependency). Bounded before
anything is decoded: the body's size (a page says how big a file it takes), the number of parts; a body no
browser sends (no boundary, cut short, a part that is no form field) is refused as a whole (BadForm → 400), a
body too big is `TooLarge` (413), both before the page's own code runs.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from email.errors import MessageError
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.policy import HTTP

from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

from esja.web.forms import BadForm

MULTIPART = "multipart/form-data"
MAX_PARTS = 16  # our forms have a handful of fields
OVERHEAD_BYTES = 16 * 1024  # the other fields and the parts' headers, beside the file


class TooLarge(BadForm):
    """The body is bigger than the page takes."""


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class MultipartForm:
    fields: dict[str, list[str]]
    files: dict[str, Upload]


def is_multipart(event: BaseProxyEvent) -> bool:
    return _content_type(event).split(";", 1)[0].strip().lower() == MULTIPART


def read_multipart(event: BaseProxyEvent, *, max_file_bytes: int) -> MultipartForm:
    raw = event.body or ""
    # Base64 is 4 characters for 3 bytes: the size is known before a byte is decoded.
    size = len(raw) * 3 // 4 if event.is_base64_encoded else len(raw.encode("utf-8", "surrogatepass"))
    if size > max_file_bytes + OVERHEAD_BYTES:
        raise TooLarge(f"{size} bytes")
    try:
        body = base64.b64decode(raw, validate=True) if event.is_base64_encoded else raw.encode("utf-8")
        head = f"Content-Type: {_content_type(event)}\r\n\r\n".encode("ascii")
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        if not isinstance(message, EmailMessage) or not message.is_multipart() or message.defects:
            raise BadForm("not a complete multipart body")
        parts = list(message.iter_parts())
        if len(parts) > MAX_PARTS:
            raise BadForm("too many parts")
        return _form(parts)
    except (binascii.Error, UnicodeError, ValueError, LookupError, MessageError) as error:
        raise BadForm(str(error)) from None


def _form(parts: list[MIMEPart]) -> MultipartForm:
    fields: dict[str, list[str]] = {}
    files: dict[str, Upload] = {}
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        if part.get_content_disposition() != "form-data" or not isinstance(name, str) or part.is_multipart():
            raise BadForm("a part that is no form field")
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            raise BadForm("a part without content")
        filename = part.get_filename()
        if filename is None:
            fields.setdefault(name, []).append(data.decode("utf-8"))
        elif filename or data:  # a file input left empty sends a part with no name and no content
            files[name] = Upload(filename, data)
    return MultipartForm(fields, files)


def _content_type(event: BaseProxyEvent) -> str:
    return (event.headers or {}).get("content-type") or ""
