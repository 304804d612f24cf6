"""The one keyed hash of an e-mail address, under which every table keeps what concerns a person.

HMAC-SHA256 with a secret of its own (AddressKeySecret in AWS, ADDRESS_KEY_SECRET locally): a plain
SHA-256 can be reversed by anyone holding a list of addresses (hash each, compare), a keyed hash cannot
without the secret. Subscriptions, sign-in, enterprise members and pledges' signatories all use
`address_key`; nothing else hashes an address.

Not the link-signing keys: those rotate (previous, current, next) because a link carries its signature
and an old key may keep verifying it; an address key is a lookup key, stored as the tables' partition
keys, so a new secret would orphan every item until a migration re-keyed them all.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass


def normalise_address(email: str) -> str:
    return email.strip().lower()


def keyed_hash(text: str, secret: bytes) -> str:
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


def address_key(email: str, secret: bytes) -> str:
    """The key of everything about an address: the same for « Julie@Example.org » and "julie@example.org "."""
    return keyed_hash(normalise_address(email), secret)


@dataclass(frozen=True, slots=True)
class AddressKeys:
    """`address_key` bound to its secret: what use cases (and the stores that index people) are given.

    `secret` is read when first needed (the secret store is not asked at cold start)."""

    secret: Callable[[], bytes]

    @classmethod
    def fixed(cls, secret: str) -> AddressKeys:
        if not secret:
            raise ValueError("the address-key secret is empty")
        value = secret.encode("utf-8")
        return cls(lambda: value)

    def __call__(self, email: str) -> str:
        return address_key(email, self.secret())

    def opaque(self, text: str) -> str:
        """Another identifier kept out of a table in clear (a source IP address), under the same secret."""
        return keyed_hash(text, self.secret())
