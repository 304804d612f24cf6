"""An enterprise's people as its space changes them (esja.enterprise_space.colleagues), in the Enterprises table.

The enterprise item (its subscribers) is written only over the data as read, with its manager index following in
the same transaction: a new manager gets a `manager#<address key>` item, one no longer managing gets the same item
without its `manager_key` (out of the sparse `by_manager` index: every write of the transaction is a Put; the
next spreadsheet import removes it). Each colleague asked for is a `colleague#<id>` item beside it: what they will
receive, the SHA-256 of the link's secret, and when it was confirmed; the table's TTL removes it a week after the
link expired.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from esja.enterprise_space.colleagues import Invited, Team
from esja.model import Enterprise
from esja.store.enterprises import MANAGER, enterprise_from_json, enterprise_json
from esja.store.errors import AWS_ERRORS, error_code, store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from esja.people.keys import AddressKeys

COLLEAGUE = "colleague#"
KEPT_AFTER_EXPIRY = timedelta(days=7)  # the link's page can still say « expired » or « already confirmed »


class EnterpriseTeams:
    def __init__(self, table_name: str, client: DynamoDBClient, *, address_keys: AddressKeys) -> None:
        self._table = table_name
        self._client = client
        self._keys = address_keys

    def team(self, enterprise_id: str) -> Team | None:
        try:
            items = self._client.query(
                TableName=self._table,
                KeyConditionExpression="enterprise_id = :id",
                ExpressionAttributeValues={":id": {"S": enterprise_id}},
                ConsistentRead=True,
            )["Items"]
        except AWS_ERRORS as error:
            raise store_error(error, "reading an enterprise's people") from error
        data = next((i["data"]["S"] for i in items if i["item"]["S"] == "enterprise"), None)
        if data is None:
            return None
        invited = tuple(_invited(i) for i in items if i["item"]["S"].startswith(COLLEAGUE))
        return Team(enterprise_from_json(data), version_of(data), tuple(sorted(invited, key=lambda i: i.invited_at)))

    def invite(self, invited: Invited) -> bool:
        item = self._request_item(invited)
        exists = {"enterprise_id": {"S": invited.enterprise_id}, "item": {"S": "enterprise"}}
        return self._transact(
            [
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": item,
                        "ConditionExpression": "attribute_not_exists(#item)",
                        "ExpressionAttributeNames": {"#item": "item"},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": self._table,
                        "Key": exists,
                        "ConditionExpression": "attribute_exists(enterprise_id)",
                    }
                },
            ],
            "asking for a colleague",
        )

    def invitation(self, enterprise_id: str, invitation_id: str) -> Invited | None:
        key = {"enterprise_id": {"S": enterprise_id}, "item": {"S": f"{COLLEAGUE}{invitation_id}"}}
        try:
            item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading a colleague's invitation") from error
        return _invited(item) if item else None

    def change(self, team: Team, enterprise: Enterprise, confirmed: Invited | None = None) -> bool:
        key = {"enterprise_id": {"S": enterprise.id}, "item": {"S": "enterprise"}}
        try:
            stored = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading an enterprise") from error
        read = stored["data"]["S"] if stored else None
        if read is None or version_of(read) != team.version:
            return False
        put = {
            "TableName": self._table,
            "Item": {**key, "data": {"S": enterprise_json(enterprise)}},
            "ConditionExpression": "#data = :read",
            "ExpressionAttributeNames": {"#data": "data"},
            "ExpressionAttributeValues": {":read": {"S": read}},
        }
        writes: list[dict[str, Any]] = [{"Put": put}, *self._manager_writes(team.enterprise, enterprise)]
        if confirmed is not None and confirmed.confirmed_at is not None:
            writes.append({"Put": self._confirmed(confirmed, confirmed.confirmed_at)})
        return self._transact(writes, "changing an enterprise's people")

    def _manager_writes(self, before: Enterprise, after: Enterprise) -> list[dict[str, Any]]:
        was = {self._keys(s.email) for s in before.managers}
        now = {self._keys(s.email) for s in after.managers}
        writes = []
        for key in sorted(was ^ now):
            item = {"enterprise_id": {"S": after.id}, "item": {"S": f"{MANAGER}{key}"}}
            if key in now:
                item |= {"data": {"S": "{}"}, "manager_key": {"S": key}}
            else:  # out of the index; what no spreadsheet import would write, so the next import removes it
                item |= {"data": {"S": '{"manages":false}'}}
            writes.append({"Put": {"TableName": self._table, "Item": item}})
        return writes

    def _confirmed(self, invited: Invited, at: datetime) -> dict[str, Any]:
        """The request again, spent: only over itself unspent (a Put: the web function updates nothing here)."""
        return {
            "TableName": self._table,
            "Item": self._request_item(invited) | {"confirmed_at": {"S": at.isoformat()}},
            "ConditionExpression": "attribute_exists(#item) AND attribute_not_exists(confirmed_at)",
            "ExpressionAttributeNames": {"#item": "item"},
        }

    def _request_item(self, invited: Invited) -> dict[str, Any]:
        return {
            "enterprise_id": {"S": invited.enterprise_id},
            "item": {"S": f"{COLLEAGUE}{invited.id}"},
            "data": {"S": _invited_json(invited)},
            "expires_at": {"N": str(int((invited.expires_at + KEPT_AFTER_EXPIRY).timestamp()))},
        }

    def _transact(self, writes: list[dict[str, Any]], action: str) -> bool:
        """All or none; False when a condition failed."""
        try:
            self._client.transact_write_items(TransactItems=writes)  # type: ignore[arg-type]
        except AWS_ERRORS as error:
            if error_code(error) == "TransactionCanceledException":
                return False
            raise store_error(error, action) from error
        return True


def version_of(data: str) -> str:
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def _invited_json(invited: Invited) -> str:
    return json.dumps(
        {
            "id": invited.id,
            "email": invited.email,
            "name": invited.name,
            "language": invited.language,
            "frequency": invited.frequency,
            "manages_space": invited.manages_space,
            "secret_digest": invited.secret_digest,
            "invited_at": invited.invited_at.isoformat(),
            "expires_at": invited.expires_at.isoformat(),
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _invited(item: dict[str, Any]) -> Invited:
    raw = json.loads(item["data"]["S"])
    confirmed = item.get("confirmed_at", {}).get("S")
    return Invited(
        id=raw["id"],
        enterprise_id=item["enterprise_id"]["S"],
        email=raw["email"],
        name=raw["name"],
        language=raw["language"],
        frequency=raw["frequency"],
        manages_space=raw["manages_space"],
        secret_digest=raw["secret_digest"],
        invited_at=datetime.fromisoformat(raw["invited_at"]),
        expires_at=datetime.fromisoformat(raw["expires_at"]),
        confirmed_at=datetime.fromisoformat(confirmed) if confirmed else None,
    )
