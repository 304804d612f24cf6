"""The Pledges table: one item per pledge, keyed by its id.

Two sparse indexes: `registry` holds only confirmed pledges whose signatory consented to appear, by
folded institution name, and projects only what the registry shows (no e-mail, no phone);
`by_confirmed_key` finds the confirmed pledge a newer one of the same signatory replaces.
`expires_at` (epoch seconds) is the table's TTL: set on pending and withdrawn pledges, removed on
confirmation. DynamoDB deletes expired items within days, not at once, so reads skip them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from esja.folding import fold_name
from esja.model import Category
from esja.pledges.model import InstitutionType, Pledge, PledgeDetails, PledgeStatus, RegistryEntry
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

REGISTRY_INDEX = "registry"
CONFIRMED_INDEX = "by_confirmed_key"
PUBLIC = "public"  # the one partition of the registry index: hundreds of signatories, not millions
_NOT_EXPIRED = "attribute_not_exists(expires_at) OR expires_at > :now"

Item = dict[str, Any]


class PledgeStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def add(self, pledge: Pledge) -> None:
        try:
            self._client.put_item(
                TableName=self._table, Item=to_item(pledge), ConditionExpression="attribute_not_exists(pledge_id)"
            )
        except AWS_ERRORS as error:
            raise store_error(error, "saving a pledge") from error

    def get(self, pledge_id: str) -> Pledge | None:
        try:
            item = self._client.get_item(TableName=self._table, Key=_key(pledge_id), ConsistentRead=True).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading a pledge") from error
        return from_item(item) if item else None

    def confirm(self, pledge: Pledge, at: datetime) -> Pledge | None:
        """Pending → confirmed, only with the digest it was read with and before its deadline: the
        link is spent in the same write. None when that no longer holds."""
        values: Item = {
            ":pending": {"S": PledgeStatus.PENDING},
            ":confirmed": {"S": PledgeStatus.CONFIRMED},
            ":digest": {"S": pledge.token_digest or ""},
            ":at": {"S": _moment(at)},
            ":signatory": {"S": pledge.details.signatory_key},
        }
        listed = ""
        if pledge.details.registry_consent:
            listed = ", registry_partition = :public, registry_sort = :sort"
            values[":public"] = {"S": PUBLIC}
            values[":sort"] = {"S": f"{fold_name(pledge.details.institution_name)}#{pledge.id}"}
        return self._update(
            pledge.id,
            "confirming a pledge",
            UpdateExpression=f"SET #status = :confirmed, confirmed_at = :at, confirmed_key = :signatory{listed} "
            "REMOVE token_digest, token_expires_at, expires_at",
            ConditionExpression="#status = :pending AND token_digest = :digest AND token_expires_at > :at",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=values,
        )

    def withdraw(
        self, pledge_id: str, at: datetime, purge_at: datetime, replaced_by: str | None = None
    ) -> Pledge | None:
        """Off the registry and out of the count at once; deleted at `purge_at`. None if already withdrawn."""
        values: Item = {
            ":pending": {"S": PledgeStatus.PENDING},
            ":confirmed": {"S": PledgeStatus.CONFIRMED},
            ":withdrawn": {"S": PledgeStatus.WITHDRAWN},
            ":at": {"S": _moment(at)},
            ":purge": {"N": str(int(purge_at.timestamp()))},
        }
        replaced = ""
        if replaced_by:
            replaced = ", replaced_by = :by"
            values[":by"] = {"S": replaced_by}
        return self._update(
            pledge_id,
            "withdrawing a pledge",
            UpdateExpression=f"SET #status = :withdrawn, withdrawn_at = :at, expires_at = :purge{replaced} "
            "REMOVE registry_partition, registry_sort, confirmed_key, token_digest, token_expires_at",
            ConditionExpression="#status IN (:pending, :confirmed)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=values,
        )

    def confirmed_of(self, signatory_key: str) -> list[str]:
        """Ids of the confirmed pledges of one signatory for one institution."""
        try:
            pages = self._client.get_paginator("query").paginate(
                TableName=self._table,
                IndexName=CONFIRMED_INDEX,
                KeyConditionExpression="confirmed_key = :key",
                ExpressionAttributeValues={":key": {"S": signatory_key}},
            )
            return [item["pledge_id"]["S"] for page in pages for item in page.get("Items", [])]
        except AWS_ERRORS as error:
            raise store_error(error, "finding a signatory's pledges") from error

    def registry(self, now: datetime) -> list[RegistryEntry]:
        """The public registry, by institution name."""
        try:
            pages = self._client.get_paginator("query").paginate(
                TableName=self._table,
                IndexName=REGISTRY_INDEX,
                KeyConditionExpression="registry_partition = :public",
                FilterExpression=_NOT_EXPIRED,
                ExpressionAttributeValues={":public": {"S": PUBLIC}, ":now": {"N": str(int(now.timestamp()))}},
            )
            return [_entry(item) for page in pages for item in page.get("Items", [])]
        except AWS_ERRORS as error:
            raise store_error(error, "reading the registry") from error

    def everything(self, now: datetime) -> Iterator[Pledge]:
        """Every pledge not past its retention (the organizers' export; a Scan, never on a page)."""
        try:
            pages = self._client.get_paginator("scan").paginate(
                TableName=self._table,
                FilterExpression=_NOT_EXPIRED,
                ExpressionAttributeValues={":now": {"N": str(int(now.timestamp()))}},
            )
            for page in pages:
                yield from (from_item(item) for item in page.get("Items", []))
        except AWS_ERRORS as error:
            raise store_error(error, "reading the pledges") from error

    def _update(self, pledge_id: str, action: str, **request: Any) -> Pledge | None:
        try:
            answer = self._client.update_item(
                TableName=self._table, Key=_key(pledge_id), ReturnValues="ALL_NEW", **request
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return None
            raise store_error(error, action) from error
        return from_item(answer["Attributes"])


def to_item(pledge: Pledge) -> Item:
    details = pledge.details
    item: Item = {
        "pledge_id": {"S": pledge.id},
        "status": {"S": pledge.status},
        "institution_name": {"S": details.institution_name},
        "institution_type": {"S": details.institution_type},
        "region": {"S": details.region},
        "signatory_name": {"S": details.signatory_name},
        "signatory_title": {"S": details.signatory_title},
        "email": {"S": details.email},
        "categories": {"L": [{"S": c} for c in details.categories]},
        "declaration_accepted": {"BOOL": details.declaration_accepted},
        "registry_consent": {"BOOL": details.registry_consent},
        "language": {"S": pledge.language},
        "consent_version": {"S": pledge.consent_version},
        "created_at": {"S": _moment(pledge.created_at)},
    }
    optional: dict[str, Any] = {
        "phone": details.phone,
        "confirmed_at": pledge.confirmed_at and _moment(pledge.confirmed_at),
        "withdrawn_at": pledge.withdrawn_at and _moment(pledge.withdrawn_at),
        "replaced_by": pledge.replaced_by,
        "token_digest": pledge.token_digest,
        "token_expires_at": pledge.token_expires_at and _moment(pledge.token_expires_at),
    }
    item |= {name: {"S": value} for name, value in optional.items() if value}
    if details.target_share is not None:
        item["target_share"] = {"N": str(details.target_share)}
    if pledge.purge_at is not None:
        item["expires_at"] = {"N": str(int(pledge.purge_at.timestamp()))}
    return item


def from_item(item: Item) -> Pledge:
    text = {name: value["S"] for name, value in item.items() if "S" in value}
    details = PledgeDetails(
        institution_name=text["institution_name"],
        institution_type=InstitutionType(text["institution_type"]),
        region=text["region"],
        signatory_name=text["signatory_name"],
        signatory_title=text["signatory_title"],
        email=text["email"],
        phone=text.get("phone"),
        target_share=int(item["target_share"]["N"]) if "target_share" in item else None,
        categories=tuple(Category(c["S"]) for c in item.get("categories", {}).get("L", [])),
        declaration_accepted=item["declaration_accepted"]["BOOL"],
        registry_consent=item["registry_consent"]["BOOL"],
    )
    return Pledge(
        id=text["pledge_id"],
        details=details,
        language=text["language"],
        status=PledgeStatus(text["status"]),
        created_at=datetime.fromisoformat(text["created_at"]),
        consent_version=text["consent_version"],
        confirmed_at=_optional_moment(text.get("confirmed_at")),
        withdrawn_at=_optional_moment(text.get("withdrawn_at")),
        replaced_by=text.get("replaced_by"),
        token_digest=text.get("token_digest"),
        token_expires_at=_optional_moment(text.get("token_expires_at")),
        purge_at=datetime.fromtimestamp(int(item["expires_at"]["N"]), UTC) if "expires_at" in item else None,
    )


def _entry(item: Item) -> RegistryEntry:
    return RegistryEntry(
        institution_name=item["institution_name"]["S"],
        institution_type=InstitutionType(item["institution_type"]["S"]),
        region=item["region"]["S"],
        signatory_name=item["signatory_name"]["S"],
        signatory_title=item["signatory_title"]["S"],
        confirmed_at=datetime.fromisoformat(item["confirmed_at"]["S"]),
    )


def _key(pledge_id: str) -> Item:
    return {"pledge_id": {"S": pledge_id}}


def _moment(value: datetime) -> str:
    """UTC, to the second, one format: these strings compare in time order (conditions rely on it)."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _optional_moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
