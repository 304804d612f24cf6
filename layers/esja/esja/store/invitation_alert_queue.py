"""The invitation alert queue: match_tenders asks send_invitation_alerts to tell an invitation's
enterprises now, rather than at their next scheduled run (esja.alerts.service.send_invitation)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from esja.store.errors import AWS_ERRORS, store_error

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


class InvitationAlertQueue:
    def __init__(self, queue_url: str, client: SQSClient) -> None:
        self._url = queue_url
        self._client = client

    def request(self, tender_key: str) -> None:
        try:
            self._client.send_message(QueueUrl=self._url, MessageBody=json.dumps({"tender_key": tender_key}))
        except AWS_ERRORS as error:
            raise store_error(error, "asking for an invitation's alerts") from error
