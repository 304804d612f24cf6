"""The Subscriptions table: what each subscribed address chose, proved and suffered — never the address.

Partition `address#<address key>` (esja.people.keys: a keyed hash, never the address):
  state#subscriber    the opaque subscriber id the links carry, and the listing (enterprises, profiles,
                      the import's defaults and consents) the preferences page shows
  state#preferences   the subscriber's own choices (frequency, language, reminders, pause, profiles off)
  state#unsubscribed  written once, on the first unsubscribe
  state#suppressed    written once, on the first hard bounce or complaint (SES events)
  send#<period>       one alert per period (esja.store.send_records)
  log#<when>#<kind>…  append-only proof: consents (from the import), unsubscribes, preference changes
Partition `subscriber#<id>`, item `address`: from a link's subscriber id back to the address key.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from esja.alerts.model import (
    ConsentRecord,
    ConsentRef,
    Listing,
    Preferences,
    ProfileRef,
    SubscriberState,
    SuppressionReason,
)
from esja.model import Consent
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class AlreadyRegistered(Exception):
    """Another run registered the address first; its id wins."""


class SubscriptionStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    # --- state of an address ---

    def state(self, address_key: str) -> SubscriberState:
        try:
            answer = self._client.query(
                TableName=self._table,
                KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
                ExpressionAttributeValues={":p": {"S": _pk(address_key)}, ":s": {"S": "state#"}},
                ConsistentRead=True,
            )
        except AWS_ERRORS as error:
            raise store_error(error, "reading a subscriber") from error
        items = {item["sk"]["S"]: item for item in answer["Items"]}
        subscriber = items.get("state#subscriber")
        preferences = items.get("state#preferences")
        unsubscribed = items.get("state#unsubscribed")
        suppressed = items.get("state#suppressed")
        return SubscriberState(
            subscriber_id=subscriber["subscriber_id"]["S"] if subscriber else None,
            listing=listing_from_json(subscriber["listing"]["S"]) if subscriber else None,
            preferences=preferences_from_json(preferences["preferences"]["S"]) if preferences else None,
            unsubscribed_at=datetime.fromisoformat(unsubscribed["at"]["S"]) if unsubscribed else None,
            suppressed=cast("SuppressionReason", suppressed["reason"]["S"]) if suppressed else None,
        )

    def address_of(self, subscriber_id: str) -> str | None:
        """The address key behind a link's subscriber id, None if the id is unknown."""
        try:
            item = self._client.get_item(
                TableName=self._table,
                Key={"pk": {"S": f"subscriber#{subscriber_id}"}, "sk": {"S": "address"}},
                ConsistentRead=True,
            ).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading a subscriber id") from error
        return item["address_key"]["S"] if item else None

    def enrol(self, address_key: str, listing: Listing, now: datetime) -> SubscriberState:
        """The address's state, registered on first sight (an opaque id, its consents logged) and its
        listing kept as imported; new consents are appended to the log."""
        state = self.state(address_key)
        if state.subscriber_id is None:
            try:
                self._register(address_key, listing, now)
            except AlreadyRegistered:
                return self.enrol(address_key, listing, now)
            return self.state(address_key)
        if state.listing != listing:
            known = set(state.listing.consents) if state.listing else set()
            for consent in listing.consents:
                if consent not in known:
                    self._append_once(_consent_log(address_key, consent, now))
            self._update(
                address_key,
                "state#subscriber",
                "SET listing = :l, updated_at = :now",
                {":l": {"S": listing_json(listing)}, ":now": {"S": now.isoformat()}},
            )
            return SubscriberState(
                state.subscriber_id, listing, state.preferences, state.unsubscribed_at, state.suppressed
            )
        return state

    def _register(self, address_key: str, listing: Listing, now: datetime) -> None:
        subscriber_id = secrets.token_urlsafe(16)
        not_there = "attribute_not_exists(pk)"
        actions: list[Any] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        "pk": {"S": _pk(address_key)},
                        "sk": {"S": "state#subscriber"},
                        "subscriber_id": {"S": subscriber_id},
                        "registered_at": {"S": now.isoformat()},
                        "updated_at": {"S": now.isoformat()},
                        "listing": {"S": listing_json(listing)},
                    },
                    "ConditionExpression": not_there,
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        "pk": {"S": f"subscriber#{subscriber_id}"},
                        "sk": {"S": "address"},
                        "address_key": {"S": address_key},
                    },
                    "ConditionExpression": not_there,
                }
            },
        ]
        actions += [
            {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": not_there}}
            for item in {
                log["sk"]["S"]: log for log in (_consent_log(address_key, c, now) for c in listing.consents)
            }.values()
        ]
        try:
            self._client.transact_write_items(TransactItems=actions)
        except AWS_ERRORS as error:
            if error_code(error) == "TransactionCanceledException":
                raise AlreadyRegistered from error
            raise store_error(error, "registering a subscriber") from error

    # --- what the subscriber decides ---

    def unsubscribe(self, address_key: str, *, how: str, wording_version: str, language: str, now: datetime) -> bool:
        """True if this unsubscribed the address; False if it already was (nothing written then)."""
        state = {"pk": {"S": _pk(address_key)}, "sk": {"S": "state#unsubscribed"}}
        state |= {"at": {"S": now.isoformat()}, "how": {"S": how}}
        log = _log(
            address_key, "unsubscribe", at=now, how=how, wording_version=wording_version, details={"language": language}
        )
        return self._transact_puts([state, log], "unsubscribing")

    def save_preferences(
        self, address_key: str, preferences: Preferences, *, how: str, wording_version: str, now: datetime
    ) -> None:
        state = {
            "pk": {"S": _pk(address_key)},
            "sk": {"S": "state#preferences"},
            "preferences": {"S": preferences_json(preferences)},
            "updated_at": {"S": now.isoformat()},
        }
        details = json.loads(preferences_json(preferences))
        log = _log(address_key, "preferences", at=now, how=how, wording_version=wording_version, details=details)
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": self._table, "Item": state}},
                    {"Put": {"TableName": self._table, "Item": log, "ConditionExpression": "attribute_not_exists(pk)"}},
                ]
            )
        except AWS_ERRORS as error:
            raise store_error(error, "saving preferences") from error

    def history(self, address_key: str) -> list[ConsentRecord]:
        """The append-only log, oldest first: the proof of consent and of every change."""
        try:
            pages = self._client.get_paginator("query").paginate(
                TableName=self._table,
                KeyConditionExpression="pk = :p AND begins_with(sk, :l)",
                ExpressionAttributeValues={":p": {"S": _pk(address_key)}, ":l": {"S": "log#"}},
                ConsistentRead=True,
            )
            return [_record(item) for page in pages for item in page["Items"]]
        except AWS_ERRORS as error:
            raise store_error(error, "reading the consent log") from error

    # --- what SES reports ---

    def suppress(
        self, address_key: str, *, reason: SuppressionReason, detail: str, event_id: str, at: datetime
    ) -> bool:
        """Stop every alert to the address; True the first time. The same event twice changes nothing."""
        item: dict[str, Any] = {
            "pk": {"S": _pk(address_key)},
            "sk": {"S": "state#suppressed"},
            "reason": {"S": reason},
            "detail": {"S": detail},
            "event_id": {"S": event_id},
            "at": {"S": at.isoformat()},
        }
        try:
            self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return False
            raise store_error(error, "suppressing an address") from error
        return True

    # --- moving to the keyed hash (esja.people.rekey; the command line only) ---

    def rekey(self, old_key: str, new_key: str) -> int:
        """Move an address's items from `old_key` to `new_key`: copied where absent, the subscriber id's
        pointer moved, then the old items deleted — a run stopped anywhere is resumed by the next."""
        try:
            pages = self._client.get_paginator("query").paginate(
                TableName=self._table,
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": _pk(old_key)}},
                ConsistentRead=True,
            )
            items = [item for page in pages for item in page["Items"]]
            for item in items:
                self._append_once(item | {"pk": {"S": _pk(new_key)}})
                if item["sk"]["S"] == "state#subscriber":
                    self._client.put_item(
                        TableName=self._table,
                        Item={
                            "pk": {"S": f"subscriber#{item['subscriber_id']['S']}"},
                            "sk": {"S": "address"},
                            "address_key": {"S": new_key},
                        },
                    )
            for item in items:
                self._client.delete_item(TableName=self._table, Key={"pk": item["pk"], "sk": item["sk"]})
        except AWS_ERRORS as error:
            raise store_error(error, "moving a subscriber to its new key") from error
        return len(items)

    def address_partitions(self) -> set[str]:
        """The address keys that have items (a Scan of the keys)."""
        try:
            pages = self._client.get_paginator("scan").paginate(TableName=self._table, ProjectionExpression="pk")
            return {
                item["pk"]["S"].removeprefix("address#")
                for page in pages
                for item in page["Items"]
                if item["pk"]["S"].startswith("address#")
            }
        except AWS_ERRORS as error:
            raise store_error(error, "listing the subscribers' keys") from error

    # --- plumbing ---

    def _update(
        self,
        address_key: str,
        sk: str,
        expression: str,
        values: dict[str, Any],
        *,
        names: dict[str, str] | None = None,
    ) -> None:
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"pk": {"S": _pk(address_key)}, "sk": {"S": sk}},
                UpdateExpression=expression,
                ExpressionAttributeValues=values,
                **({"ExpressionAttributeNames": names} if names else {}),  # type: ignore[arg-type]
            )
        except AWS_ERRORS as error:
            raise store_error(error, f"updating {sk.split('#', maxsplit=1)[0]}") from error

    def _append_once(self, item: dict[str, Any]) -> bool:
        try:
            self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return False
            raise store_error(error, "appending to the consent log") from error
        return True

    def _transact_puts(self, items: list[dict[str, Any]], action: str) -> bool:
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
                    for item in items
                ]
            )
        except AWS_ERRORS as error:
            if error_code(error) == "TransactionCanceledException":
                return False
            raise store_error(error, action) from error
        return True


def _pk(address_key: str) -> str:
    return f"address#{address_key}"


def _log(
    address_key: str, kind: str, *, at: datetime, how: str, wording_version: str, details: dict[str, Any]
) -> dict[str, Any]:
    return {
        "pk": {"S": _pk(address_key)},
        "sk": {"S": f"log#{at.isoformat()}#{kind}#{secrets.token_hex(4)}"},
        "kind": {"S": kind},
        "at": {"S": at.isoformat()},
        "how": {"S": how},
        "wording_version": {"S": wording_version},
        "details": {"S": json.dumps(details, ensure_ascii=False, sort_keys=True)},
    }


def _consent_log(address_key: str, consent: ConsentRef, recorded_at: datetime) -> dict[str, Any]:
    """A consent from the import, keyed by its own time and enterprise: logging it twice writes it once."""
    given = consent.consent
    details = {"enterprise_id": consent.enterprise_id}
    item = _log(
        address_key, "consent", at=given.at, how=given.how, wording_version=given.wording_version, details=details
    )
    item["sk"] = {"S": f"log#{given.at.isoformat()}#consent#{consent.enterprise_id}#{given.wording_version}"}
    item["recorded_at"] = {"S": recorded_at.isoformat()}
    return item


def _record(item: dict[str, Any]) -> ConsentRecord:
    return ConsentRecord(
        kind=item["kind"]["S"],
        at=datetime.fromisoformat(item["at"]["S"]),
        how=item["how"]["S"],
        wording_version=item["wording_version"]["S"],
        details=json.loads(item["details"]["S"]),
    )


def preferences_json(preferences: Preferences) -> str:
    return json.dumps(
        {
            "frequency": preferences.frequency,
            "language": preferences.language,
            "reminders": preferences.reminders,
            "paused": preferences.paused,
            "profiles_off": sorted(preferences.profiles_off),
        },
        sort_keys=True,
    )


def preferences_from_json(data: str) -> Preferences:
    raw = json.loads(data)
    return Preferences(
        frequency=raw["frequency"],
        language=raw["language"],
        reminders=raw.get("reminders", True),
        paused=raw.get("paused", False),
        profiles_off=frozenset(raw.get("profiles_off", ())),
    )


def listing_json(listing: Listing) -> str:
    return json.dumps(
        {
            "enterprises": [list(e) for e in listing.enterprises],
            "profiles": [[p.enterprise_id, p.profile_id, p.name] for p in listing.profiles],
            "defaults": json.loads(preferences_json(listing.defaults)),
            "consents": [
                [c.enterprise_id, c.consent.at.isoformat(), c.consent.how, c.consent.wording_version]
                for c in listing.consents
            ],
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def listing_from_json(data: str) -> Listing:
    raw = json.loads(data)
    return Listing(
        enterprises=tuple((e[0], e[1]) for e in raw["enterprises"]),
        profiles=tuple(ProfileRef(*p) for p in raw["profiles"]),
        defaults=preferences_from_json(json.dumps(raw["defaults"])),
        consents=tuple(ConsentRef(c[0], Consent(datetime.fromisoformat(c[1]), c[2], c[3])) for c in raw["consents"]),
    )
