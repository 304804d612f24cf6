"""Signed tokens: HMAC-SHA256, three keys (previous, current, next), keys read at each use, own ends."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import BadSignature, URLSafeTimedSerializer

from esja.tokens import ExpiredToken, InvalidToken, SigningKeys, TokenSigner

PURPOSE = "unsubscribe"
DAY = 86_400


def serializer(key: str, digest: object) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=f"esja.{PURPOSE}", signer_kwargs={"digest_method": digest})


def test_tokens_are_signed_with_hmac_sha256_not_sha1() -> None:
    token = TokenSigner(SigningKeys("key"), PURPOSE).sign({"s": "abc"})

    assert serializer("key", hashlib.sha256).loads(token) == {"s": "abc"}
    with pytest.raises(BadSignature):
        serializer("key", hashlib.sha1).loads(token)  # itsdangerous' default


def test_links_signed_with_sha1_before_the_switch_still_verify_until_they_expire() -> None:
    legacy = serializer("key", hashlib.sha1).dumps({"s": "abc"})
    signer = TokenSigner(SigningKeys("key"), PURPOSE)

    assert signer.verify(legacy, 90 * DAY).payload == {"s": "abc"}
    with pytest.raises(InvalidToken):  # …with the key that signed them only
        TokenSigner(SigningKeys("another"), PURPOSE).verify(legacy, 90 * DAY)


def test_current_signs_and_previous_current_and_next_all_verify() -> None:
    keys = SigningKeys(current="current", previous="previous", next="next")
    signer = TokenSigner(keys, PURPOSE)

    assert TokenSigner(SigningKeys("current"), PURPOSE).verify(signer.sign({"s": "1"}), DAY).payload == {"s": "1"}
    for key in ("previous", "current", "next"):
        token = TokenSigner(SigningKeys(key), PURPOSE).sign({"s": key})
        assert signer.verify(token, DAY).payload == {"s": key}
    with pytest.raises(InvalidToken):
        signer.verify(TokenSigner(SigningKeys("retired"), PURPOSE).sign({"s": "x"}), DAY)


def test_the_documented_rotation_breaks_no_link_whichever_container_signs_it() -> None:
    # README « Rotating the signing keys »: 1. put a new key in `next`; wait longer than the keys' re-read;
    # 2. previous ← current, current ← next, next ← "". Containers re-read at their own moments.
    before = SigningKeys(current="k1", previous="k0")
    announced = SigningKeys(current="k1", previous="k0", next="k2")
    promoted = SigningKeys(current="k2", previous="k1")
    sent_long_ago = TokenSigner(before, PURPOSE).sign({"s": "old"})

    for stale, fresh in [(before, announced), (announced, promoted)]:
        for signer_keys, reader_keys in [(stale, fresh), (fresh, stale)]:
            token = TokenSigner(signer_keys, PURPOSE).sign({"s": "x"})
            assert TokenSigner(reader_keys, PURPOSE).verify(token, DAY).payload == {"s": "x"}
    assert TokenSigner(promoted, PURPOSE).verify(sent_long_ago, DAY).payload == {"s": "old"}


def test_keys_are_read_at_each_use_so_a_rotation_reaches_a_warm_container() -> None:
    secret = {"keys": SigningKeys("k1")}
    signer = TokenSigner(lambda: secret["keys"], PURPOSE)
    before = signer.sign({"s": "x"})

    secret["keys"] = SigningKeys("k2", previous="k1")

    assert serializer("k2", hashlib.sha256).loads(signer.sign({"s": "x"})) == {"s": "x"}
    assert signer.verify(before, DAY).payload == {"s": "x"}


def test_a_token_with_its_own_end_expires_then_even_within_its_lifetime() -> None:
    signer = TokenSigner(SigningKeys("key"), PURPOSE)
    end = datetime.now(UTC) + timedelta(hours=2)

    verified = signer.verify(signer.sign({"s": "x"}, not_after=end), 90 * DAY)

    assert verified.expires_at == end.replace(microsecond=0)
    with pytest.raises(ExpiredToken):
        signer.verify(signer.sign({"s": "x"}, not_after=datetime.now(UTC) - timedelta(seconds=5)), 90 * DAY)


def test_a_token_ends_with_its_lifetime_when_that_comes_first() -> None:
    signer = TokenSigner(SigningKeys("key"), PURPOSE)
    token = signer.sign({"s": "x"}, not_after=datetime.now(UTC) + timedelta(days=400))

    expires_at = signer.verify(token, DAY).expires_at

    assert abs(expires_at.timestamp() - (time.time() + DAY)) < 5


@pytest.mark.parametrize("keys", [[], ["a", ""], ["a", "b", "c", "d"]])
def test_signing_keys_are_one_to_three_non_empty_keys(keys: list[str]) -> None:
    with pytest.raises(ValueError, match="signing keys"):
        SigningKeys.from_list(keys)


def test_signing_keys_read_oldest_first_as_the_secret_names_them() -> None:
    assert SigningKeys.from_list(["a"]) == SigningKeys(current="a")
    assert SigningKeys.from_list(["a", "b"]) == SigningKeys(current="b", previous="a")
    assert SigningKeys.from_list(["a", "b", "c"]) == SigningKeys(current="b", previous="a", next="c")
    assert SigningKeys.from_secret({"current": "b", "previous": "", "next": None}) == SigningKeys("b")
