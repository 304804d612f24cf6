"""Any OCDS 1.1 feed → `Tender`s: release packages, record packages, a single release or record.

One normaliser (`normalise_release`) turns a release into a `Tender` for every publisher; a `Dialect`
carries what a publisher does differently from the standard (SEAO's lives in `seao.py`).
Releases of one `ocid` are grouped and the latest gives the current state; a release that cannot
be read is rejected on its own and never sinks the others.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, TypeGuard

from esja.clock import TIME_ZONE
from esja.model import Address, Award, Buyer, Category, Classification, Money, Status, Supplier, Tender, Text
from esja.sources.parsed import FeedError, Parsed, Rejected

Json = Mapping[str, Any]

_EMPTY: Json = MappingProxyType({})
_CANCELLED = frozenset({"cancelled", "unsuccessful", "withdrawn"})
_NOT_AWARDED = frozenset({"cancelled", "unsuccessful"})
_CATEGORIES = {c.value: c for c in Category}
_NO_TEXT = Text()
_BILINGUAL = {key: (f"{key}_en", f"{key}_fr") for key in ("title", "description", "name")}


class Drift(ValueError):
    """One record departs from the schema (a string where an object belongs, an amount "abc")."""


# What reading one malformed record can raise; it rejects that record only.
RECORD_ERRORS = (ValueError, TypeError, ArithmeticError)


def parse_datetime(raw: str) -> datetime:
    """ISO 8601 → aware datetime; a date alone or a time without offset is Eastern local time (Québec and
    federal publishers write local dates and times without an offset)."""
    value = datetime.fromisoformat(raw)
    return value if value.tzinfo is not None else value.replace(tzinfo=TIME_ZONE)


def one_line(text: str) -> str:
    """Collapse runs of whitespace (TABs, newlines, double spaces) in a title or a name."""
    return " ".join(text.split())


def rejection_reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


# ---------------------------------------------------------------- publisher dialects


def standard_revision(release: Json) -> str:
    """The standard's order: release `date` (as UTC, so offsets compare), then release `id`."""
    issued = _datetime(release, "date")
    stamp = f"{issued.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}" if issued else ""
    return f"{stamp}/{_id(release, 'id') or ''}"


def release_date(release: Json) -> datetime | None:
    return _datetime(release, "date")


def additional_categories(tender: Json) -> tuple[str, ...]:
    return _labels(tender, "additionalProcurementCategories")


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one publisher departs from plain OCDS 1.1; the defaults follow the standard."""

    source: str
    revision: Callable[[Json], str] = standard_revision  # sortable; the greatest is the current state
    issued_at: Callable[[Json], datetime | None] = release_date  # when this release was issued
    category_details: Callable[[Json], tuple[str, ...]] = additional_categories  # from `tender`
    duration_key: str = "durationInDays"  # in tenderPeriod


# ---------------------------------------------------------------- the file


def load_package(data: bytes) -> dict[str, Any]:
    """Bytes → the package object, amounts as exact Decimals; FeedError when the file is unreadable."""
    if not data or data.isspace():
        raise FeedError("empty file: there is no OCDS package to read")
    try:
        package = json.loads(data, parse_float=Decimal)
    except UnicodeDecodeError as exc:
        raise FeedError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise FeedError(
            f"not valid JSON, truncated or corrupt: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise FeedError("not readable JSON: nested too deeply") from exc
    if not isinstance(package, dict):
        raise FeedError(f"an OCDS file holds one JSON object, this one holds {_kind(package)}")
    return package


def parse_ocds(data: bytes, *, source: str, now: datetime) -> Parsed:
    """Any OCDS release or record package (or a single release or record) → tenders + rejected."""
    return parse_package(data, Dialect(source=source), now=now)


def parse_package(data: bytes, dialect: Dialect, *, now: datetime) -> Parsed:
    """Bytes → tenders in `dialect`, the whole file in memory (a monthly SEAO file is ≤ 40 MB)."""
    with _cycle_collector_paused():
        return normalise_package(load_package(data), dialect, now=now)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """A weekly SEAO file is about a million JSON containers, which the cycle collector would walk
    again and again while tenders are built (a quarter of the time). Neither the JSON tree nor the
    frozen tenders hold a reference cycle, so reference counting frees all of it without the collector.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def normalise_package(package: Json, dialect: Dialect, *, now: datetime) -> Parsed:
    """One tender per ocid, from its latest release. When that release cannot be read, the ocid is
    rejected rather than shown in an older state that the publisher has since replaced."""
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    entries, resolve = _contents(package)
    parsed = Parsed()
    latest = _latest_by_ocid(entries, resolve, dialect, parsed)
    for ocid, (revision, locator, release) in latest.items():
        try:
            parsed.tenders.append(normalise_release(release, dialect, now=now, ocid=ocid, revision=revision))
        except RECORD_ERRORS as exc:
            parsed.rejected.append(Rejected(f"{locator} {ocid}", rejection_reason(exc)))
    return parsed


def _contents(package: Json) -> tuple[Iterable[tuple[str, Any]], Callable[[Any], Json]]:
    """The package's entries (locator, raw) and how to turn one into a release."""
    if "records" in package:
        return _entries(package, "records"), _record_release
    if "compiledRelease" in package or ("releases" in package and "ocid" in package):
        return [("record", package)], _record_release
    if "releases" in package:
        return _entries(package, "releases"), _as_release
    if "ocid" in package:
        return [("release", package)], _as_release
    raise FeedError("not OCDS: the object has no releases[] or records[] and is not a single release or record")


def _entries(package: Json, key: str) -> Iterator[tuple[str, Any]]:
    items = package[key]
    if not isinstance(items, list):
        raise FeedError(f"not OCDS: {key} is {_kind(items)}, not an array")
    for index, item in enumerate(items):
        yield f"{key}[{index}]", item


def _latest_by_ocid(
    entries: Iterable[tuple[str, Any]], resolve: Callable[[Any], Json], dialect: Dialect, parsed: Parsed
) -> dict[str, tuple[str, str, Json]]:
    """ocid → (revision, locator, release) of its latest release; files are not in date order."""
    latest: dict[str, tuple[str, str, Json]] = {}
    for locator, raw in entries:
        parsed.records += 1
        ocid = ""
        try:
            release = resolve(raw)
            ocid = _id(release, "ocid") or ""
            if not ocid:
                raise Drift("no ocid")
            revision = dialect.revision(release)
        except RECORD_ERRORS as exc:
            parsed.rejected.append(Rejected(f"{locator} {ocid}".rstrip(), rejection_reason(exc)))
            continue
        current = latest.get(ocid)
        if current is None or revision >= current[0]:  # a tie goes to the later one in the file
            latest[ocid] = (revision, locator, release)
    return latest


def _as_release(raw: Any) -> Json:
    if not isinstance(raw, dict):
        raise Drift(f"a release is an object, got {_kind(raw)}")
    return raw


def _record_release(raw: Any) -> Json:
    """A record's current state: its compiledRelease, else its embedded releases merged latest-wins."""
    record = _as_release(raw)
    releases = sorted((r for r in _array(record, "releases") if isinstance(r, dict)), key=standard_revision)
    compiled = record.get("compiledRelease")
    if compiled is not None:
        compiled = _as_release(compiled)
        # A compiled release is tagged "compiled"; what happened last is the latest release's tag
        # (embedded or linked, both carry it).
        if releases and "tag" in releases[-1]:
            compiled = {**compiled, "tag": releases[-1]["tag"]}
        return compiled if "ocid" in compiled else {**compiled, "ocid": record.get("ocid")}
    embedded = [release for release in releases if "ocid" in release]  # linked ones have only a url
    if not embedded:
        raise Drift("record has no compiledRelease and no embedded releases (only links)")
    merged: Json = {"ocid": record.get("ocid")} if "ocid" in record else _EMPTY
    for release in embedded:
        merged = merge(merged, release)
    return merged


def merge(older: Json, newer: Json) -> dict[str, Any]:
    """OCDS merge: objects field by field, arrays of objects with `id` by id, anything else replaced."""
    merged = dict(older)
    for key, value in newer.items():
        old = merged.get(key)
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(old, dict):
            merged[key] = merge(old, value)
        elif _identified(value) and _identified(old):
            merged[key] = _merge_by_id(old, value)
        else:
            merged[key] = value
    return merged


def _identified(value: Any) -> TypeGuard[list[dict[str, Any]]]:
    return isinstance(value, list) and all(isinstance(v, dict) and "id" in v for v in value)


def _merge_by_id(older: list[dict[str, Any]], newer: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {item["id"]: item for item in older}
    for item in newer:
        by_id[item["id"]] = merge(by_id.get(item["id"], _EMPTY), item)
    return list(by_id.values())


# ---------------------------------------------------------------- one release → Tender


def normalise_release(
    release: Json, dialect: Dialect, *, now: datetime, ocid: str | None = None, revision: str | None = None
) -> Tender:
    """The one release→Tender function, for every OCDS publisher (SEAO included)."""
    lang = _language(release)
    tender = _object(release, "tender")
    parties = _parties(release)
    tags = _tags(release)
    awards = _awards(release, parties, lang)
    closing = _closing(tender, dialect.duration_key)
    amendment_number = len(_array(tender, "amendments")) or (1 if "tenderUpdate" in tags else 0)
    issued = dialect.issued_at(release) if amendment_number else None
    title = _title(tender, release, lang)
    description = _text(tender, "description", lang)
    return Tender(
        source=dialect.source,
        native_id=ocid or _required_id(release, "ocid"),
        revision=revision if revision is not None else dialect.revision(release),
        title=title,
        status=_status(_str(tender, "status"), closing, awards, now),
        description=description,
        reference=_id(tender, "id"),
        buyer=_buyer(release, parties, lang),
        classifications=_classifications(tender, release, lang),
        category=_CATEGORIES.get(_str(tender, "mainProcurementCategory") or ""),
        category_details=dialect.category_details(tender),
        method=_str(tender, "procurementMethod"),
        method_details=_str(tender, "procurementMethodDetails"),
        notice_type="+".join(tags) or None,
        published_at=_datetime(tender, "datePublished") or _datetime(release, "date"),
        closing_at=closing,
        amendment_number=amendment_number,
        amendment_date=issued.astimezone(TIME_ZONE).date() if issued else None,
        url=_notice_url(tender),
        value=_money(tender, "value"),
        languages=_languages(lang, title, description),
        awards=awards,
    )


def _language(release: Json) -> str:
    # The standard's default language is English; « fr-CA » is French.
    return (_str(release, "language") or "en").lower().partition("-")[0]


def _languages(lang: str, *texts: Text) -> tuple[str, ...]:
    present = {code for text in texts for code, value in (("fr", text.fr), ("en", text.en)) if value}
    other = "en" if lang == "fr" else "fr"
    return tuple(code for code in (lang, other) if code in present)


def _tags(release: Json) -> tuple[str, ...]:
    tag = release.get("tag")
    # Montréal writes `tag` as a string, not the array the standard asks for.
    if isinstance(tag, str):
        return (tag.strip(),) if tag.strip() else ()
    return tuple(_as_str(value, "tag[]") for value in _array(release, "tag"))


def _title(tender: Json, release: Json, lang: str) -> Text:
    title = _text(tender, "title", lang, single_line=True)
    if title.fr or title.en:
        return title
    # Award-only (Montréal) and contract-only (buyandsell) publishers have no tender title: the
    # award's or contract's title names the purchase, else the description of its first item.
    parts = [part for key in ("awards", "contracts") for part in _objects(release, key)]
    candidates = [_text(part, "title", lang, single_line=True) for part in parts]
    candidates += [
        _text(item, "description", lang, single_line=True) for part in parts for item in _objects(part, "items")
    ]
    for title in candidates:
        if title.fr or title.en:
            return title
    raise Drift("no title: neither the tender nor its awards or contracts name it")


def _status(tender_status: str | None, closing: datetime | None, awards: tuple[Award, ...], now: datetime) -> Status:
    if tender_status in _CANCELLED:
        return Status.CANCELLED
    if any(award.status not in _NOT_AWARDED for award in awards):
        return Status.AWARDED
    if tender_status == "complete" or (closing is not None and closing <= now):
        return Status.CLOSED
    return Status.OPEN


def _closing(tender: Json, duration_key: str) -> datetime | None:
    period = _object(tender, "tenderPeriod")
    end = _datetime(period, "endDate")
    if end is not None:
        return end
    start = _datetime(period, "startDate")
    days = period.get(duration_key)
    if start is None or days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int):
        raise Drift(f"tenderPeriod.{duration_key}: expected a whole number, got {_kind(days)}")
    return start + timedelta(days=days)


def _notice_url(tender: Json) -> str | None:
    documents = _objects(tender, "documents")
    for document in documents:
        if _str(document, "documentType") == "tenderNotice" and _str(document, "url"):
            return _str(document, "url")
    # SEAO's one document, with no documentType, is the public notice page.
    for document in documents:
        url = _str(document, "url")
        if url:
            return url
    return None


def _parties(release: Json) -> dict[str, Json]:
    parties: dict[str, Json] = {}
    for party in _objects(release, "parties"):
        party_id = _id(party, "id")
        if party_id:
            parties[party_id] = party
    return parties


def _buyer(release: Json, parties: Mapping[str, Json], lang: str) -> Buyer | None:
    ref = _object(release, "buyer")
    buyer_id = _id(ref, "id")
    party = parties.get(buyer_id, _EMPTY) if buyer_id else _role(parties, "buyer")
    # SEAO's buyer name can be more precise than its party's (« Ville de Montréal - Service de
    # l'approvisionnement »); buyandsell leaves it empty and names the party in both languages.
    name = _text(ref, "name", lang, single_line=True)
    if not (name.fr or name.en):
        name = _text(party, "name", lang, single_line=True)
    buyer_id = buyer_id or _id(party, "id")
    if not (name.fr or name.en or buyer_id):
        return None
    return Buyer(name=name, id=buyer_id, address=_address(_object(ref, "address") or _object(party, "address")))


def _role(parties: Mapping[str, Json], role: str) -> Json:
    for party in parties.values():
        if role in _array(party, "roles"):
            return party
    return _EMPTY


def _address(raw: Json) -> Address | None:
    if not raw:
        return None
    fields = (
        _str(raw, "streetAddress"),
        _str(raw, "locality"),
        _str(raw, "region"),
        _str(raw, "postalCode"),
        _str(raw, "countryName"),
    )
    return Address(*fields) if any(fields) else None


def _awards(release: Json, parties: Mapping[str, Json], lang: str) -> tuple[Award, ...]:
    contracts = _objects(release, "contracts")
    # A contract's value is the settled amount and can differ from its award's (SEAO: 36,860.99
    # awarded, 38,532.72 paid on a terminated contract), so it wins over the award's value.
    settled: dict[str, Money] = {}
    for contract in contracts:
        award_id, value = _id(contract, "awardID"), _money(contract, "value")
        if award_id and value and award_id not in settled:
            settled[award_id] = value
    awards: dict[str | None, Award] = {}
    for raw in _objects(release, "awards"):
        award_id = _id(raw, "id")
        awards[award_id] = Award(
            id=award_id,
            status=_str(raw, "status"),
            date=_datetime(raw, "date"),
            value=settled.get(award_id or "") or _money(raw, "value"),
            suppliers=_suppliers(raw, parties, lang),
        )
    # buyandsell publishes contracts without their awards: each still says something was awarded.
    for contract in contracts:
        award_id = _id(contract, "awardID") or _id(contract, "id")
        if award_id not in awards:
            awards[award_id] = Award(
                id=award_id,
                status=_str(contract, "status"),
                date=_datetime(contract, "dateSigned"),
                value=_money(contract, "value"),
            )
    return tuple(awards.values())


def _suppliers(award: Json, parties: Mapping[str, Json], lang: str) -> tuple[Supplier, ...]:
    suppliers = []
    for raw in _objects(award, "suppliers"):
        supplier_id = _id(raw, "id") or _id(_object(raw, "identifier"), "id")
        party = parties.get(supplier_id, _EMPTY) if supplier_id else _EMPTY
        name = _name(raw, lang) or _name(party, lang)
        if name or supplier_id:
            # SEAO puts the NEQ (Québec enterprise number) in details.neq, not in `identifier`.
            neq = _id(_object(party, "details"), "neq") if "details" in party else None
            suppliers.append(Supplier(name=name or "", id=supplier_id, neq=neq))
    return tuple(suppliers)


def _classifications(tender: Json, release: Json, lang: str) -> tuple[Classification, ...]:
    items = _objects(tender, "items")
    if not items:
        # Award-only (Montréal) and contract-only (buyandsell) publishers classify those items.
        items = [
            item
            for key in ("awards", "contracts")
            for part in _objects(release, key)
            for item in _objects(part, "items")
        ]
    found: dict[tuple[str, str], Classification] = {}
    for item in items:
        _classify(found, _object(item, "classification"), lang, item=item)
        for extra in _objects(item, "additionalClassifications"):
            _classify(found, extra, lang)
    return tuple(found.values())


def _classify(found: dict[tuple[str, str], Classification], raw: Json, lang: str, item: Json | None = None) -> None:
    if not raw:
        return
    scheme, code = (_str(raw, "scheme") or "").upper(), _id(raw, "id")
    if not scheme or not code or (scheme, code) in found:
        return
    description = _text(raw, "description", lang, single_line=True)
    if description is _NO_TEXT and item is not None:
        # buyandsell describes the item, not its GSIN code
        description = _text(item, "description", lang, single_line=True)
    found[scheme, code] = Classification(scheme=scheme, code=code, description=description)


def _labels(parent: Json, key: str) -> tuple[str, ...]:
    labels = []
    for value in _array(parent, key):
        if not isinstance(value, str):
            raise Drift(f"{key}[]: expected strings, got {_kind(value)}")
        if label := one_line(value):
            labels.append(label)
    return tuple(labels)


# ---------------------------------------------------------------- typed reads (drift → Drift)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _object(parent: Json, key: str) -> Json:
    value = parent.get(key, _EMPTY)
    if value is _EMPTY or isinstance(value, dict):
        return value
    raise Drift(f"{key}: expected an object, got {_kind(value)}")


def _array(parent: Json, key: str) -> list[Any]:
    value = parent.get(key)
    if isinstance(value, list):
        return value
    if value is None and key not in parent:
        return []
    raise Drift(f"{key}: expected an array, got {_kind(value)}")


def _objects(parent: Json, key: str) -> list[Json]:
    values = _array(parent, key)
    for value in values:
        if not isinstance(value, dict):
            raise Drift(f"{key}[]: expected objects, got {_kind(value)}")
    return values


def _as_str(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value.strip()
    raise Drift(f"{where}: expected a string, got {_kind(value)}")


def _str(parent: Json, key: str) -> str | None:
    value = parent.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    raise Drift(f"{key}: expected a string, got {_kind(value)}")


def _id(parent: Json, key: str) -> str | None:
    """An identifier: publishers write them as strings or as numbers."""
    value = parent.get(key)
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return _str(parent, key)


def _required_id(parent: Json, key: str) -> str:
    value = _id(parent, key)
    if not value:
        raise Drift(f"no {key}")
    return value


def _text(parent: Json, key: str, lang: str, *, single_line: bool = False) -> Text:
    """`key` in the release's language, with buyandsell's bilingual `key_en` / `key_fr` beside it."""
    key_en, key_fr = _BILINGUAL[key]
    if key_en not in parent and key_fr not in parent:  # one language, the common case
        plain = _str(parent, key)
        if not plain:
            return _NO_TEXT
        plain = one_line(plain) if single_line else plain
        return Text(fr=plain) if lang == "fr" else Text(en=plain)
    plain, en, fr = _str(parent, key), _str(parent, key_en), _str(parent, key_fr)
    if plain:
        if lang == "fr":
            fr = fr or plain
        else:
            en = en or plain
    if not (fr or en):
        return _NO_TEXT
    if single_line:
        fr, en = fr and one_line(fr), en and one_line(en)
    return Text(fr=fr or None, en=en or None)


def _name(party: Json, lang: str) -> str | None:
    """A party's name on one line, in the release's language when it gives two."""
    if "name_en" in party or "name_fr" in party:
        text = _text(party, "name", lang, single_line=True)
        return (text.fr or text.en) if lang == "fr" else (text.en or text.fr)
    name = _str(party, "name")
    return one_line(name) if name else None


def _datetime(parent: Json, key: str) -> datetime | None:
    raw = _str(parent, key)
    return parse_datetime(raw) if raw else None


def _money(parent: Json, key: str) -> Money | None:
    value = _object(parent, key)
    amount = value.get("amount")
    if amount is None:
        return None
    # No currency given means none known (SEAO's estimated tender.value): never guess one.
    return Money(amount=_decimal(amount, f"{key}.amount"), currency=_str(value, "currency"))


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise Drift(f"{where}: expected a number, got bool")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise Drift(f"{where}: not a number") from None
    else:
        raise Drift(f"{where}: expected a number, got {_kind(value)}")
    if not amount.is_finite():
        raise Drift(f"{where}: not a finite number")
    return amount
