"""The Enterprises table: each enterprise (with its subscribers) and its alert profiles.

Items: (enterprise_id, "enterprise") and (enterprise_id, "profile#<id>"), plus one catalogue item whose
`version` goes up whenever a profile changes, so each matcher container knows to rebuild its index;
and (enterprise_id, "manager#<address key>") for each subscriber who may manage the enterprise's space,
indexed by `by_manager` (sign-in finds a person's enterprises without reading the others).
The enterprises' own changes to a profile (esja.enterprise_space.profiles) are written with the catalogue's
version in one transaction, each only over the profile as it was read (its `data`, compared by DynamoDB).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from esja.enterprise_space.profile_store import StoredProfile
from esja.matching.enterprise_book import SaveSummary
from esja.model import Category, Consent, Enterprise, Profile, Subscriber
from esja.store.batches import Batches
from esja.store.errors import AWS_ERRORS, cancelled_by_condition, store_error
from esja.store.queries import query_all

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from esja.people.keys import AddressKeys

CATALOGUE = {"enterprise_id": {"S": "_catalogue"}, "item": {"S": "version"}}
_NEXT_VERSION: dict[str, Any] = {
    "Key": CATALOGUE,
    "UpdateExpression": "ADD version :one",
    "ExpressionAttributeValues": {":one": {"N": "1"}},
}
MANAGER = "manager#"
MANAGER_INDEX = "by_manager"


class EnterpriseStore:
    def __init__(self, table_name: str, client: DynamoDBClient, *, address_keys: AddressKeys | None = None) -> None:
        """`address_keys`: what keys the manager index; needed to save enterprises that have subscribers."""
        self._table = table_name
        self._client = client
        self._keys = address_keys
        self._batches = Batches(table_name, client)

    def save(self, enterprises: Sequence[Enterprise], profiles: Sequence[Profile]) -> SaveSummary:
        """Make the table hold exactly these enterprises and, for them, exactly these profiles.

        Idempotent: items whose content is already stored are not written again, and the catalogue
        version moves only when something changed.
        """
        wanted = {("enterprise", e.id): enterprise_json(e) for e in enterprises}
        wanted |= {(f"profile#{p.id}", p.enterprise_id): profile_json(p) for p in profiles}
        managers = {(f"{MANAGER}{key}", e.id): "{}" for e in enterprises for key in self._manager_keys(e)}
        stored = {key: data for e in enterprises for key, data in self._items_of(e.id).items()}
        writes = {key: data for key, data in (wanted | managers).items() if stored.get(key) != data}
        removed = [key for key in stored if key not in wanted | managers and key[0].startswith(("profile#", MANAGER))]
        try:
            for (item, enterprise_id), data in writes.items():
                self._client.put_item(TableName=self._table, Item=_item(enterprise_id, item, data))
            for item, enterprise_id in removed:
                key = {"enterprise_id": {"S": enterprise_id}, "item": {"S": item}}
                self._client.delete_item(TableName=self._table, Key=key)
            # The manager index mirrors the enterprise items: it counts in none of the figures.
            changed = [key for key in writes if key in wanted]
            summary = SaveSummary(
                enterprises_changed=sum(1 for key in changed if key[0] == "enterprise"),
                profiles_changed=sum(1 for key in changed if key[0] != "enterprise"),
                profiles_removed=sum(1 for key in removed if key[0].startswith("profile#")),
                unchanged=len(wanted) - len(changed),
            )
            if summary.changed:
                self._next_version()
        except AWS_ERRORS as error:
            raise store_error(error, "saving enterprises") from error
        return summary

    def remove(self, enterprise_ids: Collection[str]) -> int:
        """Delete these enterprises with their profiles; the number of items deleted."""
        keys = [
            {"enterprise_id": {"S": enterprise_id}, "item": {"S": item}}
            for enterprise_id in enterprise_ids
            for item, _ in self._items_of(enterprise_id)
        ]
        self._batches.delete(keys, "removing enterprises")
        if keys:
            try:
                self._next_version()
            except AWS_ERRORS as error:
                raise store_error(error, "removing enterprises") from error
        return len(keys)

    def _next_version(self) -> None:
        """The profiles changed: each matcher rebuilds its index."""
        self._client.update_item(TableName=self._table, **_NEXT_VERSION)

    def enterprise(self, enterprise_id: str) -> Enterprise | None:
        try:
            item = self._client.get_item(
                TableName=self._table,
                Key={"enterprise_id": {"S": enterprise_id}, "item": {"S": "enterprise"}},
                ConsistentRead=True,
            ).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading an enterprise") from error
        return enterprise_from_json(item["data"]["S"]) if item else None

    def profiles_of(self, enterprise_id: str) -> list[Profile]:
        found = self._items_of(enterprise_id)
        return sorted(
            (profile_from_json(data) for (item, _), data in found.items() if item.startswith("profile#")),
            key=lambda p: p.id,
        )

    def managed_by(self, address_key: str) -> list[str]:
        """Ids of the enterprises whose space this address manages (the index lags writes by a second)."""
        found = query_all(
            self._client,
            "finding a manager's enterprises",
            TableName=self._table,
            IndexName=MANAGER_INDEX,
            KeyConditionExpression="manager_key = :key",
            ExpressionAttributeValues={":key": {"S": address_key}},
        )
        return sorted({item["enterprise_id"]["S"] for item in found})

    def _manager_keys(self, enterprise: Enterprise) -> list[str]:
        if not enterprise.managers:
            return []
        if self._keys is None:
            raise TypeError("EnterpriseStore needs address_keys to save enterprises with subscribers")
        return sorted({self._keys(s.email) for s in enterprise.managers})

    def version(self) -> int:
        try:
            item = self._client.get_item(TableName=self._table, Key=CATALOGUE, ConsistentRead=True).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading the profiles' version") from error
        return int(item["version"]["N"]) if item else 0

    def load(self) -> tuple[list[Enterprise], list[Profile]]:
        enterprises: list[Enterprise] = []
        profiles: list[Profile] = []
        try:
            for page in self._client.get_paginator("scan").paginate(TableName=self._table):
                for item in page["Items"]:
                    kind, data = item["item"]["S"], item.get("data", {}).get("S")
                    if data and kind == "enterprise":
                        enterprises.append(enterprise_from_json(data))
                    elif data and kind.startswith("profile#"):
                        profiles.append(profile_from_json(data))
        except AWS_ERRORS as error:
            raise store_error(error, "reading enterprises") from error
        return sorted(enterprises, key=lambda e: e.id), sorted(profiles, key=lambda p: (p.enterprise_id, p.id))

    def all_enterprises(self) -> list[Enterprise]:
        """Every enterprise, without its profiles: a Scan that returns only the enterprises' items (the console's
        lists of a region's enterprises; a few hundred items, read when an organizer opens such a list)."""
        try:
            pages = self._client.get_paginator("scan").paginate(
                TableName=self._table,
                FilterExpression="#item = :enterprise",
                ProjectionExpression="#data",
                ExpressionAttributeNames={"#item": "item", "#data": "data"},
                ExpressionAttributeValues={":enterprise": {"S": "enterprise"}},
            )
            found = [enterprise_from_json(item["data"]["S"]) for page in pages for item in page["Items"]]
        except AWS_ERRORS as error:
            raise store_error(error, "reading the enterprises") from error
        return sorted(found, key=lambda e: e.id)

    def stored_profiles(self, enterprise_id: str) -> list[StoredProfile]:
        items = self._items_of(enterprise_id)
        found = [_stored(data) for (item, _), data in items.items() if item.startswith("profile#")]
        return sorted(found, key=lambda s: s.profile.id)

    def add(self, profile: Profile) -> StoredProfile | None:
        data = profile_json(profile)
        enterprise = {"enterprise_id": {"S": profile.enterprise_id}, "item": {"S": "enterprise"}}
        written = self._transact(
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _item(profile.enterprise_id, f"profile#{profile.id}", data),
                    "ConditionExpression": "attribute_not_exists(enterprise_id)",
                }
            },
            # Never a profile of an enterprise that is no more (removed while its page was open).
            {
                "ConditionCheck": {
                    "TableName": self._table,
                    "Key": enterprise,
                    "ConditionExpression": "attribute_exists(enterprise_id)",
                }
            },
            action="adding a profile",
        )
        return _stored(data) if written else None

    def replace(self, profile: Profile, version: str) -> StoredProfile | None:
        stored = self._profile_data(profile.enterprise_id, profile.id)
        if stored is None or _version(stored) != version:
            return None
        data = profile_json(profile)
        put = {
            "TableName": self._table,
            "Item": _item(profile.enterprise_id, f"profile#{profile.id}", data),
            "ConditionExpression": "#d = :read",
            "ExpressionAttributeNames": {"#d": "data"},
            "ExpressionAttributeValues": {":read": {"S": stored}},
        }
        return _stored(data) if self._transact({"Put": put}, action="changing a profile") else None

    def remove_profile(self, enterprise_id: str, profile_id: str, version: str) -> bool:
        stored = self._profile_data(enterprise_id, profile_id)
        if stored is None or _version(stored) != version:
            return False
        delete = {
            "TableName": self._table,
            "Key": {"enterprise_id": {"S": enterprise_id}, "item": {"S": f"profile#{profile_id}"}},
            "ConditionExpression": "#d = :read",
            "ExpressionAttributeNames": {"#d": "data"},
            "ExpressionAttributeValues": {":read": {"S": stored}},
        }
        return self._transact({"Delete": delete}, action="deleting a profile")

    def _profile_data(self, enterprise_id: str, profile_id: str) -> str | None:
        key = {"enterprise_id": {"S": enterprise_id}, "item": {"S": f"profile#{profile_id}"}}
        try:
            item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading a profile") from error
        return item["data"]["S"] if item else None

    def _transact(self, *writes: dict[str, Any], action: str) -> bool:
        """The writes and the catalogue's next version, all or none; False when a condition failed."""
        items = [*writes, {"Update": {"TableName": self._table, **_NEXT_VERSION}}]
        try:
            self._client.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
        except AWS_ERRORS as error:
            if cancelled_by_condition(error):
                return False
            raise store_error(error, action) from error
        return True

    def _items_of(self, enterprise_id: str) -> dict[tuple[str, str], str]:
        try:
            answer = self._client.query(
                TableName=self._table,
                KeyConditionExpression="enterprise_id = :id",
                ExpressionAttributeValues={":id": {"S": enterprise_id}},
                ConsistentRead=True,
            )
        except AWS_ERRORS as error:
            raise store_error(error, "reading an enterprise") from error
        return {(item["item"]["S"], enterprise_id): item["data"]["S"] for item in answer["Items"]}


def _version(data: str) -> str:
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def _stored(data: str) -> StoredProfile:
    return StoredProfile(profile_from_json(data), _version(data))


def _item(enterprise_id: str, item: str, data: str) -> dict[str, Any]:
    stored = {"enterprise_id": {"S": enterprise_id}, "item": {"S": item}, "data": {"S": data}}
    if item.startswith(MANAGER):
        stored["manager_key"] = {"S": item.removeprefix(MANAGER)}
    return stored


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def enterprise_json(enterprise: Enterprise) -> str:
    return _dumps(
        {
            "id": enterprise.id,
            "name": enterprise.name,
            "neq": enterprise.neq,
            "legal_form": enterprise.legal_form,
            "regions_served": list(enterprise.regions_served),
            "subscribers": [
                {
                    "email": s.email,
                    "name": s.name,
                    "language": s.language,
                    "frequency": s.frequency,
                    "consent": {
                        "at": s.consent.at.isoformat(),
                        "how": s.consent.how,
                        "wording_version": s.consent.wording_version,
                    },
                }
                # Only when set: the items stored before the column existed read the same.
                | ({"manages_space": True} if s.manages_space else {})
                for s in enterprise.subscribers
            ],
        }
    )


def enterprise_from_json(data: str) -> Enterprise:
    raw = json.loads(data)
    return Enterprise(
        id=raw["id"],
        name=raw["name"],
        neq=raw.get("neq"),
        legal_form=raw.get("legal_form", "other"),
        regions_served=tuple(raw.get("regions_served", ())),
        subscribers=tuple(
            Subscriber(
                email=s["email"],
                name=s["name"],
                language=s["language"],
                frequency=s["frequency"],
                consent=Consent(
                    datetime.fromisoformat(s["consent"]["at"]), s["consent"]["how"], s["consent"]["wording_version"]
                ),
                manages_space=s.get("manages_space", False),
            )
            for s in raw.get("subscribers", ())
        ),
    )


def profile_json(profile: Profile) -> str:
    return _dumps(
        {
            "enterprise_id": profile.enterprise_id,
            "id": profile.id,
            "name": profile.name,
            "unspsc": list(profile.unspsc),
            "keywords": list(profile.keywords),
            "excluded": list(profile.excluded),
            "regions": list(profile.regions),
            "categories": [c.value for c in profile.categories],
            "min_value": _decimal_text(profile.min_value),
            "max_value": _decimal_text(profile.max_value),
            "buyers_allow": list(profile.buyers_allow),
            "buyers_deny": list(profile.buyers_deny),
            "active": profile.active,
        }
    )


def profile_from_json(data: str) -> Profile:
    raw = json.loads(data)
    return Profile(
        enterprise_id=raw["enterprise_id"],
        id=raw["id"],
        name=raw.get("name", ""),
        unspsc=tuple(raw.get("unspsc", ())),
        keywords=tuple(raw.get("keywords", ())),
        excluded=tuple(raw.get("excluded", ())),
        regions=tuple(raw.get("regions", ())),
        categories=tuple(Category(c) for c in raw.get("categories", ())),
        min_value=_decimal(raw.get("min_value")),
        max_value=_decimal(raw.get("max_value")),
        buyers_allow=tuple(raw.get("buyers_allow", ())),
        buyers_deny=tuple(raw.get("buyers_deny", ())),
        active=raw.get("active", True),
    )


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
