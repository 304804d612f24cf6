"""A DynamoDB item written once: its failures as the project's own errors (esja.store.errors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error
from esja.store.queries import Item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def put_once(client: DynamoDBClient, table: str, item: Item, *, key: str, action: str) -> bool:
    """Write `item` unless the table holds one with its keys (`key`: the partition key's attribute): True
    when written now, False when it was there already; `action` names what was being done in a StoreError."""
    try:
        client.put_item(TableName=table, Item=item, ConditionExpression=f"attribute_not_exists({key})")
    except AWS_ERRORS as error:
        if error_code(error) == CONDITION_FAILED:
            return False
        raise store_error(error, action) from error
    return True
