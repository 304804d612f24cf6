"""The contracts won as the enterprise's space reads and answers them: the `won#<tender>#<award>` items among the
enterprise's Matches items (recorded by the weekly run: esja.store.digest_sources), each with its people's answer
(`verdict`, `verdict_at`) once given."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from esja.enterprise_space.contracts import CONFIRMED, DENIED, RecordedWin, Verdict
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error
from esja.store.matches import items_of

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

WON = "won#"


class WinStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def wins_of(self, enterprise_id: str) -> list[RecordedWin]:
        return [_win(item) for item in items_of(self._client, self._table, enterprise_id, WON)]

    def set_verdict(self, enterprise_id: str, key: str, verdict: Verdict, at: datetime) -> bool:
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"enterprise_id": {"S": enterprise_id}, "item": {"S": key}},
                UpdateExpression="SET verdict = :verdict, verdict_at = :at",
                ConditionExpression="#kind = :won",
                ExpressionAttributeNames={"#kind": "kind"},
                ExpressionAttributeValues={
                    ":verdict": {"S": verdict},
                    ":at": {"S": at.isoformat()},
                    ":won": {"S": "won"},
                },
            )
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return False
            raise store_error(error, "answering for a contract won") from error
        return True


def _win(item: dict[str, Any]) -> RecordedWin:
    found = item.get("found_at", item["recorded_at"])["S"]
    awarded = item.get("awarded_on", {}).get("S")
    verdict = item.get("verdict", {}).get("S")
    return RecordedWin(
        enterprise_id=item["enterprise_id"]["S"],
        tender_key=item["tender_key"]["S"],
        award_id=item["award_id"]["S"],
        title=item["title"]["S"],
        buyer=item["buyer"]["S"],
        amount=Decimal(item["amount"]["N"]) if "amount" in item else None,
        awarded_on=datetime.fromisoformat(awarded) if awarded else None,
        supplier_name=item["supplier_name"]["S"],
        recognised_by=item["recognised_by"]["S"],
        found_at=datetime.fromisoformat(found),
        verdict=next((v for v in (CONFIRMED, DENIED) if v == verdict), None),
    )
