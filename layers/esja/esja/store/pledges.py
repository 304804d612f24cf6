"""The Pledges table: one item per pledge, keyed by its id.

Sparse indexes: `registry` holds only the confirmed pledges an organizer (or the institution's listed domain)
verified and whose signatory consented to appear, by folded institution name, and projects only what the
registry shows (no e-mail, no phone); `by_confirmed_key`
finds the confirmed pledge a newer one of the same signatory replaces; `by_person` finds a signatory's
pledges by their address key (sign-in); `to_verify` holds the confirmed pledges no organizer verified or
rejected yet, oldest first.
`expires_at` (epoch seconds) is the table's TTL: set on pending and withdrawn pledges, removed on
confirmation. DynamoDB deletes expired items within days, not at once, so reads skip them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
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

    def confirm(self, pledge: Pledge, at: datetime, verdict: Verdict | None = None) -> Pledge | None:
        """Pending → confirmed, only with the digest it was read with and before its deadline: the
        link is spent in the same write. « To verify » (queued), unless `verdict` verifies it at once (an
        institution's listed domain): then on the registry if its signatory consented. None when that no
        longer holds."""
        verdict = verdict or Verdict()
        values: Item = {
            ":pending": {"S": PledgeStatus.PENDING},
            ":confirmed": {"S": PledgeStatus.CONFIRMED},
            ":digest": {"S": pledge.token_digest or ""},
            ":at": {"S": _moment(at)},
            ":signatory": {"S": pledge.details.signatory_key},
        }
        confirmed = replace(pledge, status=PledgeStatus.CONFIRMED, confirmed_at=at)
        sets, removed = _verdict_changes(confirmed, verdict, values)
        return self._update(
            pledge.id,
            "confirming a pledge",
            UpdateExpression="SET #status = :confirmed, confirmed_at = :at, confirmed_key = :signatory, "
            f"{', '.join(sets)} REMOVE token_digest, token_expires_at, expires_at, {', '.join(removed)}",
            ConditionExpression="#status = :pending AND token_digest = :digest AND token_expires_at > :at",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=values,
        )

    def withdraw(
        self, pledge_id: str, at: datetime, purge_at: datetime, replaced_by: str | None = None, reason: str = ""
    ) -> Pledge | None:
        """Off the registry and out of the count at once; deleted at `purge_at`. None if already withdrawn.
        `reason`: an organizer withdrew it at its signer's request, and why."""
        values: Item = {
            ":pending": {"S": PledgeStatus.PENDING},
            ":confirmed": {"S": PledgeStatus.CONFIRMED},
            ":withdrawn": {"S": PledgeStatus.WITHDRAWN},
            ":at": {"S": _moment(at)},
            ":purge": {"N": str(int(purge_at.timestamp()))},
        }
        extra = ""
        for name, value in (("replaced_by", replaced_by), ("withdrawal_reason", reason)):
            if value:
                extra += f", {name} = :{name}"
                values[f":{name}"] = {"S": value}
        return self._update(
            pledge_id,
            "withdrawing a pledge",
            UpdateExpression=f"SET #status = :withdrawn, withdrawn_at = :at, expires_at = :purge{extra} "
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

    def record_verdict(self, pledge: Pledge, verdict: Verdict, purge_at: datetime | None = None) -> Pledge | None:
        """An organizer's verdict on a confirmed pledge, as it was read (same verdict, same name: two organizers
        deciding at once decide once): verified, it goes on the registry (if its signatory consented) and off
        the `to_verify` queue; rejected, off both, and deleted at `purge_at`. None when the pledge changed."""
        was = (pledge.verdict or Verdict()).state
        values: Item = {
            ":confirmed": {"S": PledgeStatus.CONFIRMED},
            ":was": {"S": was},
            ":name": {"S": pledge.details.institution_name},
        }
        sets, removed = _verdict_changes(pledge, verdict, values)
        if purge_at is not None:
            sets.append("expires_at = :purge")
            values[":purge"] = {"N": str(int(purge_at.timestamp()))}
        else:
            removed.append("expires_at")
        # Confirmed before verification existed, a pledge has no `verification` yet: it reads « to verify ».
        unset = " OR attribute_not_exists(verification)" if was is Verification.TO_VERIFY else ""
        return self._update(
            pledge.id,
            "recording a pledge's verification",
            UpdateExpression=f"SET {', '.join(sets)} REMOVE {', '.join(removed)}",
            ConditionExpression=f"#status = :confirmed AND institution_name = :name AND (verification = :was{unset})",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=values,
        )

    def rename(self, pledge: Pledge, institution_name: str) -> Pledge | None:
        """The institution's name corrected (a typo), with the keys that hold it: the signatory's, the registry's
        order. Only on the pledge as it was read; None when it changed since."""
        renamed = replace(pledge, details=replace(pledge.details, institution_name=institution_name))
        values: Item = {
            ":old": {"S": pledge.details.institution_name},
            ":new": {"S": institution_name},
            ":status": {"S": pledge.status},
        }
        sets = ["institution_name = :new"]
        if pledge.status is PledgeStatus.CONFIRMED:
            sets.append("confirmed_key = :signatory")
            values[":signatory"] = {"S": renamed.details.signatory_key}
        listed = "attribute_not_exists(registry_partition)"
        if pledge.listed:
            sets.append("registry_sort = :sort")
            values[":sort"] = {"S": _registry_sort(renamed)}
            listed = "attribute_exists(registry_partition)"
        return self._update(
            pledge.id,
            "renaming a pledge's institution",
            UpdateExpression=f"SET {', '.join(sets)}",
            ConditionExpression=f"institution_name = :old AND #status = :status AND {listed}",
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
        """Put a pledge confirmed before verification existed in the `to_verify` queue, off the registry until an
        organizer verifies it (esja people rekey) — also one confirmed « to verify » while the registry did not
        look at verification yet; False when it is not such a pledge (a verdict, or not confirmed)."""
        confirmed_at = pledge.confirmed_at or pledge.created_at
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_key(pledge.id),
                UpdateExpression="SET verification = :to_verify, verify_queue = :waiting, verify_sort = :queued "
                "REMOVE registry_partition, registry_sort",
                ConditionExpression="#status = :confirmed AND (attribute_not_exists(verification) "
                "OR (verification = :to_verify AND attribute_exists(registry_partition)))",
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
        """Every pledge not past its retention: a Scan, for the organizers only (the console's list and export,
        the digest), never on a public page."""
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

    def update_commitment(
        self, pledge_id: str, target_share: int | None, categories: Sequence[Category]
    ) -> Pledge | None:
        """A confirmed pledge's target share and categories, as its signer changes them; None when not confirmed."""
        target = "SET categories = :categories, target_share = :share" if target_share is not None else ""
        values: Item = {
            ":confirmed": {"S": PledgeStatus.CONFIRMED},
            ":categories": {"L": [{"S": c} for c in categories]},
        }
        if target_share is not None:
            values[":share"] = {"N": str(target_share)}
        return self._update(
            pledge_id,
            "updating a pledge's target",
            UpdateExpression=target or "SET categories = :categories REMOVE target_share",
            ConditionExpression="#status = :confirmed",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=values,
        )

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
        "withdrawal_reason": pledge.withdrawal_reason,
    }
    if pledge.verdict is not None:
        optional |= _verdict_fields(pledge.verdict)
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
        withdrawal_reason=text.get("withdrawal_reason", ""),
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
        domain=text.get("verified_domain", ""),
        domain_listed_at=_optional_moment(text.get("domain_listed_at")),
    )


def _verdict_fields(verdict: Verdict) -> dict[str, str]:
    """The attributes that hold a verdict (an empty one is removed)."""
    return {
        "verification": verdict.state,
        "verified_at": _moment(verdict.at) if verdict.at else "",
        "verified_by": verdict.by,
        "verified_how": verdict.how,
        "rejection_reason": verdict.reason,
        "verified_domain": verdict.domain,
        "domain_listed_at": _moment(verdict.domain_listed_at) if verdict.domain_listed_at else "",
    }


def _verdict_changes(pledge: Pledge, verdict: Verdict, values: Item) -> tuple[list[str], list[str]]:
    """(SET clauses, attributes to REMOVE) that give a confirmed pledge `verdict`, its values added to `values`:
    to verify, it waits in the queue; verified, it is on the registry if its signatory consented."""
    sets, removed = [], []
    for name, value in _verdict_fields(verdict).items():
        if value:
            sets.append(f"{name} = :{name}")
            values[f":{name}"] = {"S": value}
        else:
            removed.append(name)
    if verdict.state is Verification.TO_VERIFY:
        assert pledge.confirmed_at is not None, "only a confirmed pledge waits to be verified"
        sets += ["verify_queue = :waiting", "verify_sort = :queued"]
        values |= {":waiting": {"S": WAITING}, ":queued": {"S": f"{_moment(pledge.confirmed_at)}#{pledge.id}"}}
    else:
        removed += ["verify_queue", "verify_sort"]
    if verdict.state is Verification.VERIFIED and pledge.details.registry_consent:
        sets += ["registry_partition = :public", "registry_sort = :sort"]
        values |= {":public": {"S": PUBLIC}, ":sort": {"S": _registry_sort(pledge)}}
    else:
        removed += ["registry_partition", "registry_sort"]
    return sets, removed


def _registry_sort(pledge: Pledge) -> str:
    """The registry index's sort key: « <folded institution name>#<pledge id> » (PublicSignatories reads the id)."""
    return f"{fold_name(pledge.details.institution_name)}#{pledge.id}"


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
