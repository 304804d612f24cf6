"""AWS's error codes → the project's own errors (esja.errors): callers never match AWS error strings."""

from __future__ import annotations

from botocore.exceptions import ClientError

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


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def store_error(error: ClientError, action: str) -> StoreError:
    code = error_code(error)
    kind = Throttled if code in THROTTLING_CODES else StoreError
    return kind(f"{action}: {code or type(error).__name__}")
