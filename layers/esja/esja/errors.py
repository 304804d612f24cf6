"""The project's own errors for what fails outside it: the adapters raise them (esja.store.errors maps
AWS's error codes onto them), the use cases catch them, and nobody matches AWS error strings."""

from __future__ import annotations


class StoreError(Exception):
    """An AWS call failed; nothing after it was done, so the next run catches up."""


class Throttled(StoreError):
    """AWS kept throttling after the SDK's own retries."""


class SendingPaused(StoreError):
    """SES is not sending for this account (paused, suspended, daily quota): stop and retry later."""


class Rejected(StoreError):
    """SES refused this one message (bad address, …); the others can still go."""


# SES answered no: nothing went out, so the message may be tried again.
REFUSED = (Throttled, SendingPaused, Rejected)
