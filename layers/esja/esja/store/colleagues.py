"""A pledge's colleagues (esja.signatory_space.colleagues), in the Signatories table.

Items: ("pledge#<pledge id>", "colleague#<address key>"): email, language, state (pending | confirmed),
invited_at, confirmed_at; pending only: token_digest (the SHA-256 of the link's secret) and token_expires_at.
A confirmed colleague carries `person_key` (its address key): the sparse `by_person` index finds the pledges
whose space a person uses, at sign-in. `expires_at` is the table's TTL: a pending invitation is forgotten
after its retention; a removed colleague loses its address at once and the item goes with the TTL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from esja.signatory_space.colleagues import Colleague, ColleagueState
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error
from esja.store.queries import Item, query_all

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PERSON_INDEX = "by_person"
_PRESENT = "attribute_exists(email) AND (attribute_not_exists(expires_at) OR expires_at > :now)"


class ColleagueStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def colleagues_of(self, pledge_id: str) -> list[Colleague]:
        found = query_all(
            self._client,
            "reading a pledge's colleagues",
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :colleague)",
            FilterExpression=_PRESENT,
            ExpressionAttributeValues={
                ":pk": {"S": _pk(pledge_id)},
                ":colleague": {"S": "colleague#"},
                ":now": {"N": str(int(datetime.now(UTC).timestamp()))},
            },
            ConsistentRead=True,
        )
        return [_colleague(item) for item in found]

    def invite(self, colleague: Colleague, purge_at: datetime) -> bool:
        item = _key(colleague.pledge_id, colleague.address_key) | {
            "email": {"S": colleague.email},
            "language": {"S": colleague.language},
            "state": {"S": ColleagueState.PENDING},
            "invited_at": {"S": _moment(colleague.invited_at)},
            "token_digest": {"S": colleague.token_digest or ""},
            "token_expires_at": {"S": _moment(colleague.token_expires_at or colleague.invited_at)},
            "expires_at": {"N": str(int(purge_at.timestamp()))},
        }
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression="attribute_not_exists(pk) OR #state <> :confirmed OR attribute_not_exists(email)",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":confirmed": {"S": ColleagueState.CONFIRMED}},
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return False
            raise store_error(error, "inviting a colleague") from error
        return True

    def pending(self, pledge_id: str, token_digest: str) -> Colleague | None:
        """The pending colleague whose link has this digest (a pledge has a few colleagues: one small Query)."""
        found = [
            c
            for c in self.colleagues_of(pledge_id)
            if c.state is ColleagueState.PENDING and c.token_digest == token_digest
        ]
        return found[0] if len(found) == 1 else None

    def confirm(self, colleague: Colleague, at: datetime) -> Colleague | None:
        try:
            answer = self._client.update_item(
                TableName=self._table,
                Key=_key(colleague.pledge_id, colleague.address_key),
                UpdateExpression="SET #state = :confirmed, confirmed_at = :at, person_key = :person "
                "REMOVE token_digest, token_expires_at, expires_at",
                ConditionExpression="#state = :pending AND token_digest = :digest AND token_expires_at > :at "
                "AND attribute_exists(email)",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={
                    ":confirmed": {"S": ColleagueState.CONFIRMED},
                    ":pending": {"S": ColleagueState.PENDING},
                    ":digest": {"S": colleague.token_digest or ""},
                    ":at": {"S": _moment(at)},
                    ":person": {"S": colleague.address_key},
                },
                ReturnValues="ALL_NEW",
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return None
            raise store_error(error, "confirming a colleague") from error
        return _colleague(answer["Attributes"])

    def remove(self, pledge_id: str, address_key: str, at: datetime) -> Colleague | None:
        """The address erased and the item off the index at once; the TTL deletes what is left."""
        try:
            answer = self._client.update_item(
                TableName=self._table,
                Key=_key(pledge_id, address_key),
                UpdateExpression="SET removed_at = :at, expires_at = :now "
                "REMOVE email, person_key, token_digest, token_expires_at",
                ConditionExpression="attribute_exists(email)",
                ExpressionAttributeValues={":at": {"S": _moment(at)}, ":now": {"N": str(int(at.timestamp()))}},
                ReturnValues="ALL_OLD",
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return None
            raise store_error(error, "removing a colleague") from error
        return _colleague(answer["Attributes"])

    # --- the role lookup (esja.people.roles) ---

    def pledges_of(self, address_key: str) -> list[str]:
        found = query_all(
            self._client,
            "finding a colleague's pledges",
            TableName=self._table,
            IndexName=PERSON_INDEX,
            KeyConditionExpression="person_key = :key",
            ExpressionAttributeValues={":key": {"S": address_key}},
        )
        return sorted({item["pk"]["S"].removeprefix("pledge#") for item in found})

    def colleague_email(self, pledge_id: str, address_key: str) -> str | None:
        try:
            item = self._client.get_item(
                TableName=self._table, Key=_key(pledge_id, address_key), ConsistentRead=True
            ).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading a colleague") from error
        if not item or "email" not in item or item.get("state", {}).get("S") != ColleagueState.CONFIRMED:
            return None
        return str(item["email"]["S"])


def _pk(pledge_id: str) -> str:
    return f"pledge#{pledge_id}"


def _key(pledge_id: str, address_key: str) -> Item:
    return {"pk": {"S": _pk(pledge_id)}, "sk": {"S": f"colleague#{address_key}"}}


def _colleague(item: dict[str, Any]) -> Colleague:
    text = {name: value["S"] for name, value in item.items() if "S" in value}
    return Colleague(
        pledge_id=text["pk"].removeprefix("pledge#"),
        address_key=text["sk"].removeprefix("colleague#"),
        email=text.get("email", ""),
        language=text.get("language", "fr"),
        invited_at=datetime.fromisoformat(text["invited_at"]),
        state=ColleagueState(text.get("state", ColleagueState.PENDING)),
        confirmed_at=datetime.fromisoformat(text["confirmed_at"]) if "confirmed_at" in text else None,
        token_digest=text.get("token_digest"),
        token_expires_at=datetime.fromisoformat(text["token_expires_at"]) if "token_expires_at" in text else None,
    )


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")
