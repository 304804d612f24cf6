"""The store's own errors: callers never match AWS error strings."""

from __future__ import annotations

from botocore.exceptions import ClientError

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


class StoreError(Exception):
    """An AWS call failed; nothing after it was done, so the next run catches up."""


class Throttled(StoreError):
    """AWS kept throttling after the SDK's own retries."""


def store_error(error: ClientError, action: str) -> StoreError:
    code = error.response.get("Error", {}).get("Code", "")
    kind = Throttled if code in THROTTLING_CODES else StoreError
    return kind(f"{action}: {code or type(error).__name__}")
