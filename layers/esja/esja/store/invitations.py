"""The Invitations table: one item per signatory's invitation, written together with its tender.

Item: `invitation_id`; `institution_key` (the by_institution index: an institution's own), `feed` (the
`published` index: every invitation for the OCDS package, by the time of its latest version), `version`
(each write is conditional on the one read), `invitation` (the record as JSON), `to_announce` (the
version not yet announced on the match queue: removed once it is), `expires_at` (the TTL: two years after
closing — its contact address is personal information).

A new version is one DynamoDB transaction: the invitation and its tender (Tenders table, as the poll
writes tenders) are both written or neither.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from esja.ingest.changes import Change
from esja.model import Category, Text
from esja.signatory_space.invitation import (
    Answer,
    Audience,
    Institution,
    Invitation,
    InvitationDetails,
    InvitationStatus,
)
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, cancelled_by_condition, error_code, store_error
from esja.store.tenders import tender_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

FEED = "invitations"  # the one partition of the `published` index (a few hundred invitations a year)
RETENTION_AFTER_CLOSING = timedelta(days=731)


class InvitationStore:
    def __init__(self, table_name: str, tenders_table: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._tenders = tenders_table
        self._client = client

    def add(self, invitation: Invitation, tender: Change) -> bool:
        return self._write(invitation, tender, "attribute_not_exists(invitation_id)", {}, "posting an invitation")

    def replace(self, invitation: Invitation, tender: Change, *, expected_version: int) -> bool:
        values = {":expected": {"N": str(expected_version)}}
        return self._write(invitation, tender, "version = :expected", values, "changing an invitation")

    def get(self, invitation_id: str) -> Invitation | None:
        try:
            answer = self._client.get_item(
                TableName=self._table, Key={"invitation_id": {"S": invitation_id}}, ConsistentRead=True
            )
        except AWS_ERRORS as error:
            raise store_error(error, "reading an invitation") from error
        item = answer.get("Item")
        return invitation_from_json(item["invitation"]["S"]) if item and _kept(item) else None

    def of_institution(self, institution_key: str) -> list[Invitation]:
        return self._query("by_institution", "institution_key", institution_key, "reading an institution's invitations")

    def published(self) -> list[Invitation]:
        return self._query("published", "feed", FEED, "reading the published invitations")

    def to_announce(self, institution_key: str) -> list[Invitation]:
        found = self._query(
            "by_institution",
            "institution_key",
            institution_key,
            "reading invitations not yet announced",
            FilterExpression="attribute_exists(to_announce)",
        )
        return found

    def pending_announcements(self) -> list[Invitation]:
        return self._query(
            "published",
            "feed",
            FEED,
            "reading invitations not yet announced",
            FilterExpression="attribute_exists(to_announce)",
        )

    def announced(self, invitation_id: str, version: int) -> None:
        """This version reached the match queue (a newer one still waiting keeps its mark)."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"invitation_id": {"S": invitation_id}},
                UpdateExpression="REMOVE to_announce",
                ConditionExpression="to_announce = :version",
                ExpressionAttributeValues={":version": {"N": str(version)}},
            )
        except AWS_ERRORS as error:
            if error_code(error) != CONDITION_FAILED:
                raise store_error(error, "recording an invitation's announcement") from error

    def _write(
        self, invitation: Invitation, tender: Change, condition: str, values: dict[str, Any], action: str
    ) -> bool:
        put: dict[str, Any] = {"TableName": self._table, "Item": _item(invitation), "ConditionExpression": condition}
        if values:
            put["ExpressionAttributeValues"] = values
        items: list[TransactWriteItemTypeDef] = [
            {"Put": put},  # type: ignore[typeddict-item]  # built above, keys as the API names them
            {"Put": {"TableName": self._tenders, "Item": tender_item(tender)}},
        ]
        try:
            self._client.transact_write_items(TransactItems=items)
        except AWS_ERRORS as error:
            if cancelled_by_condition(error):
                return False
            raise store_error(error, action) from error
        return True

    def _query(self, index: str, key: str, value: str, action: str, **options: Any) -> list[Invitation]:
        try:
            pages = self._client.get_paginator("query").paginate(
                TableName=self._table,
                IndexName=index,
                KeyConditionExpression="#k = :v",
                ExpressionAttributeNames={"#k": key},
                ExpressionAttributeValues={":v": {"S": value}},
                **options,
            )
            items = [item for page in pages for item in page["Items"]]
        except AWS_ERRORS as error:
            raise store_error(error, action) from error
        return [invitation_from_json(i["invitation"]["S"]) for i in items if _kept(i)]


def _kept(item: dict[str, Any]) -> bool:
    """Past its retention, the TTL deletes an item within days; until then it no longer exists for us."""
    return int(item["expires_at"]["N"]) > time.time()


def _item(invitation: Invitation) -> dict[str, Any]:
    expires = invitation.details.closing_at + RETENTION_AFTER_CLOSING
    return {
        "invitation_id": {"S": invitation.id},
        "institution_key": {"S": invitation.institution.key},
        "feed": {"S": FEED},
        "version_at": {"S": invitation.version_at.isoformat()},
        "version": {"N": str(invitation.version)},
        "to_announce": {"N": str(invitation.version)},
        "invitation": {"S": invitation_json(invitation)},
        "expires_at": {"N": str(int(expires.timestamp()))},
    }


def invitation_json(invitation: Invitation) -> str:
    details = invitation.details
    return json.dumps(
        {
            "id": invitation.id,
            "institution": {"name": invitation.institution.name, "region": invitation.institution.region},
            "pledge_id": invitation.pledge_id,
            "published_at": invitation.published_at.isoformat(),
            "status": invitation.status.value,
            "version": invitation.version,
            "changed_at": invitation.changed_at.isoformat() if invitation.changed_at else None,
            "changes": [[change, at.isoformat()] for change, at in invitation.changes],
            "details": {
                "title": {"fr": details.title.fr, "en": details.title.en},
                "description": {"fr": details.description.fr, "en": details.description.en},
                "codes": list(details.codes),
                "category": details.category.value,
                "region": details.region,
                "municipality": details.municipality,
                "value": str(details.value) if details.value is not None else None,
                "closing_at": details.closing_at.isoformat(),
                "answer": {
                    "email": details.answer.email,
                    "url": details.answer.url,
                    "documents": details.answer.documents,
                },
                "audience": details.audience.value,
                "named": list(details.named),
            },
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def invitation_from_json(data: str) -> Invitation:
    raw = json.loads(data)
    details = raw["details"]
    return Invitation(
        id=raw["id"],
        institution=Institution(raw["institution"]["name"], raw["institution"]["region"]),
        details=InvitationDetails(
            title=Text(**details["title"]),
            description=Text(**details["description"]),
            codes=tuple(details["codes"]),
            category=Category(details["category"]),
            region=details["region"],
            municipality=details["municipality"],
            value=Decimal(details["value"]) if details["value"] is not None else None,
            closing_at=datetime.fromisoformat(details["closing_at"]),
            answer=Answer(**details["answer"]),
            audience=Audience(details["audience"]),
            named=tuple(details["named"]),
        ),
        published_at=datetime.fromisoformat(raw["published_at"]),
        status=InvitationStatus(raw["status"]),
        version=raw["version"],
        changed_at=datetime.fromisoformat(raw["changed_at"]) if raw["changed_at"] else None,
        changes=tuple((change, datetime.fromisoformat(at)) for change, at in raw["changes"]),
        pledge_id=raw["pledge_id"],
    )
