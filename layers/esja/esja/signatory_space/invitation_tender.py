"""An invitation as the Tender every other use case reads: ESJA's own source, matched, alerted and
counted like a notice from any feed. Its place is the one the signatory chose, never inferred."""

from __future__ import annotations

from datetime import datetime

from esja.clock import TIME_ZONE
from esja.model import (
    Address,
    Buyer,
    Classification,
    Money,
    RegionEvidence,
    Regions,
    Scope,
    Status,
    Tender,
    Text,
)
from esja.signatory_space.invitation import Audience, Invitation, InvitationStatus
from esja.signatory_space.publication import Publication
from esja.sources.catalogue import INVITATIONS_SOURCE
from esja.unspsc import unspsc_titles

# OCDS release tags (esja.signatory_space.ocds_release writes the same): what the latest version did.
TAGS = {None: "tender", "amended": "tenderAmendment", "cancelled": "tenderCancellation"}
METHODS = {Audience.OPEN: "open", Audience.NAMED: "limited"}


def as_tender(invitation: Invitation, publication: Publication, now: datetime) -> Tender:
    details = invitation.details
    last_change = invitation.changes[-1][0] if invitation.changes else None
    place = details.municipality or ""
    where = f"municipalité {place} choisie par le signataire" if place else "région choisie par le signataire"
    return Tender(
        source=INVITATIONS_SOURCE,
        native_id=publication.ocid(invitation.id),
        revision=f"{invitation.version:06d}",
        title=details.title,
        status=status(invitation, now),
        description=details.description,
        reference=invitation.id,
        buyer=Buyer(
            Text(invitation.institution.name, invitation.institution.name),
            invitation.institution.party_id,
            Address(locality=details.municipality, province="QC", country="CA"),
        ),
        classifications=tuple(
            Classification("UNSPSC", code, unspsc_titles().get(code) or Text()) for code in details.codes
        ),
        category=details.category,
        method=METHODS[details.audience],
        notice_type=TAGS[last_change],
        published_at=invitation.published_at,
        closing_at=details.closing_at,
        amendment_number=len(invitation.changes),
        amendment_date=invitation.changes[-1][1].astimezone(TIME_ZONE).date() if invitation.changes else None,
        url=publication.page(invitation.id),
        value=Money(details.value, "CAD") if details.value is not None else None,
        languages=("fr", "en") if details.title.en else ("fr",),
        regions=Regions(Scope.REGIONS, (RegionEvidence(details.region, where, 1.0),)),
        invited=details.named if details.audience is Audience.NAMED else (),
    )


def tender_key(invitation: Invitation, publication: Publication) -> str:
    """The key of the invitation's tender in the Tenders table (Tender.key, without building the tender)."""
    return f"{INVITATIONS_SOURCE}:{publication.ocid(invitation.id)}"


def status(invitation: Invitation, now: datetime) -> Status:
    if invitation.status is InvitationStatus.CANCELLED:
        return Status.CANCELLED
    return Status.CLOSED if invitation.closed(now) else Status.OPEN
