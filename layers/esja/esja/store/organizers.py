"""The Organizers table: the organizers, the links they draw between signatories and buyers, and one
send record per organizer and week of the digest.

Items (pk, sk):
  ("organizer", <organizer id>)                  name, email, language, regions
  ("signatory-link", <pledge id>#id#<buyer id>)  a signatory buys as this SEAO buyer id (OP-…)
  ("signatory-link", <pledge id>#name#<key>)     … or under this name (buyer_name as typed)
  ("digest#<week>", <organizer id>)              the week's digest (esja.store.send_records)

The links are not kept in the Pledges table: every item there is a pledge (its export and registry read
them all), and the pledge form's function has no business with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from esja.digest.organizers import Organizer
from esja.digest.setup import SavedOrganizers
from esja.digest.signatories import SignatoryLink
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ORGANIZER = "organizer"
LINK = "signatory-link"


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
        return [_link(item) for item in self._partition(LINK, "reading signatory links")]

    def add_link(self, link: SignatoryLink, now: datetime) -> bool:
        """True if the link is new."""
        item = _key(LINK, link.key) | {
            "pledge_id": {"S": link.pledge_id},
            "linked_at": {"S": now.astimezone(UTC).isoformat(timespec="seconds")},
        }
        if link.buyer_id:
            item["buyer_id"] = {"S": link.buyer_id.strip()}
        if link.buyer_name:
            item["buyer_name"] = {"S": " ".join(link.buyer_name.split())}
        return self._put_once(item, "linking a signatory")

    def remove_link(self, link: SignatoryLink) -> bool:
        """True if the link existed."""
        try:
            answer = self._client.delete_item(TableName=self._table, Key=_key(LINK, link.key), ReturnValues="ALL_OLD")
        except AWS_ERRORS as error:
            raise store_error(error, "removing a signatory link") from error
        return "Attributes" in answer

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
        try:
            self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return False
            raise store_error(error, action) from error
        return True


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


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
