"""The Directory table: each enterprise's listing, the directory's version, and each listing's log of choices.

  pk "listing",            sk <enterprise id>   the listing (JSON `record`), its `version`, and `listed`
                                                ("yes", only while in the directory: the public read's filter)
  pk "directory",          sk "version"         the counter every change of what the public sees moves
  pk "choices#<id>",       sk <when>#<random>   the append-only log: listed, unlisted, taken down, restored —
                                                who (role, item, address key), when, under which wording

One partition holds every listing: a few hundred items, read whole by the public read model (one strongly
consistent Query, esja.directory.public) only when the counter moved. A change writes the listing, its
choice and the counter in one transaction, the listing on condition that its version is still the one read.
Nothing is ever deleted here (the web function may not): an enterprise removed has its listing emptied and
handed to the table's TTL, its log kept as the proof of its consent until the removal's purge date.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from esja.directory.listing import ChoiceKind, Listing, ListingChoice, ListingRecord, TakeDown
from esja.model import Category, LegalForm, Text
from esja.store.errors import AWS_ERRORS, cancelled_by_condition, error_code, store_error
from esja.store.queries import query_all

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LISTINGS = "listing"
VERSION = {"pk": {"S": "directory"}, "sk": {"S": "version"}}
LISTED = "yes"
RECORD = {"#record": "record"}  # a word DynamoDB reserves
MAX_SORT_KEY_BYTES = 1024  # DynamoDB's limit (and it refuses an empty key)
# Two people saving different listings in the same instant both move the counter: DynamoDB cancels one
# transaction (TransactionConflict), which is tried again; a condition that failed is not.
CONFLICT_ATTEMPTS = 3


class DirectoryStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    # --- the public read model ---

    def directory_version(self) -> int:
        try:
            item = self._client.get_item(TableName=self._table, Key=VERSION, ConsistentRead=True).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading the directory's version") from error
        return int(item["version"]["N"]) if item else 0

    def published(self) -> list[ListingRecord]:
        return self._listings(
            "reading the directory",
            FilterExpression="listed = :yes",
            ExpressionAttributeValues={":pk": {"S": LISTINGS}, ":yes": {"S": LISTED}},
        )

    # --- an enterprise's listing ---

    def record(self, enterprise_id: str) -> ListingRecord | None:
        if not 0 < len(enterprise_id.encode()) <= MAX_SORT_KEY_BYTES:  # no listing could be under it
            return None
        try:
            item = self._client.get_item(
                TableName=self._table, Key=_listing_key(enterprise_id), ConsistentRead=True
            ).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading a listing") from error
        return _record(item) if item and "record" in item else None

    def records(self) -> list[ListingRecord]:
        return self._listings("reading the listings", ExpressionAttributeValues={":pk": {"S": LISTINGS}})

    def write(self, record: ListingRecord, *, choice: ListingChoice | None = None, public: bool) -> bool:
        item = _listing_key(record.enterprise_id) | {
            "record": {"S": record_json(record)},
            "version": {"N": str(record.version)},
        }
        if record.listed:
            item["listed"] = {"S": LISTED}
        expected = record.version - 1
        put: dict[str, Any] = {"TableName": self._table, "Item": item}
        if expected:
            put |= {"ConditionExpression": "version = :read", "ExpressionAttributeValues": {":read": _n(expected)}}
        else:
            put |= {"ConditionExpression": "attribute_not_exists(#record)", "ExpressionAttributeNames": RECORD}
        actions: list[Any] = [{"Put": put}]
        if choice is not None:
            appended = {"TableName": self._table, "Item": _choice_item(choice)}
            actions.append({"Put": appended | {"ConditionExpression": "attribute_not_exists(pk)"}})
        if public:
            actions.append({"Update": self._move_version()})
        return self._transact(actions, "saving a listing")

    def choices(self, enterprise_id: str) -> list[ListingChoice]:
        items = query_all(
            self._client,
            "reading a listing's choices",
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": _choices_pk(enterprise_id)}},
            ConsistentRead=True,
        )
        return [_choice(enterprise_id, item) for item in items]

    def forget(self, enterprise_id: str, *, purge_at: datetime) -> None:
        emptied = {
            "TableName": self._table,
            "Key": _listing_key(enterprise_id),
            "UpdateExpression": "REMOVE #record, listed SET expires_at = :now",
            "ConditionExpression": "attribute_exists(#record)",
            "ExpressionAttributeNames": RECORD,
            "ExpressionAttributeValues": {":now": _n(int(datetime.now(UTC).timestamp()))},
        }
        self._transact([{"Update": emptied}, {"Update": self._move_version()}], "removing a listing")
        for choice in query_all(
            self._client,
            "reading a listing's choices",
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": _choices_pk(enterprise_id)}},
            ProjectionExpression="pk, sk",
        ):
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key={"pk": choice["pk"], "sk": choice["sk"]},
                    UpdateExpression="SET expires_at = :purge",
                    ExpressionAttributeValues={":purge": _n(int(purge_at.timestamp()))},
                )
            except AWS_ERRORS as error:
                raise store_error(error, "dating a listing's choices") from error

    # --- plumbing ---

    def _listings(self, action: str, **request: Any) -> list[ListingRecord]:
        items = query_all(
            self._client,
            action,
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ConsistentRead=True,
            **request,
        )
        return [_record(item) for item in items if "record" in item]

    def _move_version(self) -> dict[str, Any]:
        return {
            "TableName": self._table,
            "Key": VERSION,
            "UpdateExpression": "ADD version :one",
            "ExpressionAttributeValues": {":one": _n(1)},
        }

    def _transact(self, actions: list[Any], action: str) -> bool:
        """True when written; False when a condition failed (nothing written)."""
        for attempt in range(CONFLICT_ATTEMPTS):
            try:
                self._client.transact_write_items(TransactItems=actions)
            except AWS_ERRORS as error:
                if cancelled_by_condition(error):
                    return False
                if error_code(error) != "TransactionCanceledException" or attempt + 1 == CONFLICT_ATTEMPTS:
                    raise store_error(error, action) from error
            else:
                return True
        return False  # not reached: the last attempt returns or raises


def _listing_key(enterprise_id: str) -> dict[str, Any]:
    return {"pk": {"S": LISTINGS}, "sk": {"S": enterprise_id}}


def _choices_pk(enterprise_id: str) -> str:
    return f"choices#{enterprise_id}"


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def record_json(record: ListingRecord) -> str:
    listing = record.listing
    down = record.taken_down
    return json.dumps(
        {
            "enterprise_id": record.enterprise_id,
            "name": record.name,
            "legal_form": record.legal_form,
            "home_regions": list(record.home_regions),
            "listing": {
                "description": {"fr": listing.description.fr, "en": listing.description.en},
                "regions": list(listing.regions),
                "categories": [c.value for c in listing.categories],
                "families": list(listing.families),
                "website": listing.website,
                "contact_email": listing.contact_email,
            },
            "updated_at": record.updated_at.isoformat(),
            "listed_since": record.listed_since.isoformat() if record.listed_since else None,
            "taken_down": {"at": down.at.isoformat(), "by": down.by, "reason": down.reason} if down else None,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def _record(item: dict[str, Any]) -> ListingRecord:
    raw = json.loads(item["record"]["S"])
    listing, down = raw["listing"], raw.get("taken_down")
    return ListingRecord(
        enterprise_id=raw["enterprise_id"],
        name=raw["name"],
        legal_form=cast("LegalForm", raw["legal_form"]),
        home_regions=tuple(raw.get("home_regions", ())),
        listing=Listing(
            description=Text(**listing["description"]),
            regions=tuple(listing["regions"]),
            categories=tuple(Category(c) for c in listing["categories"]),
            families=tuple(listing["families"]),
            website=listing["website"],
            contact_email=listing["contact_email"],
        ),
        updated_at=datetime.fromisoformat(raw["updated_at"]),
        listed_since=datetime.fromisoformat(raw["listed_since"]) if raw.get("listed_since") else None,
        taken_down=TakeDown(datetime.fromisoformat(down["at"]), down["by"], down["reason"]) if down else None,
        version=int(item["version"]["N"]),
    )


def _choice_item(choice: ListingChoice) -> dict[str, Any]:
    return {
        "pk": {"S": _choices_pk(choice.enterprise_id)},
        "sk": {"S": f"{choice.at.isoformat()}#{secrets.token_hex(4)}"},
        "kind": {"S": choice.kind.value},
        "at": {"S": choice.at.isoformat()},
        "by_role": {"S": choice.by_role},
        "by_id": {"S": choice.by_id},
        "address_key": {"S": choice.address_key},
        "wording_version": {"S": choice.wording_version},
        "reason": {"S": choice.reason},
    }


def _choice(enterprise_id: str, item: dict[str, Any]) -> ListingChoice:
    return ListingChoice(
        enterprise_id=enterprise_id,
        kind=ChoiceKind(item["kind"]["S"]),
        at=datetime.fromisoformat(item["at"]["S"]),
        by_role=item["by_role"]["S"],
        by_id=item["by_id"]["S"],
        address_key=item["address_key"]["S"],
        wording_version=item["wording_version"]["S"],
        reason=item["reason"]["S"],
    )
