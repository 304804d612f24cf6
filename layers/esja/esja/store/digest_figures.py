"""The digest's figures of each week that is over (esja.digest.figures), in the Organizers table beside the
digests' send records: item ("figures", <week>), its lines as compact JSON (a week of SEAO-sized data
makes a few hundred lines, some 35 kB: well under DynamoDB's 400 kB an item). A year of weeks is one
BatchGetItem."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from esja.digest.figures import WeekFigures
from esja.digest.weeks import Week
from esja.store.batches import Batches
from esja.store.errors import AWS_ERRORS, store_error

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

FIGURES = "figures"


class DigestFigureStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client
        self._batches = Batches(table_name, client)

    def save_figures(self, figures: WeekFigures) -> None:
        """The week's figures, replacing any kept before (worked out again, they are the same or newer)."""
        item = _key(figures.week) | {
            "lines": {"S": figures.to_json()},
            "version": {"N": str(figures.version)},
            "computed_at": {"S": figures.computed_at.isoformat()},
        }
        try:
            self._client.put_item(TableName=self._table, Item=item)
        except AWS_ERRORS as error:
            raise store_error(error, "keeping a week's figures") from error

    def figures_of(self, weeks: Sequence[Week]) -> dict[Week, WeekFigures]:
        found = self._batches.get([_key(week) for week in dict.fromkeys(weeks)], "reading the weeks' figures")
        kept = (
            WeekFigures.from_json(
                item["lines"]["S"],
                computed_at=datetime.fromisoformat(item["computed_at"]["S"]),
                version=int(item["version"]["N"]),
            )
            for item in found
        )
        return {figures.week: figures for figures in kept}


def _key(week: Week) -> dict[str, Any]:
    return {"pk": {"S": FIGURES}, "sk": {"S": str(week)}}
