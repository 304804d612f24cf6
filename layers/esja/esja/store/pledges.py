"""The Pledges table: one item per pledge, keyed by its id.

Sparse indexes: `registry` holds only confirmed pledges whose signatory consented to appear, by folded
institution name, and projects only what the registry shows (no e-mail, no phone); `by_confirmed_key`
finds the confirmed pledge a newer one of the same signatory replaces; `by_person` finds a signatory's
pledges by their address key (sign-in); `to_verify` holds the confirmed pledges no organizer verified or
rejected yet, oldest first.
`expires_at` (epoch seconds) is the table's TTL: set on pending and withdrawn pledges, removed on
confirmation. DynamoDB deletes expired items within days, not at once, so reads skip them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from esja.folding import fold_name
from esja.model import Category
from esja.pledges.model import (
    InstitutionType,
    Pledge,
    PledgeDetails,
    PledgeStatus,
    RegistryEntry,
    Verdict,
    Verification,
)
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error
from esja.store.queries import query_all

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

REGISTRY_INDEX = "registry"
CONFIRMED_INDEX = "by_confirmed_key"
PERSON_INDEX = "by_person"
TO_VERIFY_INDEX = "to_verify"
PUBLIC = "public"  # the one partition of the registry index: hundreds of signatories, not millions
WAITING = "waiting"  # the one partition of the to_verify index
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
            ":to_verify": {"S": Verification.TO_VERIFY},
            ":waiting": {"S": WAITING},
            ":queued": {"S": f"{_moment(at)}#{pledge.id}"},
        }
        listed = ""
        if pledge.details.registry_consent:
            listed = ", registry_partition = :public, registry_sort = :sort"
            values[":public"] = {"S": PUBLIC}
            values[":sort"] = {"S": f"{fold_name(pledge.details.institution_name)}#{pledge.id}"}
        return self._update(
            pledge.id,
            "confirming a pledge",
            UpdateExpression=f"SET #status = :confirmed, confirmed_at = :at, confirmed_key = :signatory{listed}, "
            "verification = :to_verify, verify_queue = :waiting, verify_sort = :queued "
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
            "REMOVE registry_partition, registry_sort, confirmed_key, token_digest, token_expires_at, "
            "verify_queue, verify_sort",
            ConditionExpression="#status IN (:pending, :confirmed)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=values,
        )

    def confirmed_of(self, signatory_key: str) -> list[str]:
        """Ids of the confirmed pledges of one signatory for one institution."""
        found = self._query(CONFIRMED_INDEX, "confirmed_key", signatory_key, "finding a signatory's pledges")
        return [item["pledge_id"]["S"] for item in found]

    def registry(self, now: datetime) -> list[RegistryEntry]:
        """The public registry, by institution name."""
        found = query_all(
            self._client,
            "reading the registry",
            TableName=self._table,
            IndexName=REGISTRY_INDEX,
            KeyConditionExpression="registry_partition = :public",
            FilterExpression=_NOT_EXPIRED,
            ExpressionAttributeValues={":public": {"S": PUBLIC}, ":now": {"N": str(int(now.timestamp()))}},
        )
        return [_entry(item) for item in found]

    def record_verdict(self, pledge_id: str, verdict: Verdict) -> Pledge | None:
        """An organizer's (or the institution's domain's) verdict on a confirmed pledge; off the `to_verify`
        index unless it is back to verify. None when the pledge is not confirmed."""
        values: Item = {":confirmed": {"S": PledgeStatus.CONFIRMED}, ":state": {"S": verdict.state}}
        fields = {"verified_at": verdict.at and _moment(verdict.at), "verified_by": verdict.by}
        fields |= {"verified_how": verdict.how, "rejection_reason": verdict.reason}
        sets = ["verification = :state"] + [f"{name} = :{name}" for name, value in fields.items() if value]
        values |= {f":{name}": {"S": value} for name, value in fields.items() if value}
        removed = [name for name, value in fields.items() if not value]
        if verdict.state is not Verification.TO_VERIFY:
            removed += ["verify_queue", "verify_sort"]
        remove = f" REMOVE {', '.join(removed)}" if removed else ""
        return self._update(
            pledge_id,
            "recording a pledge's verification",
            UpdateExpression=f"SET {', '.join(sets)}{remove}",
            ConditionExpression="#status = :confirmed",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=values,
        )

    def to_verify(self, now: datetime) -> list[Pledge]:
        """Confirmed pledges waiting for an organizer's verdict, the longest-waiting first."""
        waiting = self._query(TO_VERIFY_INDEX, "verify_queue", WAITING, "reading the pledges to verify")
        return [pledge for pledge in map(from_item, waiting) if not pledge.is_purged(now)]

    def of_person(self, address_key: str) -> list[str]:
        """Ids of the pledges signed from an address (any state: the caller decides what counts)."""
        found = self._query(PERSON_INDEX, "address_key", address_key, "finding a signatory's pledges")
        return [item["pledge_id"]["S"] for item in found]

    def set_address_key(self, pledge_id: str, address_key: str) -> bool:
        """Give a pledge signed before address keys its key (esja people rekey); False if it had one."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_key(pledge_id),
                UpdateExpression="SET address_key = :key",
                ConditionExpression="attribute_exists(pledge_id) AND attribute_not_exists(address_key)",
                ExpressionAttributeValues={":key": {"S": address_key}},
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return False
            raise store_error(error, "keying a pledge") from error
        return True

    def queue_to_verify(self, pledge: Pledge) -> bool:
        """Put a pledge confirmed before verification existed in the `to_verify` queue (esja people rekey);
        False when it is not such a pledge (any verdict recorded, or not confirmed)."""
        confirmed_at = pledge.confirmed_at or pledge.created_at
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_key(pledge.id),
                UpdateExpression="SET verification = :to_verify, verify_queue = :waiting, verify_sort = :queued",
                ConditionExpression="#status = :confirmed AND attribute_not_exists(verification)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":to_verify": {"S": Verification.TO_VERIFY},
                    ":waiting": {"S": WAITING},
                    ":queued": {"S": f"{_moment(confirmed_at)}#{pledge.id}"},
                    ":confirmed": {"S": PledgeStatus.CONFIRMED},
                },
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return False
            raise store_error(error, "queueing a pledge to verify") from error
        return True

    def _query(self, index: str, attribute: str, value: str, action: str) -> list[Item]:
        return query_all(
            self._client,
            action,
            TableName=self._table,
            IndexName=index,
            KeyConditionExpression=f"{attribute} = :value",
            ExpressionAttributeValues={":value": {"S": value}},
        )

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
        "address_key": pledge.address_key,
    }
    if pledge.verdict is not None:
        verdict = pledge.verdict
        optional |= {"verification": verdict.state, "verified_by": verdict.by, "verified_how": verdict.how}
        optional |= {"verified_at": verdict.at and _moment(verdict.at), "rejection_reason": verdict.reason}
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
        verdict=_verdict(text),
        address_key=text.get("address_key", ""),
    )


def _verdict(text: dict[str, str]) -> Verdict | None:
    """A confirmed pledge's verdict; one confirmed before verification existed is « to verify »."""
    if text["status"] != PledgeStatus.CONFIRMED and "verification" not in text:
        return None
    return Verdict(
        state=Verification(text.get("verification", Verification.TO_VERIFY)),
        at=_optional_moment(text.get("verified_at")),
        by=text.get("verified_by", ""),
        how=text.get("verified_how", ""),
        reason=text.get("rejection_reason", ""),
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
