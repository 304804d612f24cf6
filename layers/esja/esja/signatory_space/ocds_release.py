"""The invitations as an OCDS 1.1 release package, for aggregators and any OCDS reader (ESJA's own poller
reads it back, tests/integration/test_invitation_ocds.py).

One release per invitation: its latest version, immutable once published (its id ends with the version,
its date is the version's). A first version is tagged `tender`, an amendment `tenderAmendment`, a
cancellation `tenderCancellation`; `tender.amendments` lists every version after the first. The
package's `publishedDate` is the latest change, so the same invitations give the same bytes.

French is the release's language; English titles and descriptions, when the signatory gave them, are
OCDS's language variants (`title_en`, `description_en`). The place an invitation concerns is each item's
`deliveryAddress`, as the Location extension has it (declared in `extensions`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from esja.geo.regions import region_name
from esja.signatory_space.invitation import Audience, Invitation, InvitationStatus
from esja.signatory_space.invitation_form import web_address
from esja.signatory_space.invitation_tender import METHODS, TAGS
from esja.signatory_space.publication import LICENSE_URL, Publication
from esja.unspsc import unspsc_titles

OCDS_VERSION = "1.1"
LOCATION_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_location_extension/master/extension.json"
)
METHOD_DETAILS = {
    Audience.OPEN: "Invitation ouverte à toute entreprise",
    Audience.NAMED: "Invitation restreinte aux entreprises nommées par l'institution",
}
CHANGE_RATIONALE = {"amended": "Invitation modifiée", "cancelled": "Invitation annulée"}


def release_package(
    invitations: Iterable[Invitation], publication: Publication, *, publisher: str, now: datetime
) -> dict[str, Any]:
    """Every invitation's latest release, the most recently changed first (`now` dates an empty package)."""
    releases = [release(i, publication) for i in sorted(invitations, key=lambda i: (i.version_at, i.id), reverse=True)]
    return {
        "uri": publication.package,
        "version": OCDS_VERSION,
        "extensions": [LOCATION_EXTENSION],
        "publishedDate": releases[0]["date"] if releases else moment(now),
        "publisher": {"name": publisher, "uri": publication.base_url},
        "license": LICENSE_URL,
        "releases": releases,
    }


def release(invitation: Invitation, publication: Publication) -> dict[str, Any]:
    ocid = publication.ocid(invitation.id)
    institution = invitation.institution
    last_change = invitation.changes[-1][0] if invitation.changes else None
    buyer = {"id": institution.party_id, "name": institution.name}
    return {
        "ocid": ocid,
        "id": release_id(ocid, invitation.version),
        "date": moment(invitation.version_at),
        "tag": [TAGS[last_change]],
        "initiationType": "tender",
        "language": "fr",
        "parties": [_party(invitation)],
        "buyer": buyer,
        "tender": _tender(invitation, publication, ocid, buyer),
    }


def release_id(ocid: str, version: int) -> str:
    return f"{ocid}-{version}"


def moment(value: datetime) -> str:
    """RFC 3339 to the second, with its offset."""
    return value.replace(microsecond=0).isoformat()


def _party(invitation: Invitation) -> dict[str, Any]:
    answer = invitation.details.answer
    contact = {key: value for key, value in (("email", answer.email), ("url", answer.url)) if value}
    party: dict[str, Any] = {
        "id": invitation.institution.party_id,
        "name": invitation.institution.name,
        "roles": ["buyer", "procuringEntity"],
        "address": {"region": "Québec", "countryName": "Canada"},
    }
    return party | ({"contactPoint": contact} if contact else {})


def _tender(invitation: Invitation, publication: Publication, ocid: str, buyer: dict[str, str]) -> dict[str, Any]:
    details = invitation.details
    tender: dict[str, Any] = {
        "id": invitation.id,
        "title": details.title.fr,
        "description": details.description.fr,
        "status": "cancelled" if invitation.status is InvitationStatus.CANCELLED else "active",
        "procuringEntity": buyer,
        "items": _items(invitation),
        "procurementMethod": METHODS[details.audience],
        "procurementMethodDetails": METHOD_DETAILS[details.audience],
        "mainProcurementCategory": details.category.value,
        "tenderPeriod": {"startDate": moment(invitation.published_at), "endDate": moment(details.closing_at)},
        "documents": _documents(invitation, publication),
    }
    if details.title.en:
        tender["title_en"] = details.title.en
    if details.description.en:
        tender["description_en"] = details.description.en
    if details.value is not None:
        tender["value"] = {"amount": _number(details.value), "currency": "CAD"}
    tender |= _submission(invitation)
    if invitation.changes:
        tender["amendments"] = [
            {
                "id": str(number),
                "date": moment(at),
                "rationale": CHANGE_RATIONALE[change],
                "amendsReleaseID": release_id(ocid, number),
                "releaseID": release_id(ocid, number + 1),
            }
            for number, (change, at) in enumerate(invitation.changes, start=1)
        ]
    return tender


def _items(invitation: Invitation) -> list[dict[str, Any]]:
    details = invitation.details
    where = {"region": region_name(details.region, "fr").partition(" ")[2], "countryName": "Canada"}
    if details.municipality:
        where["locality"] = details.municipality
    items = []
    for number, code in enumerate(details.codes, start=1):
        titles = unspsc_titles().get(code)
        words = (titles.fr or titles.en) if titles else None
        item: dict[str, Any] = {
            "id": str(number),
            "classification": {"scheme": "UNSPSC", "id": code} | ({"description": words} if words else {}),
            "deliveryAddress": where,
        }
        if words:
            item["description"] = words
        items.append(item)
    return items


def _documents(invitation: Invitation, publication: Publication) -> list[dict[str, Any]]:
    """The public page (the notice) in each language it has, and the documents when they are a link."""
    details = invitation.details
    languages = ("fr", "en") if details.title.en else ("fr",)
    documents = [
        {
            "id": f"notice-{lang}",
            "documentType": "tenderNotice",
            "title": details.title.en if lang == "en" else details.title.fr,
            "url": publication.page(invitation.id, lang),
            "format": "text/html",
            "language": lang,
        }
        for lang in languages
    ]
    if details.answer.documents and web_address(details.answer.documents):
        documents.append({"id": "documents", "documentType": "biddingDocuments", "url": details.answer.documents})
    return documents


def _submission(invitation: Invitation) -> dict[str, Any]:
    """How to answer: by a link (electronic), by e-mail (« written », as the codelist files e-mail), and
    where the documents are, in words."""
    answer = invitation.details.answer
    methods = [m for m, given in (("electronicSubmission", answer.url), ("written", answer.email)) if given]
    said = [
        f"{label} : {value}"
        for label, value in (("Lien", answer.url), ("Courriel", answer.email), ("Documents", answer.documents))
        if value
    ]
    return ({"submissionMethod": methods} if methods else {}) | {"submissionMethodDetails": "; ".join(said)}


def _number(amount: Decimal) -> int | float:
    """A JSON number: the schema wants a number, and a float keeps any amount of dollars and cents exactly
    enough to print it back (its repr is the shortest that reads back the same)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)
