"""Tenders, enterprises, pledges and matches of a known week for the digest's tests, and a moto world
that stores them where weekly_digest reads them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from esja.digest.organizers import Organizer
from esja.digest.signatories import SignatoryLink
from esja.digest.week_data import MatchRecord, SeenTender, SubscriptionEvent, WeekData
from esja.digest.weeks import Week
from esja.model import (
    Award,
    Buyer,
    Category,
    Classification,
    Enterprise,
    Match,
    Money,
    Profile,
    Reason,
    RegionEvidence,
    Regions,
    Scope,
    Status,
    Supplier,
    Tender,
    Text,
)
from esja.pledges.model import (
    BY_ORGANIZER,
    CONSENT_VERSION,
    InstitutionType,
    Pledge,
    PledgeDetails,
    PledgeStatus,
    Verdict,
    Verification,
)
from local.runtime import LocalAws
from tests.moto_tables import MotoTables

WEEK = Week.parse("2026-W47")  # Monday 16 to Sunday 22 November 2026
RECENT = Week.last_complete(datetime.now(UTC))  # for the tests on moto: a week already over, whatever the date
LAST = WEEK.previous
MONDAY = WEEK.start + timedelta(hours=9)  # in the week, 9:00 in Montréal
LAST_MONDAY = LAST.start + timedelta(hours=9)
DIGEST = "WeeklyDigestFunction"
QUIET = {"POWERTOOLS_LOG_LEVEL": "CRITICAL", "POWERTOOLS_METRICS_DISABLED": "true"}
ENV = {"PUBLIC_BASE_URL": "https://esja.example.org", "SIGNING_KEYS": "digest-test-key", "SES_MAX_SEND_RATE": "1000"}
ESBSL = Organizer("esbsl", "Économie sociale Bas-Saint-Laurent", "sommaire@esbsl.example.org", "fr", ("01",))
CESIM = Organizer("cesim", "CÉSIM", "digest@cesim.example.org", "en", ("06",))


def in_regions(*codes: str) -> Regions:
    return Regions(Scope.REGIONS, tuple(RegionEvidence(code, "buyer", 0.9) for code in codes))


def tender(native_id: str, title: str = "Entretien ménager", **changes: Any) -> Tender:
    base = Tender(
        source="seao",
        native_id=native_id,
        revision="20261116150000",
        title=Text(title),
        status=Status.OPEN,
        buyer=Buyer(Text("Ville de Rimouski"), "OP-74012"),
        classifications=(Classification("UNSPSC", "76111500", Text("Services de nettoyage", "Cleaning services")),),
        category=Category.SERVICES,
        closing_at=WEEK.end + timedelta(days=20),
        url=f"https://seao.ca/avis/{native_id}",
        regions=in_regions("01"),
    )
    return replace(base, **changes)


def awarded(native_id: str, supplier: Supplier, amount: str, **changes: Any) -> Tender:
    award = Award("A1", "active", MONDAY, Money(Decimal(amount)), (supplier,))
    return tender(native_id, status=Status.AWARDED, closing_at=LAST.start, awards=(award,), **changes)


def seen(item: Tender, first_seen_at: datetime = MONDAY, status_since: datetime | None = None) -> SeenTender:
    return SeenTender(item, first_seen_at, status_since or first_seen_at)


def enterprise(
    enterprise_id: str, name: str = "", neq: str | None = None, regions: tuple[str, ...] = ("01",)
) -> Enterprise:
    return Enterprise(
        enterprise_id, name or f"Coop {enterprise_id}", neq=neq, legal_form="coop", regions_served=regions
    )


def pledge(
    pledge_id: str,
    institution: str = "Ville de Rimouski",
    region: str = "01",
    *,
    created_at: datetime = LAST_MONDAY,
    confirmed_at: datetime | None = LAST_MONDAY,
    withdrawn_at: datetime | None = None,
    replaced_by: str | None = None,
    verified: Verification | None = Verification.VERIFIED,
) -> Pledge:
    """A pledge as the store holds it; a confirmed one is verified when it was confirmed, unless `verified` says
    it waits (TO_VERIFY) or was rejected."""
    details = PledgeDetails(
        institution_name=institution,
        institution_type=InstitutionType.MUNICIPALITY,
        region=region,
        signatory_name="Marie Tremblay",
        signatory_title="Directrice",
        email=f"{pledge_id}@example.org",
        phone=None,
        target_share=10,
        categories=(),
        declaration_accepted=True,
        registry_consent=True,
    )
    status = (
        PledgeStatus.WITHDRAWN if withdrawn_at else PledgeStatus.CONFIRMED if confirmed_at else PledgeStatus.PENDING
    )
    return Pledge(
        pledge_id,
        details,
        "fr",
        status,
        created_at,
        CONSENT_VERSION,
        confirmed_at=confirmed_at,
        withdrawn_at=withdrawn_at,
        replaced_by=replaced_by,
        verdict=Verdict(verified, confirmed_at, "esbsl", BY_ORGANIZER) if confirmed_at and verified else None,
    )


def matched(enterprise_id: str, item: Tender, at: datetime = MONDAY, alerted: bool = True) -> MatchRecord:
    return MatchRecord(enterprise_id, item.key, at, alerted)


def week_data(
    *,
    new: tuple[SeenTender, ...] = (),
    awarded_: tuple[SeenTender, ...] = (),
    closing: tuple[SeenTender, ...] = (),
    matches: tuple[MatchRecord, ...] = (),
    enterprises: tuple[Enterprise, ...] = (),
    pledges: tuple[Pledge, ...] = (),
    links: tuple[SignatoryLink, ...] = (),
    events: tuple[SubscriptionEvent, ...] = (),
    as_of: datetime | None = None,
) -> WeekData:
    return WeekData(
        week=WEEK,
        as_of=as_of or WEEK.end,
        new_tenders=new,
        awarded=awarded_,
        closing=closing,
        matches=matches,
        enterprises=enterprises,
        pledges=pledges,
        links=links,
        events=events,
    )


class DigestWorld(MotoTables):
    """The tables and bucket of template.yaml on moto, filled as the other functions fill them."""

    def __init__(self, aws: LocalAws) -> None:
        from esja.store.organizers import OrganizerStore
        from esja.store.pledges import PledgeStore
        from esja.store.send_records import SendRecords, digest_key

        super().__init__(aws)
        self.organizers = OrganizerStore(self.names["OrganizersTable"], self.dynamodb)
        self.pledges = PledgeStore(self.names["PledgesTable"], self.dynamodb)
        self.sends = SendRecords(self.names["OrganizersTable"], self.dynamodb, key=digest_key)
        aws.client("sesv2").create_email_identity(EmailIdentity=aws.environment(DIGEST)["SENDER_EMAIL"])

    def publish(self, item: Tender, at: datetime = MONDAY) -> None:
        assert self.store_tender(item, at.astimezone(UTC)), "published again unchanged"

    def match(self, enterprise_id: str, item: Tender, at: datetime = MONDAY) -> None:
        reasons = (Reason("unspsc", "code UNSPSC 76111500", "UNSPSC code 76111500"),)
        found = Match(enterprise_id, "menage", item.key, 2.0, reasons)
        self.matches.record_match(found, ("menage",), item.content_hash(), at.astimezone(UTC))

    def add_enterprises(self, *enterprises: Enterprise) -> None:
        self.enterprises.save(
            enterprises, [Profile(e.id, "menage", "Entretien ménager", unspsc=("7611",)) for e in enterprises]
        )

    def sign(self, signed: Pledge) -> None:
        """A pledge as the form leaves it once confirmed (or withdrawn)."""
        from esja.store.pledges import to_item

        self.aws.client("dynamodb").put_item(TableName=self.aws.resources.names["PledgesTable"], Item=to_item(signed))

    def run(self, event: dict[str, Any], **env: str) -> Any:
        return self.aws.invoke(DIGEST, event, ENV | QUIET | env)
