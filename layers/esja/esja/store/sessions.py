"""The Sessions table: sign-in links waiting to be used, and open sessions (esja.signin).

Items (`id`):
  link#<SHA-256 of the link's secret>     the person's address key, language, where to go next; TTL 15 min
  person#<address key>                    `latest_link`: the one link of the person that still opens
  session#<SHA-256 of the cookie's id>    the person, the roles held at sign-in, the role chosen, the
                                          anti-forgery token, when opened and last seen; `person_key` for
                                          the `by_person` index (one's sessions)
`expires_at` (epoch seconds) is the TTL: DynamoDB deletes within days, so every read checks it too. Nothing
is ever deleted here by the web function (no DeleteItem): an ended session is marked so, its TTL set to now.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from esja.people.roles import Role, RoleGrant
from esja.signin.model import Chosen, Session, SignInLink
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error
from esja.store.queries import query_all

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PERSON_INDEX = "by_person"
_OPEN = "attribute_exists(id) AND attribute_not_exists(ended_at)"

Item = dict[str, Any]


class SessionStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    # --- sign-in links ---

    def put_link(self, link: SignInLink) -> None:
        expires = _epoch(link.expires_at)
        item = _key(f"link#{link.digest}") | {
            "address_key": {"S": link.address_key},
            "language": {"S": link.language},
            "next_path": {"S": link.next_path},
            "created_at": {"S": _moment(link.created_at)},
            "expires_at": expires,
        }
        latest = _key(f"person#{link.address_key}") | {"latest_link": {"S": link.digest}, "expires_at": expires}
        try:
            self._client.transact_write_items(
                TransactItems=[{"Put": {"TableName": self._table, "Item": i}} for i in (item, latest)]
            )
        except AWS_ERRORS as error:
            raise store_error(error, "keeping a sign-in link") from error

    def link(self, digest: str) -> SignInLink | None:
        item = self._get(f"link#{digest}", "reading a sign-in link")
        if item is None:
            return None
        latest = self._get(f"person#{item['address_key']['S']}", "reading a sign-in link")
        if latest is None or latest.get("latest_link", {}).get("S") != digest:
            return None  # spent, or replaced by a newer one
        return SignInLink(
            digest=digest,
            address_key=item["address_key"]["S"],
            language=item["language"]["S"],
            next_path=item["next_path"]["S"],
            created_at=datetime.fromisoformat(item["created_at"]["S"]),
            expires_at=_from_epoch(item["expires_at"]),
        )

    def open_session(self, link: SignInLink, session: Session) -> bool:
        """The link is spent (the person's latest no more) and the session opened in one transaction."""
        spend = {
            "TableName": self._table,
            "Key": _key(f"person#{link.address_key}"),
            "UpdateExpression": "REMOVE latest_link",
            "ConditionExpression": "latest_link = :digest",
            "ExpressionAttributeValues": {":digest": {"S": link.digest}},
        }
        opened = {
            "TableName": self._table,
            "Item": _session_item(session),
            "ConditionExpression": "attribute_not_exists(id)",
        }
        try:
            actions: list[Any] = [{"Update": spend}, {"Put": opened}]
            self._client.transact_write_items(TransactItems=actions)
        except AWS_ERRORS as error:
            if error_code(error) == "TransactionCanceledException":
                return False
            raise store_error(error, "opening a session") from error
        return True

    # --- sessions ---

    def session(self, key: str) -> Session | None:
        item = self._get(f"session#{key}", "reading a session")
        return _session(item) if item else None

    def touch(self, session: Session, now: datetime) -> None:
        seen = replace(session, last_seen_at=now)
        self._update(
            session.key,
            "SET last_seen_at = :now, expires_at = :expires",
            {":now": {"S": _moment(now)}, ":expires": _epoch(seen.expires_at)},
            "recording a session's request",
        )

    def choose(self, key: str, chosen: Chosen) -> None:
        values = {":role": {"S": chosen.role}, ":item": {"S": chosen.item_id}}
        self._update(key, "SET chosen_role = :role, chosen_item = :item", values, "choosing a role")

    def end(self, key: str, now: datetime) -> bool:
        values = {":now": {"S": _moment(now)}, ":expires": _epoch(now)}
        return self._update(key, "SET ended_at = :now, expires_at = :expires", values, "ending a session")

    def sessions_of(self, address_key: str) -> list[Session]:
        found = query_all(
            self._client,
            "reading a person's sessions",
            TableName=self._table,
            IndexName=PERSON_INDEX,
            KeyConditionExpression="person_key = :key",
            ExpressionAttributeValues={":key": {"S": address_key}},
        )
        return [_session(item) for item in found]

    # --- plumbing ---

    def _get(self, item_id: str, action: str) -> Item | None:
        try:
            answer = self._client.get_item(TableName=self._table, Key=_key(item_id), ConsistentRead=True)
        except AWS_ERRORS as error:
            raise store_error(error, action) from error
        return answer.get("Item")

    def _update(self, key: str, expression: str, values: Item, action: str) -> bool:
        """Update an open session; False when it is gone or ended."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_key(f"session#{key}"),
                UpdateExpression=expression,
                ConditionExpression=_OPEN,
                ExpressionAttributeValues=values,
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return False
            raise store_error(error, action) from error
        return True


def _session_item(session: Session) -> Item:
    item = _key(f"session#{session.key}") | {
        "person_key": {"S": session.address_key},
        "grants": {"S": json.dumps([_grant_json(g) for g in session.grants], ensure_ascii=False)},
        "csrf_token": {"S": session.csrf_token},
        "created_at": {"S": _moment(session.created_at)},
        "last_seen_at": {"S": _moment(session.last_seen_at)},
        "language": {"S": session.language},
        "network": {"S": session.network},
        "expires_at": _epoch(session.expires_at),
    }
    if session.chosen:
        item |= {"chosen_role": {"S": session.chosen.role}, "chosen_item": {"S": session.chosen.item_id}}
    return item


def _session(item: Item) -> Session:
    text = {name: value["S"] for name, value in item.items() if "S" in value}
    chosen = Chosen(Role(text["chosen_role"]), text["chosen_item"]) if "chosen_role" in text else None
    return Session(
        key=text["id"].removeprefix("session#"),
        address_key=text["person_key"],
        grants=tuple(_grant(g) for g in json.loads(text["grants"])),
        csrf_token=text["csrf_token"],
        created_at=datetime.fromisoformat(text["created_at"]),
        last_seen_at=datetime.fromisoformat(text["last_seen_at"]),
        language=text["language"],
        network=text.get("network", ""),
        chosen=chosen,
        ended_at=datetime.fromisoformat(text["ended_at"]) if "ended_at" in text else None,
    )


def _grant_json(grant: RoleGrant) -> dict[str, Any]:
    return {"role": grant.role, "item_id": grant.item_id, "label": grant.label, "regions": list(grant.regions)}


def _grant(raw: dict[str, Any]) -> RoleGrant:
    return RoleGrant(Role(raw["role"]), raw["item_id"], raw["label"], tuple(raw["regions"]))


def _key(item_id: str) -> Item:
    return {"id": {"S": item_id}}


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _epoch(value: datetime) -> dict[str, str]:
    return {"N": str(int(value.timestamp()))}


def _from_epoch(value: dict[str, str]) -> datetime:
    return datetime.fromtimestamp(int(value["N"]), UTC)
