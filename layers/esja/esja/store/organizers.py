"""The Organizers table: the organizers, the links they draw between signatories and buyers, the e-mail
domains they list for institutions, and one send record per organizer and week of the digest.

Items (pk, sk):
  ("organizer", <organizer id>)                  name, email, language, regions
  ("signatory-link", <pledge id>#id#<buyer id>)  a signatory buys as this SEAO buyer id (OP-…)
  ("signatory-link", <pledge id>#name#<key>)     … or under this name (buyer_name as typed)
  ("institution-domain", <region>#<folded institution>#<domain>)   institution, region, domain, listed by, when
  ("digest#<week>", <organizer id>)              the week's digest (esja.store.send_records)

The links are not kept in the Pledges table: every item there is a pledge (its export and registry read
them all). A link or a domain taken off is marked (`removed_at`, `removed_by`), never deleted: no function
may delete, and the mark says when it stopped counting; listing one again replaces the mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from esja.digest.organizers import Organizer
from esja.digest.setup import SavedOrganizers
from esja.digest.signatories import SignatoryLink
from esja.pledges.domains import InstitutionDomain, domain_key
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ORGANIZER = "organizer"
LINK = "signatory-link"
DOMAIN = "institution-domain"
_NEW_OR_REMOVED = "attribute_not_exists(pk) OR attribute_exists(removed_at)"


class OrganizerStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    # --- organizers ---

    def organizers(self) -> list[Organizer]:
        return sorted((_organizer(item) for item in self._partition(ORGANIZER, "reading organizers")), key=_by_id)

    def organizer(self, organizer_id: str) -> Organizer | None:
        """One organizer, read strongly consistent (a session's role is checked against it on each request)."""
        try:
            item = self._client.get_item(TableName=self._table, Key=_key(ORGANIZER, organizer_id), ConsistentRead=True)
        except AWS_ERRORS as error:
            raise store_error(error, "reading an organizer") from error
        return _organizer(item["Item"]) if "Item" in item else None

    def save_organizers(self, organizers: Sequence[Organizer]) -> SavedOrganizers:
        """Make the table hold exactly these organizers (the spreadsheet is the whole list)."""
        stored = {item["sk"]["S"]: item for item in self._partition(ORGANIZER, "reading organizers")}
        wanted = {o.id: _organizer_item(o) for o in organizers}
        written = [item for key, item in wanted.items() if stored.get(key) != item]
        removed = [key for key in stored if key not in wanted]
        try:
            for item in written:
                self._client.put_item(TableName=self._table, Item=item)
            for key in removed:
                self._client.delete_item(TableName=self._table, Key=_key(ORGANIZER, key))
        except AWS_ERRORS as error:
            raise store_error(error, "saving organizers") from error
        return SavedOrganizers(len(written), len(removed), len(wanted) - len(written))

    # --- links between signatories and buyers ---

    def links(self) -> list[SignatoryLink]:
        return [_link(item) for item in self._partition(LINK, "reading signatory links") if "removed_at" not in item]

    def add_link(self, link: SignatoryLink, now: datetime) -> bool:
        """True if the link is new."""
        item = _key(LINK, link.key) | {"pledge_id": {"S": link.pledge_id}, "linked_at": {"S": _moment(now)}}
        if link.buyer_id:
            item["buyer_id"] = {"S": link.buyer_id.strip()}
        if link.buyer_name:
            item["buyer_name"] = {"S": " ".join(link.buyer_name.split())}
        return self._put_once(item, "linking a signatory")

    def remove_link(self, link: SignatoryLink, now: datetime, by: str) -> bool:
        """True if the link was there."""
        return self._mark_removed(_key(LINK, link.key), now, by, "removing a signatory link") is not None

    # --- institutions' e-mail domains ---

    def domains(self) -> list[InstitutionDomain]:
        items = self._partition(DOMAIN, "reading institutions' domains")
        return [_domain(item) for item in items if "removed_at" not in item]

    def listed_domain(self, region: str, institution: str, domain: str) -> InstitutionDomain | None:
        """The domain, if it is listed for that institution (one strongly consistent read)."""
        key = _key(DOMAIN, domain_key(region, institution, domain))
        try:
            item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading an institution's domain") from error
        return _domain(item) if item and "removed_at" not in item else None

    def add_domain(self, listed: InstitutionDomain) -> bool:
        """True if the domain was not listed for the institution yet."""
        item = _key(DOMAIN, listed.key) | {
            "institution": {"S": listed.institution},
            "region": {"S": listed.region},
            "domain": {"S": listed.domain},
            "listed_by": {"S": listed.listed_by},
            "listed_at": {"S": _moment(listed.listed_at)},
        }
        return self._put_once(item, "listing an institution's domain")

    def remove_domain(self, key: str, now: datetime, by: str) -> InstitutionDomain | None:
        """The domain taken off the list, or None if it was not on it."""
        item = self._mark_removed(_key(DOMAIN, key), now, by, "removing an institution's domain")
        return _domain(item) if item else None

    # --- plumbing ---

    def _partition(self, pk: str, action: str) -> list[dict[str, Any]]:
        try:
            pages = self._client.get_paginator("query").paginate(
                TableName=self._table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": pk}},
            )
            return [item for page in pages for item in page["Items"]]
        except AWS_ERRORS as error:
            raise store_error(error, action) from error

    def _put_once(self, item: dict[str, Any], action: str) -> bool:
        """Put the item unless it is there (and not marked removed)."""
        try:
            self._client.put_item(TableName=self._table, Item=item, ConditionExpression=_NEW_OR_REMOVED)
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return False
            raise store_error(error, action) from error
        return True

    def _mark_removed(self, key: dict[str, Any], now: datetime, by: str, action: str) -> dict[str, Any] | None:
        """Mark the item removed; the item as it was, or None when it was not there (or already removed)."""
        try:
            answer = self._client.update_item(
                TableName=self._table,
                Key=key,
                UpdateExpression="SET removed_at = :at, removed_by = :by",
                ConditionExpression="attribute_exists(pk) AND attribute_not_exists(removed_at)",
                ExpressionAttributeValues={":at": {"S": _moment(now)}, ":by": {"S": by}},
                ReturnValues="ALL_OLD",
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return None
            raise store_error(error, action) from error
        return answer["Attributes"]


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _by_id(organizer: Organizer) -> str:
    return organizer.id


def _organizer_item(organizer: Organizer) -> dict[str, Any]:
    return _key(ORGANIZER, organizer.id) | {
        "name": {"S": organizer.name},
        "email": {"S": organizer.email},
        "language": {"S": organizer.language},
        "regions": {"L": [{"S": code} for code in organizer.regions]},
    }


def _organizer(item: dict[str, Any]) -> Organizer:
    return Organizer(
        id=item["sk"]["S"],
        name=item["name"]["S"],
        email=item["email"]["S"],
        language=item["language"]["S"],
        regions=tuple(code["S"] for code in item["regions"]["L"]),
    )


def _link(item: dict[str, Any]) -> SignatoryLink:
    return SignatoryLink(
        pledge_id=item["pledge_id"]["S"],
        buyer_id=item.get("buyer_id", {}).get("S"),
        buyer_name=item.get("buyer_name", {}).get("S"),
    )


def _domain(item: dict[str, Any]) -> InstitutionDomain:
    return InstitutionDomain(
        institution=item["institution"]["S"],
        region=item["region"]["S"],
        domain=item["domain"]["S"],
        listed_by=item["listed_by"]["S"],
        listed_at=datetime.fromisoformat(item["listed_at"]["S"]),
    )
