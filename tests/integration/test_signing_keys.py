"""The signing-keys secret on moto: read as its three slots, re-read after a while, a failure is a StoreError."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ReadTimeoutError

from esja.errors import StoreError
from esja.store.signing_keys import KEYS_MAX_AGE, SecretSigningKeys
from esja.tokens import SigningKeys
from local.runtime import LocalAws


def secret(aws: LocalAws, **slots: str) -> str:
    arn: str = aws.client("secretsmanager").create_secret(Name="esja-signing-keys", SecretString=json.dumps(slots))[
        "ARN"
    ]
    return arn


def rotate(aws: LocalAws, arn: str, **slots: str) -> None:
    aws.client("secretsmanager").put_secret_value(SecretId=arn, SecretString=json.dumps(slots))


def test_the_secret_gives_its_three_slots(aws: LocalAws) -> None:
    arn = secret(aws, previous="k0", current="k1", next="k2")

    assert SecretSigningKeys(arn, aws.client("secretsmanager"))() == SigningKeys("k1", previous="k0", next="k2")


def test_a_secret_made_before_the_next_slot_existed_still_reads(aws: LocalAws) -> None:
    arn = secret(aws, previous="", current="k1")  # what template.yaml generated

    assert SecretSigningKeys(arn, aws.client("secretsmanager"))() == SigningKeys("k1")


def test_keys_are_kept_a_few_minutes_then_read_again(aws: LocalAws) -> None:
    arn = secret(aws, previous="k0", current="k1")
    cached = SecretSigningKeys(arn, aws.client("secretsmanager"))
    expired = SecretSigningKeys(arn, aws.client("secretsmanager"), max_age=0)  # as if KEYS_MAX_AGE had passed
    cached(), expired()

    rotate(aws, arn, previous="k1", current="k2")

    assert cached().current == "k1" and expired().current == "k2"
    assert KEYS_MAX_AGE == 300  # the README's rotation waits longer than this between its two steps


def test_a_secret_that_cannot_be_read_is_a_store_error(aws: LocalAws) -> None:
    arn = secret(aws, current="k1")
    client = aws.client("secretsmanager")

    def no_answer(**_: Any) -> None:
        raise ReadTimeoutError(endpoint_url="https://secretsmanager.ca-central-1.amazonaws.com")

    client.meta.events.register("before-call.secrets-manager.GetSecretValue", no_answer)

    with pytest.raises(StoreError, match="signing keys"):
        SecretSigningKeys(arn, client)()
