"""AWS's answers as the stores read them: a transaction refused by one of its conditions (« someone changed it
first »: the use case says so, nothing is lost) is told apart from one that met another at the same moment
(worth a retry, or the « try again » page), and from any other failure."""

from __future__ import annotations

import pytest
from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError

from esja.store.errors import cancelled_by_condition


def cancelled(*reasons: str) -> ClientError:
    answer = {
        "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
        "CancellationReasons": [{"Code": reason} for reason in reasons],
    }
    return ClientError(answer, "TransactWriteItems")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "by_condition"),
    [
        (cancelled("None", "ConditionalCheckFailed"), True),
        (cancelled("TransactionConflict", "None"), False),
        (cancelled(), False),
        (ClientError({"Error": {"Code": "ConditionalCheckFailedException"}}, "PutItem"), False),  # not a transaction
        (ConnectTimeoutError(endpoint_url="https://dynamodb"), False),
    ],
)
def test_only_a_failed_condition_cancels_a_transaction_for_good(
    error: ClientError | BotoCoreError, by_condition: bool
) -> None:
    assert cancelled_by_condition(error) is by_condition
