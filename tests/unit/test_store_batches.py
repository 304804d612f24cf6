"""DynamoDB's batch calls (esja.store.batches): what DynamoDB leaves unprocessed is asked again, with a
pause, and only so many times. moto always processes everything, so a scripted client plays DynamoDB."""

from __future__ import annotations

from typing import Any, cast

import pytest

from esja.errors import Throttled
from esja.store.batches import Batches


class Busy:
    """Processes `each` keys per call and leaves the rest unprocessed, as DynamoDB does under load."""

    def __init__(self, each: int) -> None:
        self.each = each
        self.calls = 0

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        [(table, request)] = RequestItems.items()
        keys = request["Keys"]
        answer: dict[str, Any] = {"Responses": {table: keys[: self.each]}}
        if keys[self.each :]:
            answer["UnprocessedKeys"] = {table: {**request, "Keys": keys[self.each :]}}
        return answer


def batches(client: Busy, pauses: list[float]) -> Batches:
    return Batches("Tenders", cast(Any, client), pauses.append)


def test_keys_left_unprocessed_are_asked_again_after_a_growing_pause() -> None:
    pauses: list[float] = []
    keys = [{"tender_key": {"S": f"seao:{n}"}} for n in range(5)]

    found = list(batches(Busy(each=2), pauses).get(keys, "reading stored tenders"))

    assert found == keys and pauses == [0.05, 0.1]


def test_keys_never_processed_end_as_throttling_after_eight_tries() -> None:
    client, pauses = Busy(each=0), list[float]()

    with pytest.raises(Throttled, match="reading stored tenders: left unprocessed after retries"):
        list(batches(client, pauses).get([{"tender_key": {"S": "seao:1"}}], "reading stored tenders"))

    assert client.calls == 8 and len(pauses) == 8
