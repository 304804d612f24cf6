"""AWS's error codes → the project's own errors (esja.errors): callers never match AWS error strings."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from esja.errors import StoreError, Throttled

# Every service's name for « slow down », DynamoDB's, SQS's, S3's and SES's alike.
THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "Throttling",
        "RequestThrottled",
    }
)
CONDITION_FAILED = "ConditionalCheckFailedException"
# What an AWS call can fail with: AWS's answer (ClientError), or no answer in time (timeouts, connection
# refused: BotoCoreError). Adapters catch both, so a timeout is a StoreError like any other failure.
AWS_ERRORS = (ClientError, BotoCoreError)


def error_code(error: ClientError | BotoCoreError) -> str:
    """AWS's error code ("ConditionalCheckFailedException"…); "" when AWS did not answer."""
    return str(error.response.get("Error", {}).get("Code", "")) if isinstance(error, ClientError) else ""


def cancelled_by_condition(error: ClientError | BotoCoreError) -> bool:
    """A transaction AWS cancelled because one of its conditions failed (not for a conflict with another
    transaction, which is worth a retry or a StoreError)."""
    reasons = error.response.get("CancellationReasons", []) if isinstance(error, ClientError) else []
    return error_code(error) == "TransactionCanceledException" and any(
        reason.get("Code") == "ConditionalCheckFailed" for reason in reasons
    )


def store_error(error: ClientError | BotoCoreError, action: str) -> StoreError:
    code = error_code(error)
    kind = Throttled if code in THROTTLING_CODES else StoreError
    return kind(f"{action}: {code or type(error).__name__}")
