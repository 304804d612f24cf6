"""CanadaBuys tender notices CSV (new or open notices, 67 bilingual columns) → `Tender`s.

FORMATS.md §B: UTF-8 with or without a BOM, RFC 4180 quoting with embedded CR/LF and TABs,
multi-valued cells as « *value » lines, closing times in Eastern time without an offset.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator, Mapping
from datetime import date, datetime

from esja.model import Address, Buyer, Category, Classification, Status, Tender, Text
from esja.sources.fields import NOT_WHOLE, UNREADABLE_DATE, RepairLog, derived_from, read_datetime
from esja.sources.notice import one_line, status_by_closing, title_from_description
from esja.sources.notice_pages import CANADABUYS_PAGES
from esja.sources.parsed import RECORD_ERRORS, Drift, FeedError, Parsed, Rejected, Repair, rejection_reason

TITLE_EN = "title-titre-eng"
TITLE_FR = "title-titre-fra"
REFERENCE = "referenceNumber-numeroReference"
AMENDMENT_NUMBER = "amendmentNumber-numeroModification"
SOLICITATION = "solicitationNumber-numeroSollicitation"
PUBLISHED = "publicationDate-datePublication"
CLOSING = "tenderClosingDate-appelOffresDateCloture"
AMENDMENT_DATE = "amendmentDate-dateModification"
STATUS_EN = "tenderStatus-appelOffresStatut-eng"
GSIN = "gsin-nibs"
GSIN_EN = "gsinDescription-nibsDescription-eng"
GSIN_FR = "gsinDescription-nibsDescription-fra"
UNSPSC = "unspsc"
UNSPSC_EN = "unspscDescription-eng"
UNSPSC_FR = "unspscDescription-fra"
CATEGORY = "procurementCategory-categorieApprovisionnement"
NOTICE_TYPE_EN = "noticeType-avisType-eng"
METHOD_EN = "procurementMethod-methodeApprovisionnement-eng"
DELIVERY_EN = "regionsOfDelivery-regionsLivraison-eng"
DELIVERY_FR = "regionsOfDelivery-regionsLivraison-fra"
# The publisher's own spellings, typos included (« nomEntitContractante »).
ENTITY_EN = "contractingEntityName-nomEntitContractante-eng"
ENTITY_FR = "contractingEntityName-nomEntitContractante-fra"
ENTITY_STREET = "contractingEntityAddressLine-ligneAdresseEntiteContractante-eng"
ENTITY_CITY = "contractingEntityAddressCity-entiteContractanteAdresseVille-eng"
ENTITY_PROVINCE = "contractingEntityAddressProvince-entiteContractanteAdresseProvince-eng"
ENTITY_POSTAL_CODE = "contractingEntityAddressPostalCode-entiteContractanteAdresseCodePostal"
ENTITY_COUNTRY = "contractingEntityAddressCountry-entiteContractanteAdressePays-eng"
URL_EN = "noticeURL-URLavis-eng"
URL_FR = "noticeURL-URLavis-fra"
DESCRIPTION_EN = "tenderDescription-descriptionAppelOffres-eng"
DESCRIPTION_FR = "tenderDescription-descriptionAppelOffres-fra"

KEY_COLUMNS = (TITLE_EN, TITLE_FR, REFERENCE, AMENDMENT_NUMBER, CLOSING, STATUS_EN)

# csv refuses fields over 128 KiB by default, and one long notice description would then make the
# whole file unreadable, run after run; a 16 MiB bound still stops a runaway quote.
csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))

# « *URL » is empty for notices keyed cb-…; the notice page then lives at this address (and in French at
# its twin: esja.sources.notice_pages).
NOTICE_PAGE = CANADABUYS_PAGES["en"]

_CATEGORIES = {
    "GD": Category.GOODS,
    "SRV": Category.SERVICES,
    "SRVTGD": Category.SERVICES,  # services related to goods
    "CNST": Category.WORKS,
}
_FINAL_STATUSES = {
    "cancelled": Status.CANCELLED,
    "awarded": Status.AWARDED,
    "expired": Status.CLOSED,
    "closed": Status.CLOSED,
}
_METHODS = (  # keyword in the English label → OCDS procurementMethod
    ("open", "open"),
    ("selective", "selective"),
    ("advance contract award", "direct"),
    ("non-competitive", "direct"),
    ("limited", "limited"),
)


def parse_canadabuys(data: bytes, *, now: datetime) -> Parsed:
    """A CanadaBuys notices file → one tender per reference number, at its highest amendment."""
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    header, rows = _read(data)
    parsed = Parsed()
    latest: dict[str, tuple[Tender, list[Repair]]] = {}
    for index, values in rows:
        parsed.records += 1
        row = dict(zip(header, values, strict=False))
        record = f"row {index} {_cell(row, REFERENCE)}".rstrip()
        log = RepairLog()
        try:
            # Fields out of line with the header cannot be told apart: the whole row is unreadable.
            if len(values) != len(header):
                raise Drift(f"the row has {len(values)} fields, the header {len(header)}")
            tender = _tender(row, now, log)
        except RECORD_ERRORS as exc:
            parsed.rejected.append(Rejected(record, rejection_reason(exc)))
            continue
        current = latest.get(tender.native_id)
        if current is None or tender.revision >= current[0].revision:
            latest[tender.native_id] = (tender, log.repairs(record))
    for tender, repairs in latest.values():
        parsed.tenders.append(tender)
        parsed.repairs += repairs
    return parsed


def _read(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, checked, and the data rows (numbered from 1) still to read."""
    try:
        text = data.decode("utf-8-sig")  # the live feed starts with a BOM, the 2024 file did not
    except UnicodeDecodeError as exc:
        raise FeedError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise FeedError(f"not readable CSV in the header: {exc}") from exc
    if not header:
        raise FeedError("empty file: there is no CanadaBuys header to read")
    missing = [column for column in KEY_COLUMNS if column not in header]
    if missing:
        raise FeedError(f"not a CanadaBuys notices file: the header lacks {', '.join(missing)}")
    return header, _data_rows(reader)


def _data_rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    index = 0
    try:
        for values in reader:
            if values:  # a blank line is no record
                index += 1
                yield index, values
    except csv.Error as exc:
        raise FeedError(f"not readable CSV after data row {index}: {exc}") from exc


def _tender(row: Mapping[str, str], now: datetime, log: RepairLog) -> Tender:
    """One row's notice; a cell that cannot be read costs that cell (noted in `log`), not the row."""
    reference = _cell(row, REFERENCE)
    if not reference:
        raise Drift("no reference number")
    description = Text(fr=_description(row, DESCRIPTION_FR), en=_description(row, DESCRIPTION_EN))
    title = Text(fr=_title(row, TITLE_FR), en=_title(row, TITLE_EN))
    derived = not (title.fr or title.en)
    if derived:
        title = title_from_description(description)
        if not (title.fr or title.en):
            raise Drift("no title and no description")
        log.note(TITLE_EN, derived_from("the description"))
    closing = _datetime(row, CLOSING, log)
    amendment_number = _whole_number(row, AMENDMENT_NUMBER, log)
    amendment_date = _date(row, AMENDMENT_DATE, log)
    categories = [code for code in _values(_cell(row, CATEGORY)) if code]
    return Tender(
        source="canadabuys",
        native_id=reference,
        revision=f"{amendment_number:03d}-{amendment_date}" if amendment_date else f"{amendment_number:03d}",
        title=title,
        # The open-notices file still says « Open » after the closing date: the date decides.
        status=_FINAL_STATUSES.get(_cell(row, STATUS_EN).lower()) or status_by_closing(closing, now),
        description=description,
        reference=_cell(row, SOLICITATION) or None,
        buyer=_buyer(row),
        delivery_regions=_delivery_regions(row),
        classifications=_classifications(row, "UNSPSC", UNSPSC, UNSPSC_EN, UNSPSC_FR)
        + _classifications(row, "GSIN", GSIN, GSIN_EN, GSIN_FR),
        category=next((_CATEGORIES[c] for c in categories if c in _CATEGORIES), None),
        category_details=tuple(categories),
        method=_method(_cell(row, METHOD_EN)),
        method_details=_cell(row, METHOD_EN) or None,
        notice_type=_cell(row, NOTICE_TYPE_EN) or None,
        published_at=_datetime(row, PUBLISHED, log),
        closing_at=closing,
        amendment_number=amendment_number,
        amendment_date=amendment_date,
        url=_cell(row, URL_EN) or _cell(row, URL_FR) or NOTICE_PAGE.format(reference.lower()),
        languages=("en", "fr"),
        derived=("title",) if derived else (),
    )


def _cell(row: Mapping[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def _whole_number(row: Mapping[str, str], column: str, log: RepairLog) -> int:
    """The amendment count; one that cannot be read counts as the first (it then loses to any
    readable amendment of the same notice), and the row still gives its tender."""
    raw = _cell(row, column) or "0"
    if raw.isdigit():
        return int(raw)
    log.note(column, NOT_WHOLE)
    return 0


def _values(cell: str) -> list[str]:
    """« *a⏎*b » → ["a", "b"]: each value of a multi-valued cell is a line with a `*` prefix."""
    return [value.strip().removeprefix("*").strip() for value in cell.split("\n")] if cell else []


def _title(row: Mapping[str, str], column: str) -> str | None:
    return one_line(html.unescape(_cell(row, column))) or None


def _description(row: Mapping[str, str], column: str) -> str | None:
    # Descriptions carry HTML entities (&rsquo;, &#39;, &nbsp;) and Windows line ends (CRLF).
    return html.unescape(_cell(row, column)).replace("\r\n", "\n").strip() or None


def _datetime(row: Mapping[str, str], column: str, log: RepairLog) -> datetime | None:
    raw = _cell(row, column)
    if not raw:
        return None
    moment = read_datetime(raw)
    if moment is None:
        log.note(column, UNREADABLE_DATE)
    return moment


def _date(row: Mapping[str, str], column: str, log: RepairLog) -> date | None:
    moment = _datetime(row, column, log)
    return moment.date() if moment else None


def _classifications(
    row: Mapping[str, str], scheme: str, codes: str, english: str, french: str
) -> tuple[Classification, ...]:
    """Codes with their English and French titles, which the publisher aligns line by line."""
    titles_en, titles_fr = _values(_cell(row, english)), _values(_cell(row, french))
    found: dict[str, Classification] = {}
    for position, code in enumerate(_values(_cell(row, codes))):
        if code and code not in found:
            description = Text(fr=_at(titles_fr, position), en=_at(titles_en, position))
            found[code] = Classification(scheme=scheme, code=code, description=description)
    return tuple(found.values())


def _at(values: list[str], position: int) -> str | None:
    return (values[position] or None) if position < len(values) else None


def _delivery_regions(row: Mapping[str, str]) -> tuple[str, ...]:
    """The publisher's labels as written: the English ones, then French ones not already there."""
    labels = [label for label in _values(_cell(row, DELIVERY_EN)) if label]
    labels += [label for label in _values(_cell(row, DELIVERY_FR)) if label and label not in labels]
    return tuple(labels)


def _buyer(row: Mapping[str, str]) -> Buyer | None:
    # French entity names start with a space (« " Ministère des Travaux publics…" »).
    name = Text(fr=one_line(_cell(row, ENTITY_FR)) or None, en=one_line(_cell(row, ENTITY_EN)) or None)
    if not (name.fr or name.en):
        return None
    address = Address(
        street=_cell(row, ENTITY_STREET) or None,
        locality=_cell(row, ENTITY_CITY) or None,
        province=_cell(row, ENTITY_PROVINCE) or None,
        postal_code=_cell(row, ENTITY_POSTAL_CODE) or None,
        country=_cell(row, ENTITY_COUNTRY) or None,
    )
    return Buyer(name=name, address=None if address == Address() else address)


def _method(label: str) -> str | None:
    lowered = label.lower()
    return next((method for keyword, method in _METHODS if keyword in lowered), None)
