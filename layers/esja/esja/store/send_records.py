"""Send records (esja.sends): one item per recipient and period, in the table of the feature that sends.

Alerts: the Subscriptions table, (`address#<address key>`, `send#<period>`), expiring after 35 days
(only replays within a period need it). Digests: the Organizers table, (`digest#<week>`, <organizer id>).
Attributes: `state` (preparing → sending → sent, or failed), `claimed_at`, `sending_at`, `message_id`,
`sent_at`, `failure`, `failed_at`, and what the use case adds (an alert's `tenders`, a digest's
`archive_key`). Times are UTC in one format: the strings compare in time order (the claim relies on it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from esja.sends import PREPARING_TIMEOUT, Claim, SendKey
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

Item = dict[str, Any]
ALERT_RECORD_LIFETIME = timedelta(days=35)


def alert_key(key: SendKey) -> Item:
    return {"pk": {"S": f"address#{key.recipient}"}, "sk": {"S": f"send#{key.period}"}}


def digest_key(key: SendKey) -> Item:
    return {"pk": {"S": f"digest#{key.period}"}, "sk": {"S": key.recipient}}


class SendRecords:
    def __init__(
        self,
        table_name: str,
        client: DynamoDBClient,
        *,
        key: Callable[[SendKey], Item],
        lifetime: timedelta | None = None,  # set: the table's TTL deletes each record after this long
    ) -> None:
        self._table = table_name
        self._client = client
        self._key = key
        self._lifetime = lifetime

    def claim(self, key: SendKey, now: datetime) -> Claim:
        item = self._key(key) | {"state": {"S": "preparing"}, "claimed_at": {"S": _at(now)}}
        if self._lifetime:
            item["expires_at"] = {"N": str(int((now + self._lifetime).timestamp()))}
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression=(
                    "attribute_not_exists(pk) OR #state = :failed OR (#state = :preparing AND claimed_at < :stale)"
                ),
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={
                    ":failed": {"S": "failed"},
                    ":preparing": {"S": "preparing"},
                    ":stale": {"S": _at(now - PREPARING_TIMEOUT)},
                },
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except AWS_ERRORS as error:
            if error_code(error) != CONDITION_FAILED or not isinstance(error, ClientError):
                raise store_error(error, "claiming a send") from error
            state = error.response.get("Item", {}).get("state", {}).get("S")  # type: ignore[attr-defined]
            return {"sent": Claim.SENT, "preparing": Claim.IN_FLIGHT}.get(str(state), Claim.IN_DOUBT)
        return Claim.CLAIMED

    def sending(self, key: SendKey, now: datetime, details: Mapping[str, str]) -> None:
        """Just before SES is asked: from now on, a crash leaves the message in doubt, never sent twice."""
        self._update(key, "sending", {"sending_at": _at(now), **details})

    def sent(self, key: SendKey, message_id: str, now: datetime, details: Mapping[str, str]) -> None:
        self._update(key, "sent", {"message_id": message_id, "sent_at": _at(now), **details})

    def failed(self, key: SendKey, reason: str, now: datetime) -> None:
        """Nothing went out (SES said no, or the run failed before asking it): the next run tries again."""
        self._update(key, "failed", {"failure": reason, "failed_at": _at(now)})

    def _update(self, key: SendKey, state: str, fields: Mapping[str, str]) -> None:
        names = {"#state": "state"} | {f"#{name}": name for name in fields}
        values = {":state": {"S": state}} | {f":{name}": {"S": value} for name, value in fields.items()}
        assignments = ", ".join(["#state = :state", *(f"#{name} = :{name}" for name in fields)])
        try:
            self._client.update_item(
                TableName=self._table,
                Key=self._key(key),
                UpdateExpression=f"SET {assignments}",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except AWS_ERRORS as error:
            raise store_error(error, f"recording a send as {state}") from error


def _at(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
