"""Domain records shared by every use case: plain, frozen dataclasses with no AWS in sight.

A `Tender` is the one normalised shape of a public call for tenders, whatever its publisher
(SEAO, CanadaBuys, any OCDS feed). `to_dict`/`from_dict` give its documented JSON form, used by
the CLI, the Tenders table and the match queue alike.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal, NamedTuple, TypeVar, get_args


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    AWARDED = "awarded"
    UNKNOWN = "unknown"  # no closing date could be read: never taken for open


class Category(StrEnum):
    GOODS = "goods"
    SERVICES = "services"
    WORKS = "works"


@dataclass(frozen=True, slots=True)
class Text:
    """A text in French and/or English; either may be missing (SEAO is French only)."""

    fr: str | None = None
    en: str | None = None

    def any(self) -> str:
        return self.fr or self.en or ""

    def read_in(self, lang: str) -> tuple[str, str]:
        """The text in the reader's language when there is one, else in the other: (text, its language)."""
        if lang == "en":
            return (self.en, "en") if self.en else (self.fr or "", "fr")
        return (self.fr, "fr") if self.fr else (self.en or "", "en")


@dataclass(frozen=True, slots=True)
class Address:
    street: str | None = None
    locality: str | None = None
    province: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Buyer:
    name: Text
    id: str | None = None
    address: Address | None = None


@dataclass(frozen=True, slots=True)
class Classification:
    """A commodity code: UNSPSC (SEAO, CanadaBuys) or GSIN (legacy federal data)."""

    scheme: str
    code: str
    description: Text = field(default_factory=Text)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str | None = "CAD"


@dataclass(frozen=True, slots=True)
class Supplier:
    name: str
    id: str | None = None
    neq: str | None = None


@dataclass(frozen=True, slots=True)
class Award:
    id: str | None
    status: str | None = None
    date: datetime | None = None
    value: Money | None = None
    suppliers: tuple[Supplier, ...] = ()


class Scope(StrEnum):
    """Where a tender's work or delivery takes place, as far as can be told."""

    REGIONS = "regions"  # specific Québec administrative regions (see the evidence)
    ALL_QUEBEC = "all-quebec"  # the whole province (CanadaBuys « *Quebec (except NCR) »)
    CANADA = "canada"  # Canada-wide: counts as every region
    OUTSIDE_QUEBEC = "outside-quebec"  # only other provinces or abroad
    UNKNOWN = "unknown"  # nothing to go on: never presented as a guess


QUEBEC_WIDE = "QC"  # evidence about the whole province (a delivery label), weaker than any region named


@dataclass(frozen=True, slots=True)
class RegionEvidence:
    code: str  # official administrative region code, "01" … "17", or QUEBEC_WIDE
    how: str  # what it was inferred from, e.g. "buyer postal code G5L 4X2"
    confidence: float  # 0–1


@dataclass(frozen=True, slots=True)
class Regions:
    scope: Scope = Scope.UNKNOWN
    evidence: tuple[RegionEvidence, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        """The administrative regions, without the province-wide evidence."""
        return tuple(sorted({e.code for e in self.evidence if e.code != QUEBEC_WIDE}))


@dataclass(frozen=True, slots=True)
class Tender:
    """One procurement process in its latest known state."""

    source: str  # feed family: "seao", "canadabuys", or the configured name of an OCDS feed
    native_id: str  # SEAO/OCDS ocid, CanadaBuys reference number
    revision: str  # sortable: a later revision of the same tender compares greater
    title: Text
    status: Status
    description: Text = field(default_factory=Text)
    reference: str | None = None  # the buyer's own file / solicitation number (not unique)
    buyer: Buyer | None = None
    delivery_regions: tuple[str, ...] = ()  # raw labels as the publisher wrote them
    classifications: tuple[Classification, ...] = ()
    category: Category | None = None
    category_details: tuple[str, ...] = ()  # publisher's own finer categories (SEAO « S9 - … »)
    method: str | None = None  # open / limited / direct / selective
    method_details: str | None = None
    notice_type: str | None = None
    published_at: datetime | None = None
    closing_at: datetime | None = None  # bid closing, time-zone aware
    amendment_number: int = 0
    amendment_date: date | None = None
    url: str | None = None
    value: Money | None = None
    languages: tuple[str, ...] = ()
    awards: tuple[Award, ...] = ()
    regions: Regions | None = None  # inferred after parsing (esja.geo), None until then
    derived: tuple[str, ...] = ()  # fields ESJA made from the notice's other words ("title"), not the publisher
    # A signatory's invitation open only to the enterprises it names (their ids): only they hear of it.
    invited: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.source}:{self.native_id}"

    def is_open_at(self, moment: datetime) -> bool:
        """Open for bids at `moment`: only such a tender is ever matched (esja.matching)."""
        return self.status is Status.OPEN and (self.closing_at is None or self.closing_at > moment)

    @property
    def unspsc_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.classifications if c.scheme == "UNSPSC")

    def to_dict(self) -> dict[str, Any]:
        data = {"key": self.key, **_plain(asdict(self))}
        for added_later in ("derived", "invited"):
            if not data[added_later]:
                # Left out when empty, so the content hash of every tender stored before the field
                # existed stays the same: no tender looks amended just because ESJA was upgraded.
                del data[added_later]
        return data

    def content_hash(self) -> str:
        """Hash of everything a reader could notice; equal hashes mean nothing to store."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:32]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tender:
        return cls(
            source=data["source"],
            native_id=data["native_id"],
            revision=data["revision"],
            title=Text(**data["title"]),
            status=Status(data["status"]),
            description=Text(**data.get("description") or {}),
            reference=data.get("reference"),
            buyer=_buyer(data.get("buyer")),
            delivery_regions=tuple(data.get("delivery_regions") or ()),
            classifications=tuple(
                Classification(c["scheme"], c["code"], Text(**c.get("description") or {}))
                for c in data.get("classifications") or ()
            ),
            category=Category(data["category"]) if data.get("category") else None,
            category_details=tuple(data.get("category_details") or ()),
            method=data.get("method"),
            method_details=data.get("method_details"),
            notice_type=data.get("notice_type"),
            published_at=_datetime(data.get("published_at")),
            closing_at=_datetime(data.get("closing_at")),
            amendment_number=int(data.get("amendment_number") or 0),
            amendment_date=date.fromisoformat(data["amendment_date"]) if data.get("amendment_date") else None,
            url=data.get("url"),
            value=_money(data.get("value")),
            languages=tuple(data.get("languages") or ()),
            awards=tuple(_award(a) for a in data.get("awards") or ()),
            regions=_regions(data.get("regions")),
            derived=tuple(data.get("derived") or ()),
            invited=tuple(data.get("invited") or ()),
        )


def _plain(value: Any) -> Any:
    """asdict() output → JSON-ready values: ISO dates, decimal strings, lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def _datetime(raw: str | None) -> datetime | None:
    return datetime.fromisoformat(raw) if raw else None


def _money(raw: dict[str, Any] | None) -> Money | None:
    return Money(Decimal(raw["amount"]), raw.get("currency")) if raw else None


def _buyer(raw: dict[str, Any] | None) -> Buyer | None:
    if not raw:
        return None
    address = Address(**raw["address"]) if raw.get("address") else None
    return Buyer(Text(**raw["name"]), raw.get("id"), address)


def _award(raw: dict[str, Any]) -> Award:
    return Award(
        id=raw.get("id"),
        status=raw.get("status"),
        date=_datetime(raw.get("date")),
        value=_money(raw.get("value")),
        suppliers=tuple(Supplier(**s) for s in raw.get("suppliers") or ()),
    )


def _regions(raw: dict[str, Any] | None) -> Regions | None:
    if raw is None:
        return None
    return Regions(Scope(raw["scope"]), tuple(RegionEvidence(**e) for e in raw.get("evidence") or ()))


# --- Enterprises and their alert profiles ---

ReasonKind = Literal[
    "unspsc", "unspsc-related", "keyword", "region", "region-unknown", "category", "value", "buyer", "invited"
]
REASON_KINDS: tuple[ReasonKind, ...] = get_args(ReasonKind)
Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")  # French first
Frequency = Literal["instant", "daily", "weekly"]  # how often a subscriber hears of new tenders
FREQUENCIES: tuple[Frequency, ...] = get_args(Frequency)
LegalForm = Literal["coop", "non-profit", "mutual", "other"]
UpdateKind = Literal["amended", "cancelled"]  # what befell a tender an enterprise was told about
# More tenders than this alerted to one enterprise in a week — three a working day — is more than a small
# enterprise can weigh: its profile is probably too broad (the digest flags it; a profile's preview says so).
FLOOD_THRESHOLD = 15


S = TypeVar("S", bound=str)


def one_of(value: str, allowed: tuple[S, ...]) -> S | None:
    """`value` as one of the allowed values (a Literal's), None when it is none of them."""
    return next((choice for choice in allowed if choice == value), None)


@dataclass(frozen=True, slots=True)
class Consent:
    """How a subscriber agreed to receive alerts (CASL: keep the proof of express consent)."""

    at: datetime
    how: str  # e.g. "formulaire web", "courriel du 2026-03-14"
    wording_version: str  # which version of the consent text the person saw


@dataclass(frozen=True, slots=True)
class Subscriber:
    # Personal information (Law 25): kept out of repr so it never reaches a log by accident.
    email: str = field(repr=False)
    name: str = field(repr=False)
    language: Language
    frequency: Frequency
    consent: Consent
    manages_space: bool = False  # may sign in to the enterprise's space (Enterprise.managers)


@dataclass(frozen=True, slots=True)
class Enterprise:
    id: str
    name: str
    neq: str | None = None  # Québec enterprise number, 10 digits
    legal_form: LegalForm = "other"
    regions_served: tuple[str, ...] = ()
    subscribers: tuple[Subscriber, ...] = ()

    @property
    def managers(self) -> tuple[Subscriber, ...]:
        """Who may manage the enterprise's space: the subscribers marked so, or else its first subscriber —
        an enterprise with subscribers always keeps one manager."""
        marked = tuple(s for s in self.subscribers if s.manages_space)
        return marked or self.subscribers[:1]


@dataclass(frozen=True, slots=True)
class Profile:
    """What one enterprise wants to hear about. Values are kept as the organizer wrote them;
    esja.matching normalises them (UNSPSC "76110000" is the family "7611", accents, plurals…)."""

    enterprise_id: str
    id: str
    name: str = ""
    unspsc: tuple[str, ...] = ()  # 2, 4, 6 or 8 digits; a code covers every code beneath it
    keywords: tuple[str, ...] = ()  # single words or phrases (words consecutive), FR or EN
    excluded: tuple[str, ...] = ()  # any of these anywhere in the tender vetoes it
    regions: tuple[str, ...] = ()  # "01"–"17", "QC" (all of Québec), "CA" (Canada-wide); empty = anywhere
    categories: tuple[Category, ...] = ()  # empty = any
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    buyers_allow: tuple[str, ...] = ()  # buyer names or ids; empty = any buyer
    buyers_deny: tuple[str, ...] = ()
    active: bool = True


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason an alert was sent, ready to show in either language."""

    kind: ReasonKind
    fr: str
    en: str
    code: str = ""  # the tender's UNSPSC code (as published) a code reason is about: an alert marks it

    def to_dict(self) -> dict[str, str]:
        said = {"kind": self.kind, "fr": self.fr, "en": self.en}
        return {**said, "code": self.code} if self.code else said

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reason:
        return cls(data["kind"], data["fr"], data["en"], data.get("code", ""))


class Match(NamedTuple):
    """A tender worth telling an enterprise about (esja.matching). A named tuple rather than a
    dataclass: the matcher builds a few hundred thousand a week, and a tuple is built in C."""

    enterprise_id: str
    profile_id: str
    tender_key: str
    score: float
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "enterprise_id": self.enterprise_id,
            "profile_id": self.profile_id,
            "tender_key": self.tender_key,
            "score": self.score,
            "reasons": [r.to_dict() for r in self.reasons],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Match:
        return cls(
            enterprise_id=data["enterprise_id"],
            profile_id=data["profile_id"],
            tender_key=data["tender_key"],
            score=float(data["score"]),
            reasons=tuple(Reason.from_dict(r) for r in data["reasons"]),
        )
