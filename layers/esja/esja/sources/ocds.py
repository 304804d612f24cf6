"""Any OCDS 1.1 feed → `Tender`s: release packages, record packages, a single release or record.

One normaliser (`normalise_release`) turns a release into a `Tender` for every publisher; a `Dialect`
carries what a publisher does differently from the standard (SEAO's lives in `seao.py`).
Releases of one `ocid` are grouped and the latest gives the current state. A field that departs from
the schema costs that field (`fields.py`); a release with no tender, award or contract words is not a
notice; only a release whose ocid or words cannot be read is rejected, and never sinks the others.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeGuard

from esja.model import Address, Award, Buyer, Category, Classification, Money, Status, Supplier, Tender, Text
from esja.sources.fields import (
    NO_TEXT,
    NOTHING,
    OUT_OF_RANGE,
    PUBLISHER_TZ,
    Fields,
    Json,
    RepairLog,
    derived_from,
    kind_of,
)
from esja.sources.notice import one_line, shortened, status_by_closing, title_from_description
from esja.sources.parsed import (
    RECORD_ERRORS,
    Drift,
    FeedError,
    LinkedRecord,
    NotANotice,
    Parsed,
    Rejected,
    rejection_reason,
)

_CANCELLED = frozenset({"cancelled", "unsuccessful", "withdrawn"})
_NOT_AWARDED = frozenset({"cancelled", "unsuccessful"})
_CATEGORIES = {c.value: c for c in Category}
# Where a notice's words live: when all of them are absent the release is not a notice; when one
# was there but could not be read, the release is rejected rather than called « not a notice ».
_WORD_FIELDS = frozenset({"tender", "awards", "contracts", "title", "description", "items", "lots"})


class OnlyLinks(Exception):
    """A record whose releases are only links (no compiledRelease, no embedded release)."""

    def __init__(self, ocid: str | None, urls: tuple[str, ...]) -> None:
        super().__init__("the record only links to its releases")
        self.ocid = ocid
        self.urls = urls


# ---------------------------------------------------------------- publisher dialects


def standard_revision(release: Fields) -> str:
    """The standard's order: release `date` (as UTC, so offsets compare), then release `id`."""
    issued = release.datetime("date")
    stamp = f"{issued.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}" if issued else ""
    return f"{stamp}/{release.id('id') or ''}"


def release_date(release: Fields) -> datetime | None:
    return release.datetime("date")


def additional_categories(tender: Fields) -> tuple[str, ...]:
    return tender.strings("additionalProcurementCategories")


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one publisher departs from plain OCDS 1.1; the defaults follow the standard."""

    source: str
    revision: Callable[[Fields], str] = standard_revision  # sortable; the greatest is the current state
    issued_at: Callable[[Fields], datetime | None] = release_date  # when this release was issued
    category_details: Callable[[Fields], tuple[str, ...]] = additional_categories  # from `tender`
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
        raise FeedError(f"an OCDS file holds one JSON object, this one holds {kind_of(package)}")
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
    entries, resolve = _contents(package)
    return _normalise_entries(entries, resolve, dialect, now=now)


def _normalise_entries(
    entries: Iterable[tuple[str, Any]], resolve: Callable[[Any], Fields], dialect: Dialect, *, now: datetime
) -> Parsed:
    """One tender per ocid, from its latest release. When that release cannot be read, the ocid is
    rejected rather than shown in an older state that the publisher has since replaced."""
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    parsed = Parsed()
    latest = _latest_by_ocid(entries, resolve, dialect, parsed)
    for ocid, (revision, record, release) in latest.items():
        try:
            parsed.tenders.append(normalise_release(release, dialect, now=now, ocid=ocid, revision=revision))
        except NotANotice:
            parsed.not_notices += 1
            continue
        except RECORD_ERRORS as exc:
            parsed.rejected.append(Rejected(record, rejection_reason(exc)))
            continue
        parsed.repairs += release.log.repairs(record)
    return parsed


def _contents(package: Json) -> tuple[Iterable[tuple[str, Any]], Callable[[Any], Fields]]:
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
        raise FeedError(f"not OCDS: {key} is {kind_of(items)}, not an array")
    for index, item in enumerate(items):
        yield f"{key}[{index}]", item


def _latest_by_ocid(
    entries: Iterable[tuple[str, Any]], resolve: Callable[[Any], Fields], dialect: Dialect, parsed: Parsed
) -> dict[str, tuple[str, str, Fields]]:
    """ocid → (revision, record, release) of its latest release; files are not in date order.
    `record` names the entry by position and ocid, as every report does."""
    latest: dict[str, tuple[str, str, Fields]] = {}
    for locator, raw in entries:
        parsed.records += 1
        ocid = ""
        try:
            release = resolve(raw)
            ocid = release.id("ocid") or ""
            if not ocid:
                raise Drift("no ocid")
            revision = dialect.revision(release)
        except OnlyLinks as links:
            if links.ocid:
                parsed.linked.append(LinkedRecord(locator, links.ocid, links.urls))
            else:
                parsed.rejected.append(Rejected(locator, "no ocid"))
            continue
        except RECORD_ERRORS as exc:
            parsed.rejected.append(Rejected(f"{locator} {ocid}".rstrip(), rejection_reason(exc)))
            continue
        current = latest.get(ocid)
        if current is None or revision >= current[0]:  # a tie goes to the later one in the file
            latest[ocid] = (revision, f"{locator} {ocid}", release)
    return latest


def _as_release(raw: Any) -> Fields:
    if not isinstance(raw, dict):
        raise Drift(f"a release is an object, got {kind_of(raw)}")
    return Fields(raw, "", RepairLog())


def _record_release(raw: Any) -> Fields:
    """A record's current state: its compiledRelease, else its embedded releases merged latest-wins."""
    record = _as_release(raw)
    releases = sorted(record.objects("releases"), key=_quiet_revision)
    compiled = record.object("compiledRelease")
    if compiled:
        # A compiled release is tagged "compiled"; what happened last is the latest release's tag
        # (embedded or linked, both carry it).
        state = dict(compiled.raw)
        if releases and "tag" in releases[-1]:
            state["tag"] = releases[-1].get("tag")
        if "ocid" not in state:
            state["ocid"] = record.get("ocid")
        return Fields(state, "", record.log)
    embedded = [release for release in releases if "ocid" in release]  # linked ones have a url instead
    if not embedded:
        urls = tuple(dict.fromkeys(url for release in releases if (url := release.text("url"))))
        if urls:
            raise OnlyLinks(record.id("ocid"), urls)
        raise Drift("record has no compiledRelease and no releases")
    merged: dict[str, Any] = {"ocid": record.get("ocid")} if "ocid" in record else {}
    for release in embedded:
        merged = merge(merged, release.raw)
    return Fields(merged, "", record.log)


def _quiet_revision(release: Fields) -> str:
    """An embedded release's place in its record; its own repairs are no part of the record's state."""
    return standard_revision(Fields(release.raw, "", RepairLog()))


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
    return isinstance(value, list) and all(isinstance(v, dict) and isinstance(v.get("id"), str | int) for v in value)


def _merge_by_id(older: list[dict[str, Any]], newer: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {item["id"]: item for item in older}
    for item in newer:
        by_id[item["id"]] = merge(by_id.get(item["id"], {}), item)
    return list(by_id.values())


# ---------------------------------------------------------------- records that only link to their releases


def linked_releases(data: bytes) -> list[Json]:
    """The releases at a linked release's address: a release package, or a single release."""
    package = load_package(data)
    if "releases" in package:
        releases = package["releases"]
        if not isinstance(releases, list):
            raise FeedError(f"not OCDS: releases is {kind_of(releases)}, not an array")
        return [release for release in releases if isinstance(release, dict)]
    if "ocid" in package:
        return [package]
    raise FeedError("not OCDS: a linked release's address gives neither a release package nor a release")


def normalise_linked(found: Sequence[tuple[LinkedRecord, list[Json]]], dialect: Dialect, *, now: datetime) -> Parsed:
    """Records that only link to their releases, once those are fetched: each record's own releases
    (by ocid) merged, the latest winning. Their records were counted with their file."""
    entries = []
    missing = Parsed()
    for linked, releases in found:
        own = [release for release in releases if Fields(release, "", RepairLog()).id("ocid") == linked.ocid]
        if own:
            entries.append((linked.record, {"ocid": linked.ocid, "releases": own}))
        else:
            missing.rejected.append(Rejected(f"{linked.record} {linked.ocid}", "its linked releases hold none of it"))
    parsed = _normalise_entries(entries, _record_release, dialect, now=now)
    parsed.records = 0
    parsed.merge(missing)
    return parsed


# ---------------------------------------------------------------- one release → Tender


def normalise_release(
    release: Fields, dialect: Dialect, *, now: datetime, ocid: str | None = None, revision: str | None = None
) -> Tender:
    """The one release→Tender function, for every OCDS publisher (SEAO included)."""
    lang = _language(release)
    tender = release.object("tender")
    parties = _parties(release)
    tags = release.strings("tag")
    awards = _awards(release, parties, lang)
    closing = _closing(tender, dialect.duration_key)
    amendment_number = len(tender.objects("amendments")) or (1 if "tenderUpdate" in tags else 0)
    issued = dialect.issued_at(release) if amendment_number else None
    description = tender.localized("description", lang)
    title, derived = _title(tender, release, lang, description)
    return Tender(
        source=dialect.source,
        native_id=ocid or _required_id(release, "ocid"),
        revision=revision if revision is not None else dialect.revision(release),
        title=title,
        status=_status(tender.text("status"), closing, awards, now),
        description=description,
        reference=tender.id("id"),
        buyer=_buyer(release, parties, lang),
        classifications=_classifications(tender, release, lang),
        category=_CATEGORIES.get(tender.text("mainProcurementCategory") or ""),
        category_details=dialect.category_details(tender),
        method=tender.text("procurementMethod"),
        method_details=tender.text("procurementMethodDetails"),
        notice_type="+".join(tags) or None,
        published_at=tender.datetime("datePublished") or release.datetime("date"),
        closing_at=closing,
        amendment_number=amendment_number,
        amendment_date=issued.astimezone(PUBLISHER_TZ).date() if issued else None,
        url=_notice_url(tender),
        value=tender.money("value"),
        languages=_languages(lang, title, description),
        awards=awards,
        derived=("title",) if derived else (),
    )


def _language(release: Fields) -> str:
    # The standard's default language is English; « fr-CA » is French.
    return (release.text("language") or "en").lower().partition("-")[0]


def _languages(lang: str, *texts: Text) -> tuple[str, ...]:
    present = {code for text in texts for code, value in (("fr", text.fr), ("en", text.en)) if value}
    other = "en" if lang == "fr" else "fr"
    return tuple(code for code in (lang, other) if code in present)


def _title(tender: Fields, release: Fields, lang: str, description: Text) -> tuple[Text, bool]:
    """The notice's title, and whether ESJA derived it from the notice's other words."""
    title = tender.localized("title", lang, single_line=True)
    if _has_words(title):
        return title, False
    # Award-only (Montréal) and contract-only (buyandsell) publishers have no tender title: the
    # award's or contract's title names the purchase.
    parts = [part for key in ("awards", "contracts") for part in release.objects(key)]
    for part in parts:
        title = part.localized("title", lang, single_line=True)
        if _has_words(title):
            return title, False
    for source, title in _derived_titles(tender, parts, lang, description):
        if _has_words(title):
            tender.note("title", derived_from(source))
            return title, True
    unreadable = release.log.dropped(_WORD_FIELDS)
    if unreadable:
        raise Drift(f"no words could be read: {'; '.join(unreadable)}")
    raise NotANotice


def _derived_titles(tender: Fields, parts: list[Fields], lang: str, description: Text) -> Iterator[tuple[str, Text]]:
    """Where a notice without a title has its words, in order: its description's first sentence, its
    items' descriptions, its lots' titles; then those of its awards and contracts."""
    yield "the description", title_from_description(description)
    yield "the items", _joined(item.localized("description", lang) for item in tender.objects("items"))
    yield "the lots", _joined(lot.localized("title", lang) for lot in tender.objects("lots"))
    for part in parts:
        yield "an award's or contract's description", title_from_description(part.localized("description", lang))
    items = (item.localized("description", lang) for part in parts for item in part.objects("items"))
    yield "the awards' or contracts' items", _joined(items)


def _has_words(text: Text) -> bool:
    return bool(text.fr or text.en)


def _joined(texts: Iterable[Text]) -> Text:
    """Several items' descriptions (or lots' titles) as one title: each once, in order, « ; » between."""
    fr: dict[str, None] = {}
    en: dict[str, None] = {}
    for text in texts:
        if text.fr:
            fr[one_line(text.fr)] = None
        if text.en:
            en[one_line(text.en)] = None
    return Text(fr=shortened("; ".join(fr)) if fr else None, en=shortened("; ".join(en)) if en else None)


def _status(tender_status: str | None, closing: datetime | None, awards: tuple[Award, ...], now: datetime) -> Status:
    if tender_status in _CANCELLED:
        return Status.CANCELLED
    if any(award.status not in _NOT_AWARDED for award in awards):
        return Status.AWARDED
    if tender_status == "complete":
        return Status.CLOSED
    return status_by_closing(closing, now)


def _closing(tender: Fields, duration_key: str) -> datetime | None:
    """The closing date as written; start plus duration only when no end date is given at all. An end
    date that cannot be read leaves the closing unknown: no other date stands in for it."""
    period = tender.object("tenderPeriod")
    if period.get("endDate") is not None:
        return period.datetime("endDate")
    start = period.datetime("startDate")
    days = period.whole_number(duration_key)
    if start is None or days is None:
        return None
    try:
        return start + timedelta(days=days)
    except OverflowError:
        period.note(duration_key, OUT_OF_RANGE)
        return None


def _notice_url(tender: Fields) -> str | None:
    documents = tender.objects("documents")
    for document in documents:
        if document.text("documentType") == "tenderNotice" and (url := document.text("url")):
            return url
    # SEAO's one document, with no documentType, is the public notice page.
    for document in documents:
        if url := document.text("url"):
            return url
    return None


def _parties(release: Fields) -> dict[str, Fields]:
    parties: dict[str, Fields] = {}
    for party in release.objects("parties"):
        party_id = party.id("id")
        if party_id:
            parties[party_id] = party
    return parties


def _buyer(release: Fields, parties: Mapping[str, Fields], lang: str) -> Buyer | None:
    ref = release.object("buyer")
    buyer_id = ref.id("id")
    party = parties.get(buyer_id, NOTHING) if buyer_id else _role(parties, "buyer")
    # SEAO's buyer name can be more precise than its party's (« Ville de Montréal - Service de
    # l'approvisionnement »); buyandsell leaves it empty and names the party in both languages.
    name = ref.localized("name", lang, single_line=True)
    if not _has_words(name):
        name = party.localized("name", lang, single_line=True)
    buyer_id = buyer_id or party.id("id")
    if not (_has_words(name) or buyer_id):
        return None
    return Buyer(name=name, id=buyer_id, address=_address(ref.object("address") or party.object("address")))


def _role(parties: Mapping[str, Fields], role: str) -> Fields:
    for party in parties.values():
        if role in party.strings("roles"):
            return party
    return NOTHING


def _address(raw: Fields) -> Address | None:
    if not raw:
        return None
    fields = (
        raw.text("streetAddress"),
        raw.text("locality"),
        raw.text("region"),
        raw.text("postalCode"),
        raw.text("countryName"),
    )
    return Address(*fields) if any(fields) else None


def _awards(release: Fields, parties: Mapping[str, Fields], lang: str) -> tuple[Award, ...]:
    contracts = release.objects("contracts")
    # A contract's value is the settled amount and can differ from its award's (SEAO: 36,860.99
    # awarded, 38,532.72 paid on a terminated contract), so it wins over the award's value.
    settled: dict[str, Money] = {}
    for contract in contracts:
        award_id, value = contract.id("awardID"), contract.money("value")
        if award_id and value and award_id not in settled:
            settled[award_id] = value
    awards: dict[str | None, Award] = {}
    for raw in release.objects("awards"):
        award_id = raw.id("id")
        awards[award_id] = Award(
            id=award_id,
            status=raw.text("status"),
            date=raw.datetime("date"),
            value=settled.get(award_id or "") or raw.money("value"),
            suppliers=_suppliers(raw, parties, lang),
        )
    # buyandsell publishes contracts without their awards: each still says something was awarded.
    for contract in contracts:
        award_id = contract.id("awardID") or contract.id("id")
        if award_id not in awards:
            awards[award_id] = Award(
                id=award_id,
                status=contract.text("status"),
                date=contract.datetime("dateSigned"),
                value=contract.money("value"),
            )
    return tuple(awards.values())


def _suppliers(award: Fields, parties: Mapping[str, Fields], lang: str) -> tuple[Supplier, ...]:
    suppliers = []
    for raw in award.objects("suppliers"):
        supplier_id = raw.id("id") or raw.object("identifier").id("id")
        party = parties.get(supplier_id, NOTHING) if supplier_id else NOTHING
        name = _name(raw, lang) or _name(party, lang)
        if name or supplier_id:
            # SEAO puts the NEQ (Québec enterprise number) in details.neq, not in `identifier`.
            neq = party.object("details").id("neq") if "details" in party else None
            suppliers.append(Supplier(name=name or "", id=supplier_id, neq=neq))
    return tuple(suppliers)


def _classifications(tender: Fields, release: Fields, lang: str) -> tuple[Classification, ...]:
    items = tender.objects("items")
    if not items:
        # Award-only (Montréal) and contract-only (buyandsell) publishers classify those items.
        items = [
            item for key in ("awards", "contracts") for part in release.objects(key) for item in part.objects("items")
        ]
    found: dict[tuple[str, str], Classification] = {}
    for item in items:
        _classify(found, item.object("classification"), lang, item=item)
        for extra in item.objects("additionalClassifications"):
            _classify(found, extra, lang)
    return tuple(found.values())


def _classify(found: dict[tuple[str, str], Classification], raw: Fields, lang: str, item: Fields | None = None) -> None:
    if not raw:
        return
    scheme, code = (raw.text("scheme") or "").upper(), raw.id("id")
    if not scheme or not code or (scheme, code) in found:
        return
    description = raw.localized("description", lang, single_line=True)
    if description is NO_TEXT and item is not None:
        # buyandsell describes the item, not its GSIN code
        description = item.localized("description", lang, single_line=True)
    found[scheme, code] = Classification(scheme=scheme, code=code, description=description)


def _name(party: Fields, lang: str) -> str | None:
    """A party's name on one line, in the release's language when it gives two."""
    if "name_en" in party or "name_fr" in party:
        text = party.localized("name", lang, single_line=True)
        return (text.fr or text.en) if lang == "fr" else (text.en or text.fr)
    name = party.text("name")
    return one_line(name) if name else None


def _required_id(release: Fields, key: str) -> str:
    value = release.id(key)
    if not value:
        raise Drift(f"no {key}")
    return value
