"""The match queue: every new or changed open tender (and every cancellation) is announced for matching."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from esja.errors import StoreError
from esja.ingest.changes import Change
from esja.store.errors import AWS_ERRORS, store_error

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

_BATCH = 10  # SendMessageBatch limit


def message(change: Change) -> dict[str, str]:
    """Small on purpose: the matcher reads the tender itself from the Tenders table."""
    return {
        "tender_key": change.tender.key,
        "change": change.kind.value,
        "content_hash": change.content_hash,
        "revision": change.tender.revision,
        "status": change.tender.status.value,
    }


class MatchQueue:
    def __init__(self, queue_url: str, client: SQSClient) -> None:
        self._url = queue_url
        self._client = client

    def announce(self, changes: Sequence[Change]) -> int:
        for start in range(0, len(changes), _BATCH):
            entries: list[SendMessageBatchRequestEntryTypeDef] = [
                {"Id": str(n), "MessageBody": json.dumps(message(change))}
                for n, change in enumerate(changes[start : start + _BATCH])
            ]
            self._send(entries, retry=True)
        return len(changes)

    def _send(self, entries: list[SendMessageBatchRequestEntryTypeDef], *, retry: bool) -> None:
        try:
            answer = self._client.send_message_batch(QueueUrl=self._url, Entries=entries)
        except AWS_ERRORS as error:
            raise store_error(error, "announcing tenders to the match queue") from error
        failed = {f["Id"] for f in answer.get("Failed", [])}
        if failed and retry:
            self._send([e for e in entries if e["Id"] in failed], retry=False)
        elif failed:
            raise StoreError(f"announcing tenders to the match queue: {len(failed)} messages refused")
