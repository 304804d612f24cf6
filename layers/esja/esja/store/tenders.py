"""The Tenders table: one item per tender key, written only when its content really changed."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from esja.digest.weeks import Week
from esja.ingest.changes import Change, StoredVersion
from esja.model import Status, Tender
from esja.signatory_space.own_tenders import indexed_buyer
from esja.store.batches import Batches
from esja.store.errors import AWS_ERRORS, store_error
from esja.store.queries import query_all

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


NAME_INDEX, ID_INDEX = "by_buyer_name", "by_buyer_id"


class TenderStore:
    def __init__(self, table_name: str, client: DynamoDBClient, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._table = table_name
        self._client = client
        self._batches = Batches(table_name, client, sleep)

    def stored_versions(self, keys: Sequence[str]) -> dict[str, StoredVersion]:
        found = self._batches.get(
            [{"tender_key": {"S": key}} for key in dict.fromkeys(keys)],
            "reading stored tenders",
            ProjectionExpression=(
                "tender_key, content_hash, revision, #s, change_count, first_seen_at, status_since, opened_at"
            ),
            ExpressionAttributeNames={"#s": "status"},
        )
        return {item["tender_key"]["S"]: _version(item) for item in found}

    def write(self, changes: Iterable[Change]) -> int:
        items = [tender_item(change) for change in changes]
        self._batches.put(items, "writing tenders")
        return len(items)

    def get(self, key: str) -> tuple[Tender, StoredVersion] | None:
        """The stored tender and its version (strongly consistent: the poll may have just written it)."""
        try:
            answer = self._client.get_item(TableName=self._table, Key={"tender_key": {"S": key}}, ConsistentRead=True)
        except AWS_ERRORS as error:
            raise store_error(error, "reading a tender") from error
        item = answer.get("Item")
        return _stored(item) if item else None

    def of_buyer(self, name_keys: Collection[str], buyer_ids: Collection[str], status: Status) -> list[Tender]:
        """The tenders in `status` whose buyer's reduced name or id is one of these (esja.signatory_space.own_tenders):
        one Query of a buyer index per key, then the tenders in that status read whole."""
        wanted = [(NAME_INDEX, "buyer_name_key", key) for key in name_keys]
        wanted += [(ID_INDEX, "buyer_id_key", key) for key in buyer_ids]
        keys = {
            item["tender_key"]["S"]
            for index, attribute, value in wanted
            for item in query_all(
                self._client,
                f"reading a buyer's tenders ({index})",
                TableName=self._table,
                IndexName=index,
                KeyConditionExpression=f"{attribute} = :value",
                FilterExpression="#s = :status",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":value": {"S": value}, ":status": {"S": status.value}},
            )
        }
        found = self._batches.get([{"tender_key": {"S": key}} for key in sorted(keys)], "reading a buyer's tenders")
        return [_stored(item)[0] for item in found if item["status"]["S"] == status.value]

    def open_tenders(self) -> Iterator[tuple[Tender, StoredVersion]]:
        """Every tender stored as open, whatever its closing date (a Scan: for `esja tenders match`, not for
        the functions)."""
        try:
            pages = self._client.get_paginator("scan").paginate(
                TableName=self._table,
                FilterExpression="#s = :open",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":open": {"S": Status.OPEN.value}},
            )
            for page in pages:
                yield from map(_stored, page["Items"])
        except AWS_ERRORS as error:
            raise store_error(error, "reading the open tenders") from error


def iso_week(moment: datetime) -> str:
    """« 2026-W48 »: the ISO week in Montréal, as the digest names weeks."""
    return str(Week.containing(moment))


def _stored(item: dict[str, Any]) -> tuple[Tender, StoredVersion]:
    return Tender.from_dict(json.loads(item["tender"]["S"])), _version(item)


def _version(item: dict[str, Any]) -> StoredVersion:
    return StoredVersion(
        content_hash=item["content_hash"]["S"],
        revision=item["revision"]["S"],
        status=Status(item["status"]["S"]),
        change_count=int(item["change_count"]["N"]),
        first_seen_at=datetime.fromisoformat(item["first_seen_at"]["S"]),
        status_since=datetime.fromisoformat(item["status_since"]["S"]),
        opened_at=opened_at(item),
    )


def opened_at(item: dict[str, Any]) -> datetime | None:
    """When the tender was first stored open; None when never (written ""), or stored before ESJA kept it."""
    written = item.get("opened_at", {}).get("S")
    return datetime.fromisoformat(written) if written else None


def tender_item(change: Change) -> dict[str, Any]:
    """The item of a changed tender, as the poll writes it (and the invitations, in their transaction)."""
    tender = change.tender
    item: dict[str, Any] = {
        "tender_key": {"S": tender.key},
        "source": {"S": tender.source},
        "status": {"S": tender.status.value},
        "revision": {"S": tender.revision},
        "content_hash": {"S": change.content_hash},
        "change_count": {"N": str(change.change_count)},
        "last_change": {"S": change.kind.value},
        "amended": {"BOOL": change.change_count > 0},
        "first_seen_at": {"S": change.first_seen_at.isoformat()},
        "status_since": {"S": change.status_since.isoformat()},
        # "" for never: an item without it was written before ESJA kept it (esja.store.digest_sources).
        "opened_at": {"S": change.opened_at.isoformat() if change.opened_at else ""},
        # The week's news for the digest: tenders first seen in a week, and statuses reached in a week.
        "first_seen_week": {"S": iso_week(change.first_seen_at)},
        "status_week": {"S": iso_week(change.status_since)},
        "updated_at": {"S": change.seen_at.isoformat()},
        "tender": {"S": json.dumps(tender.to_dict(), ensure_ascii=False, separators=(",", ":"))},
    }
    # Sparse index: only tenders with a closing date appear in by_status_closing (sorted in UTC).
    if tender.closing_at:
        item["closing_at"] = {"S": tender.closing_at.astimezone(UTC).isoformat()}
    if tender.published_at:
        item["published_at"] = {"S": tender.published_at.astimezone(UTC).isoformat()}
    # Sparse indexes by buyer (its name reduced, its id): a signatory's own tenders (esja.signatory_space).
    name_key, id_key = indexed_buyer(tender)
    if name_key:
        item["buyer_name_key"] = {"S": name_key}
    if id_key:
        item["buyer_id_key"] = {"S": id_key}
    return item
