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
from datetime import UTC, datetime
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
from esja.store.batches import Batches
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error
from esja.store.queries import query_all
from esja.store.writes import put_once

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


# What an address nothing subscribes any more loses at once, and what it keeps as evidence for a while.
_FORGOTTEN = ("state#subscriber", "state#preferences", "send#")
_EVIDENCE = ("log#", "state#unsubscribed", "state#suppressed")


class AlreadyRegistered(Exception):
    """Another run registered the address first; its id wins."""


class SubscriptionStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client
        self._batches = Batches(table_name, client)

    # --- state of an address ---

    def state(self, address_key: str) -> SubscriberState:
        items = {item["sk"]["S"]: item for item in self._items(address_key, "state#")}
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
                    self._log_consent(address_key, consent, now)
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
            {"Update": {"TableName": self._table, **update}}
            for update in {
                u["Key"]["sk"]["S"]: u for u in (_consent_update(address_key, c, now) for c in listing.consents)
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
        return [_record(item) for item in self._items(address_key, "log#")]

    # --- when an enterprise leaves (esja.enterprises.removal) ---

    def leave(self, address_key: str, enterprise_id: str, listing: Listing, *, purge_at: datetime) -> None:
        """Another enterprise still subscribes the address: this one leaves its listing (`listing` is what
        remains) and its preferences, and the consents given for it are kept until `purge_at`."""
        state = self.state(address_key)
        if state.listing is not None and state.listing != listing:
            self._update(address_key, "state#subscriber", "SET listing = :l", {":l": {"S": listing_json(listing)}})
        if state.preferences is not None and state.preferences != (kept := state.preferences.without(enterprise_id)):
            preferences = {":p": {"S": preferences_json(kept)}}
            self._update(address_key, "state#preferences", "SET preferences = :p", preferences)
        for item in self._items(address_key, "log#"):
            if (
                item["kind"]["S"] == "consent"
                and json.loads(item["details"]["S"]).get("enterprise_id") == enterprise_id
            ):
                self._expire(item, purge_at)

    def forget(self, address_key: str, *, purge_at: datetime) -> None:
        """Nothing subscribes the address any more: what it chose and was sent goes (listing, preferences,
        the id its links carry, send records); the proof of its consents, of its unsubscribe and of its
        suppression is kept until `purge_at`."""
        items = self._items(address_key)
        for item in items:
            if item["sk"]["S"] == "state#subscriber":  # its links stop working first
                link = {"pk": {"S": f"subscriber#{item['subscriber_id']['S']}"}, "sk": {"S": "address"}}
                self._batches.delete([link], "forgetting a subscriber")
        gone = [item for item in items if item["sk"]["S"].startswith(_FORGOTTEN)]
        self._batches.delete([{"pk": item["pk"], "sk": item["sk"]} for item in gone], "forgetting a subscriber")
        for item in items:
            if item["sk"]["S"].startswith(_EVIDENCE):
                self._expire(item, purge_at)

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
        return put_once(self._client, self._table, item, key="pk", action="suppressing an address")

    # --- moving to the keyed hash (esja.people.rekey; the command line only) ---

    def rekey(self, old_key: str, new_key: str) -> int:
        """Move an address's items from `old_key` to `new_key`: copied where absent, the subscriber id's
        pointer moved, then the old items deleted — a run stopped anywhere is resumed by the next."""
        items = self._items(old_key)
        try:
            for item in items:
                moved = item | {"pk": {"S": _pk(new_key)}}
                put_once(self._client, self._table, moved, key="pk", action="moving a subscriber to its new key")
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

    def _items(self, address_key: str, prefix: str | None = None) -> list[dict[str, Any]]:
        """The address's items, or those whose sort key starts with `prefix`."""
        condition, values = "pk = :p", {":p": {"S": _pk(address_key)}}
        if prefix:
            condition, values = f"{condition} AND begins_with(sk, :s)", values | {":s": {"S": prefix}}
        return query_all(
            self._client,
            "reading a subscriber's records",
            TableName=self._table,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            ConsistentRead=True,
        )

    def _expire(self, item: dict[str, Any], at: datetime) -> None:
        """The table's TTL deletes the item at `at`, or at the earlier time already set."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"pk": item["pk"], "sk": item["sk"]},
                UpdateExpression="SET expires_at = if_not_exists(expires_at, :at)",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":at": {"N": str(int(at.timestamp()))}},
            )
        except AWS_ERRORS as error:
            if error_code(error) != CONDITION_FAILED:
                raise store_error(error, "setting a record's expiry") from error

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

    def _log_consent(self, address_key: str, consent: ConsentRef, now: datetime) -> None:
        try:
            self._client.update_item(TableName=self._table, **_consent_update(address_key, consent, now))
        except AWS_ERRORS as error:
            raise store_error(error, "appending to the consent log") from error

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


def _consent_update(address_key: str, consent: ConsentRef, recorded_at: datetime) -> dict[str, Any]:
    """A consent from the import, keyed by its own time and enterprise: logging it twice writes it once (the
    first record's time kept). Logged again while its enterprise is back, its record is kept again: a record
    set to expire when the relationship ended is needed as long as the new one lasts."""
    given = consent.consent
    item = _log(
        address_key,
        "consent",
        at=given.at,
        how=given.how,
        wording_version=given.wording_version,
        details={"enterprise_id": consent.enterprise_id},
    )
    fields = {name: value for name, value in item.items() if name not in ("pk", "sk")}
    return {
        "Key": {
            "pk": item["pk"],
            "sk": {"S": f"log#{given.at.isoformat()}#consent#{consent.enterprise_id}#{given.wording_version}"},
        },
        "UpdateExpression": "SET "
        + ", ".join(f"#{name} = :{name}" for name in fields)
        + ", recorded_at = if_not_exists(recorded_at, :recorded_at) REMOVE expires_at",
        "ExpressionAttributeNames": {f"#{name}": name for name in fields},
        "ExpressionAttributeValues": {f":{name}": value for name, value in fields.items()}
        | {":recorded_at": {"S": recorded_at.isoformat()}},
    }


def _record(item: dict[str, Any]) -> ConsentRecord:
    return ConsentRecord(
        kind=item["kind"]["S"],
        at=datetime.fromisoformat(item["at"]["S"]),
        how=item["how"]["S"],
        wording_version=item["wording_version"]["S"],
        details=json.loads(item["details"]["S"]),
        expires_at=datetime.fromtimestamp(int(item["expires_at"]["N"]), UTC) if "expires_at" in item else None,
    )


def preferences_json(preferences: Preferences) -> str:
    return json.dumps(
        {
            "frequency": preferences.frequency,
            "language": preferences.language,
            "reminders": preferences.reminders,
            "paused": preferences.paused,
            "profiles_off": sorted(preferences.profiles_off),
            "invitations_at_once": preferences.invitations_at_once,
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
        invitations_at_once=raw.get("invitations_at_once", True),
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
