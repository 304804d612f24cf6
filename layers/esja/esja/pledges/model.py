"""A pledge: what an institution declared, where it stands (pending → confirmed → withdrawn), and whether
an organizer verified that its signatory speaks for the institution (to verify → verified | rejected)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from esja.folding import fold_name
from esja.model import Category

# The version of the declaration's text and of the collection notice the signatory saw (Law 25: keep
# the proof of what was consented to). Change it whenever either wording changes.
CONSENT_VERSION = "2026-11"

# Retention (Law 25), stated in the notice on the form: an unconfirmed pledge is deleted after 30 days,
# a withdrawn one 30 days after its withdrawal (time to answer a question about it); a confirmed one is
# kept while it is in force.
UNCONFIRMED_RETENTION = timedelta(days=30)
WITHDRAWN_RETENTION = timedelta(days=30)
# A pledge an organizer rejected (nothing showed its signer speaks for the institution) is deleted 30 days
# later too: time to answer the signer, who was told why by e-mail.
REJECTED_RETENTION = timedelta(days=30)


class InstitutionType(StrEnum):
    MUNICIPALITY = "municipality"
    MRC = "mrc"
    CEGEP = "cegep"
    UNIVERSITY = "university"
    SCHOOL_SERVICE_CENTRE = "school-service-centre"
    HEALTH_BODY = "health-body"
    OTHER_PUBLIC_BODY = "other-public-body"
    # No longer offered: the declaration is for public institutions. Still read, so that pledges signed
    # before show and export as they were signed.
    PRIVATE_COMPANY = "private-company"


OFFERED_TYPES = tuple(t for t in InstitutionType if t is not InstitutionType.PRIVATE_COMPANY)


class PledgeStatus(StrEnum):
    PENDING = "pending"  # signed, waiting for the e-mail confirmation
    CONFIRMED = "confirmed"  # counts, and is on the registry when the signatory consented
    WITHDRAWN = "withdrawn"  # by its signatory, or replaced by a newer pledge of the same signatory


class Verification(StrEnum):
    """An e-mail confirmation proves a mailbox, not that its holder speaks for the institution: a confirmed
    pledge waits « to verify » until an organizer (or the institution's known e-mail domain) vouches for it."""

    TO_VERIFY = "to-verify"
    VERIFIED = "verified"
    REJECTED = "rejected"


BY_ORGANIZER = "organizer"  # Verdict.how: an organizer decided in the console
BY_DOMAIN = "domain"  # … the signer's address is of a domain an organizer listed for the institution


@dataclass(frozen=True, slots=True)
class Verdict:
    """Where a confirmed pledge's verification stands, who decided, how and when."""

    state: Verification = Verification.TO_VERIFY
    at: datetime | None = None  # when verified or rejected
    by: str = ""  # the organizer's id (never an address): who decided, or who listed the domain
    how: str = ""  # BY_ORGANIZER or BY_DOMAIN
    reason: str = ""  # rejected: the organizer's reason, told to the signer
    domain: str = ""  # BY_DOMAIN: the address's domain, e.g. ville.rimouski.qc.ca
    domain_listed_at: datetime | None = None  # BY_DOMAIN: when the organizer listed it


class Stage(StrEnum):
    """Where a pledge stands, as the console shows and filters them."""

    PENDING = "pending"  # waiting for its e-mail confirmation
    TO_VERIFY = "to-verify"
    VERIFIED = "verified"  # the only stage the public sees
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class PledgeDetails:
    """What the signatory declared on the form, validated."""

    institution_name: str
    institution_type: InstitutionType
    region: str  # "01" … "17"
    # Personal information (Law 25): kept out of repr so it never reaches a log by accident.
    signatory_name: str = field(repr=False)
    signatory_title: str = field(repr=False)
    email: str = field(repr=False)
    phone: str | None = field(repr=False)
    target_share: int | None  # percentage of purchases from social-economy enterprises
    categories: tuple[Category, ...]
    declaration_accepted: bool
    registry_consent: bool  # separate from the declaration: appearing in public is a choice

    @property
    def signatory_key(self) -> str:
        """One signatory for one institution: a newer confirmed pledge with the same key replaces the older."""
        return f"{self.email.lower()}#{fold_name(self.institution_name)}"


@dataclass(frozen=True, slots=True)
class Pledge:
    id: str
    details: PledgeDetails
    language: str  # the signatory's: e-mails and pages about this pledge use it
    status: PledgeStatus
    created_at: datetime
    consent_version: str
    confirmed_at: datetime | None = None
    withdrawn_at: datetime | None = None
    replaced_by: str | None = None
    # Pending only: the SHA-256 of the confirmation link's secret (never the secret) and its deadline.
    token_digest: str | None = field(default=None, repr=False)
    token_expires_at: datetime | None = None
    purge_at: datetime | None = None  # when the table's TTL deletes it (pending, withdrawn, rejected pledges)
    verdict: Verdict | None = None  # confirmed pledges: « to verify » from their confirmation on
    # The signatory's address key (esja.people.keys): how a signatory finds their pledges when signing in.
    address_key: str = field(default="", repr=False)
    withdrawal_reason: str = field(default="", repr=False)  # withdrawn by an organizer on request: why

    @property
    def is_verified_signatory(self) -> bool:
        """Confirmed and verified: it counts, its signatory may sign in, and the public may see it."""
        verified = self.verdict is not None and self.verdict.state is Verification.VERIFIED
        return self.status is PledgeStatus.CONFIRMED and verified

    @property
    def listed(self) -> bool:
        """On the public registry: verified, and its signatory consented to appear there."""
        return self.is_verified_signatory and self.details.registry_consent

    @property
    def stage(self) -> Stage:
        if self.status is not PledgeStatus.CONFIRMED:
            return Stage(self.status.value)
        return Stage((self.verdict or Verdict()).state.value)

    def is_purged(self, now: datetime) -> bool:
        """Past its retention: DynamoDB deletes it within a few days; until then it no longer exists for us."""
        return self.purge_at is not None and self.purge_at <= now


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """What the public registry shows of a confirmed pledge: no e-mail, no phone."""

    institution_name: str
    institution_type: InstitutionType
    region: str
    signatory_name: str
    signatory_title: str
    confirmed_at: datetime


@dataclass(frozen=True, slots=True)
class Signatory:
    name: str
    title: str
    confirmed_at: datetime


@dataclass(frozen=True, slots=True)
class RegistryInstitution:
    """One institution on the public registry, with every person who signed for it."""

    name: str
    type: InstitutionType
    region: str
    signatories: tuple[Signatory, ...]  # the first to confirm first

    @property
    def since(self) -> datetime:
        return self.signatories[0].confirmed_at


def by_institution(entries: Iterable[RegistryEntry]) -> list[RegistryInstitution]:
    """One entry per institution, by name. An institution is a name (folded: « Ville de Lévis » and
    "VILLE DE LEVIS" are one) in a region: Québec has several Saint-Joseph. It is shown as most of its
    signatories wrote it (the latest of them on a tie), with that signatory's type."""
    groups: dict[tuple[str, str], list[RegistryEntry]] = {}
    for entry in entries:
        groups.setdefault((fold_name(entry.institution_name), entry.region), []).append(entry)
    institutions = []
    for key in sorted(groups):
        signed = sorted(groups[key], key=lambda e: e.confirmed_at)
        spellings = Counter(e.institution_name for e in signed)
        shown = max(reversed(signed), key=lambda e: spellings[e.institution_name])  # max keeps the first: the latest
        institutions.append(
            RegistryInstitution(
                name=shown.institution_name,
                type=shown.institution_type,
                region=shown.region,
                signatories=tuple(Signatory(e.signatory_name, e.signatory_title, e.confirmed_at) for e in signed),
            )
        )
    return institutions
