"""The signing-keys secret ({"previous", "current", "next"}), re-read every few minutes, not once per container.

A rotation (README, « Rotating the signing keys ») reaches every warm container within KEYS_MAX_AGE;
the `next` slot is what lets containers that have not re-read yet accept links the others already sign.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError, TransformParameterError

from esja.errors import StoreError
from esja.tokens import SigningKeys

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

KEYS_MAX_AGE = 300  # seconds: a rotation's wait between its two steps must be longer


class SecretSigningKeys:
    """A KeySource: the keys as the secret holds them now (Powertools caches them for `max_age`)."""

    def __init__(self, secret_arn: str, client: SecretsManagerClient, *, max_age: int = KEYS_MAX_AGE) -> None:
        self._secret_arn = secret_arn
        self._provider = SecretsProvider(boto3_client=client)
        self._max_age = max_age

    def __call__(self) -> SigningKeys:
        try:
            secret = self._provider.get(self._secret_arn, max_age=self._max_age, transform="json")
        except (GetParameterError, TransformParameterError) as error:
            raise StoreError(f"reading the signing keys: {type(error.__cause__ or error).__name__}") from error
        if not isinstance(secret, dict):
            raise StoreError("reading the signing keys: the secret is not a JSON object")
        return SigningKeys.from_secret(secret)
