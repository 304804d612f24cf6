"""A DynamoDB Query read to its last page, its failures as the project's own errors (esja.store.errors)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from esja.store.errors import AWS_ERRORS, store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

Item = dict[str, Any]


def query_all(client: DynamoDBClient, action: str, **request: Any) -> list[Item]:
    """Every item the query finds (`request`: TableName, KeyConditionExpression, IndexName…); `action` names
    what was being done in the StoreError."""
    try:
        return [item for page in client.get_paginator("query").paginate(**request) for item in page.get("Items", [])]
    except AWS_ERRORS as error:
        raise store_error(error, action) from error
