"""Files held between a dry run and its confirmation (esja.console.enterprise_import), in the Sessions table:
short-lived, bound to a session, like the table's other items.

Item `upload#<SHA-256 of the id the page carries>`: `session_key`, `content` (the file, zlib-compressed: a
DynamoDB item holds 400 KB, a spreadsheet compresses five to ten times), `prune`, `fingerprint`, `expires_at`
(the TTL; reads check it too). Taking it removes the content in the same conditional update that reads it:
it is confirmed at most once, and what the spreadsheet held of people does not stay after. Never deleted here
(no DeleteItem): the TTL removes what is left.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from esja.console.enterprise_import import FileTooLarge, HeldFile
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

MAX_CONTENT = 350_000  # bytes, compressed: below DynamoDB's 400 KB an item, with room for its other attributes


class HeldFileStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def hold(self, held: HeldFile) -> None:
        content = zlib.compress(held.data, 6)
        if len(content) > MAX_CONTENT:
            raise FileTooLarge(f"{len(content)} bytes compressed")
        item: dict[str, Any] = {
            "id": {"S": f"upload#{held.digest}"},
            "session_key": {"S": held.session_id},
            "content": {"B": content},
            "prune": {"BOOL": held.prune},
            "fingerprint": {"S": held.fingerprint},
            "expires_at": {"N": str(int(held.expires_at.timestamp()))},
        }
        try:
            self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(id)")
        except AWS_ERRORS as error:
            raise store_error(error, "holding an uploaded file") from error

    def take(self, digest: str, session_id: str, now: datetime) -> HeldFile | None:
        try:
            answer = self._client.update_item(
                TableName=self._table,
                Key={"id": {"S": f"upload#{digest}"}},
                UpdateExpression="REMOVE content SET expires_at = :now",
                ConditionExpression="attribute_exists(content) AND session_key = :session AND expires_at > :now",
                ExpressionAttributeValues={":session": {"S": session_id}, ":now": {"N": str(int(now.timestamp()))}},
                ReturnValues="ALL_OLD",
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return None
            raise store_error(error, "taking an uploaded file") from error
        item = answer["Attributes"]
        return HeldFile(
            digest=digest,
            session_id=session_id,
            data=zlib.decompress(item["content"]["B"]),
            prune=item["prune"]["BOOL"],
            fingerprint=item["fingerprint"]["S"],
            expires_at=datetime.fromtimestamp(int(item["expires_at"]["N"]), UTC),
        )
