"""Which parser reads a feed file, told from its first bytes, and the one entry point to all of them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from esja.sources.canadabuys import TITLE_EN, parse_canadabuys
from esja.sources.catalogue import FORMATS
from esja.sources.fields import Json
from esja.sources.ocds import Dialect, normalise_linked, parse_ocds
from esja.sources.parsed import FeedError, LinkedRecord, Parsed
from esja.sources.seao import OCID_PREFIX, SEAO, parse_seao

_BOM = b"\xef\xbb\xbf"
# SEAO puts its package header (publisher, uri) before the releases, so the first bytes tell;
# a 17 MB weekly file is never parsed twice just to be recognised.
_SNIFF_BYTES = 64 * 1024
_SEAO_MARKERS = re.compile(
    rb'"ocid"\s*:\s*"'
    + re.escape(OCID_PREFIX.encode())
    + rb'|"name"\s*:\s*"Secr(?:\xc3\xa9|\\u00e9)tariat du Conseil du tr(?:\xc3\xa9|\\u00e9)sor"'
    + rb'|"uri"\s*:\s*"https?://(?:www\.)?donneesquebec\.ca/',
    re.IGNORECASE,
)
_SEAO_FILE_NAME = re.compile(r"(?:hebdo|mensuel)_\d{8}_\d{8}", re.IGNORECASE)


def detect_format(data: bytes, filename: str | None = None) -> str:
    """The format of a feed file, "seao", "canadabuys" or "ocds", told by its content; the file
    name is only a hint when the content does not tell."""
    head = data[:_SNIFF_BYTES].removeprefix(_BOM).lstrip()
    if not head:
        raise FeedError("empty file: there is no feed to recognise")
    if head.startswith((f'"{TITLE_EN}"'.encode(), TITLE_EN.encode())):
        return "canadabuys"
    if head.startswith((b"{", b"[")):
        if _SEAO_MARKERS.search(head) or (filename and _SEAO_FILE_NAME.search(filename)):
            return "seao"
        return "ocds"
    if filename and filename.lower().endswith(".csv"):
        return "canadabuys"  # its parser then names the columns the header lacks
    raise FeedError(
        f"unrecognised feed format{f' in {filename}' if filename else ''}: neither JSON (SEAO, OCDS) "
        f"nor a CanadaBuys CSV starting with {TITLE_EN}"
    )


def parse(data: bytes, fmt: str | None = None, *, source: str | None = None, now: datetime) -> Parsed:
    """Parse a feed file of format `fmt` (detected when None); `source` names an OCDS feed's tenders."""
    fmt = fmt or detect_format(data)
    if fmt == "seao":
        return parse_seao(data, now=now)
    if fmt == "canadabuys":
        return parse_canadabuys(data, now=now)
    if fmt == "ocds":
        return parse_ocds(data, source=source or fmt, now=now)
    raise FeedError(f"unknown feed format {fmt!r}: expected one of {', '.join(FORMATS)}")


def parse_linked(
    found: Sequence[tuple[LinkedRecord, list[Json]]], fmt: str, *, source: str | None = None, now: datetime
) -> Parsed:
    """Records of a `fmt` file that only link to their releases, with those releases fetched."""
    dialect = SEAO if fmt == "seao" else Dialect(source=source or fmt)
    return normalise_linked(found, dialect, now=now)
