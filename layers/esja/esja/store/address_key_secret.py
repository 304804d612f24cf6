"""The address-key secret (esja.people.keys) in AWS: a Secrets Manager secret, read at first use and kept for
the container's life — it never rotates (a new one would orphan every item keyed by the old)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from esja.errors import StoreError
from esja.store.errors import AWS_ERRORS, store_error

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient


class SecretAddressKey:
    def __init__(self, secret_arn: str, client: Callable[[], SecretsManagerClient]) -> None:
        """`client` makes the client when the secret is first needed (not every page needs it)."""
        self._secret_arn = secret_arn
        self._client = client
        self._value: bytes | None = None

    def __call__(self) -> bytes:
        if self._value is None:
            try:
                secret = self._client().get_secret_value(SecretId=self._secret_arn).get("SecretString", "")
            except AWS_ERRORS as error:
                raise store_error(error, "reading the address-key secret") from error
            if not secret:
                raise StoreError("reading the address-key secret: it is empty")
            self._value = secret.encode("utf-8")
        return self._value
