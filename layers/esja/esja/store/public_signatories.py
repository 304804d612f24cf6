"""The signatories the alerts may name: confirmed pledges on the public registry (esja.store.pledges).

An alert tells enterprises that a buyer signed: only what the registry already shows, for signatories
who agreed to appear there. Read through the registry index, which holds no e-mail and no phone.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from esja.digest.signatories import Signatory
from esja.store.errors import AWS_ERRORS, store_error
from esja.store.pledges import PUBLIC, REGISTRY_INDEX

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class PublicSignatories:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def listed(self, now: datetime) -> list[Signatory]:
        try:
            pages = self._client.get_paginator("query").paginate(
                TableName=self._table,
                IndexName=REGISTRY_INDEX,
                KeyConditionExpression="registry_partition = :public",
                # DynamoDB's TTL deletes within days: an expired item is already gone for us.
                FilterExpression="attribute_not_exists(expires_at) OR expires_at > :now",
                ExpressionAttributeValues={":public": {"S": PUBLIC}, ":now": {"N": str(int(now.timestamp()))}},
            )
            return [
                Signatory(
                    # The registry's sort key is « <folded institution name>#<pledge id> ».
                    pledge_id=item["registry_sort"]["S"].rsplit("#", 1)[1],
                    institution_name=item["institution_name"]["S"],
                    region=item["region"]["S"],
                    confirmed_at=datetime.fromisoformat(item["confirmed_at"]["S"]),
                )
                for page in pages
                for item in page.get("Items", [])
            ]
        except AWS_ERRORS as error:
            raise store_error(error, "reading the registry's signatories") from error
