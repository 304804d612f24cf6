"""Which enterprises a signatory may name in an invitation: those listed in the public directory.

TO COMPLETE with the directory (issue 13): it decides how an enterprise chooses to be listed. Until it
lands, this reads a `listed` flag on the enterprise's item, which nothing sets yet — so no enterprise can
be named, and an invitation reaches only the enterprises whose profiles match it (never more than the
directory will allow).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from esja.store.batches import Batches

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class ListedEnterprises:
    def __init__(self, table_name: str, client: DynamoDBClient, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._batches = Batches(table_name, client, sleep)

    def listed(self, enterprise_ids: Collection[str]) -> set[str]:
        keys = [{"enterprise_id": {"S": e}, "item": {"S": "enterprise"}} for e in dict.fromkeys(enterprise_ids)]
        found = self._batches.get(
            keys,
            "reading the directory's enterprises",
            ProjectionExpression="enterprise_id, listed",
        )
        return {item["enterprise_id"]["S"] for item in found if item.get("listed", {}).get("BOOL")}
