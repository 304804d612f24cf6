"""The pledge pages' addresses (stable: they are in e-mails already sent) and the links put in e-mails.

The confirmation link carries `<pledge id>.<secret>`: single use, valid 72 hours, and only the secret's
SHA-256 is stored, so a copy of the table cannot confirm anything. The withdrawal link carries a
signed, opaque reference to the pledge (esja.tokens), valid as long as the signing keys are.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

LANDING_PATH = "/"
FORM_PATH = "/engagement"
CONFIRM_PATH = "/engagement/confirmation"
WITHDRAW_PATH = "/engagement/retrait"
REGISTRY_PATH = "/registre"
SENT_PATH = "/engagement/envoye"
# For the templates: {{ paths.form }} and so on.
PATHS = {
    "landing": LANDING_PATH,
    "form": FORM_PATH,
    "sent": SENT_PATH,
    "confirm": CONFIRM_PATH,
    "withdraw": WITHDRAW_PATH,
    "registry": REGISTRY_PATH,
}
# The links' query parameter and their pages' hidden field (a name, not a secret: hence the noqa).
TOKEN_FIELD = "jeton"  # noqa: S105

CONFIRMATION_LIFETIME = timedelta(hours=72)
WITHDRAWAL_LINK_LIFETIME = timedelta(days=3650)  # the pledge's life; a key rotation also ends it
WITHDRAWAL_PURPOSE = "pledge-withdrawal"

_CONFIRMATION = re.compile(r"(?P<pledge>[0-9a-f]{32})\.(?P<secret>[A-Za-z0-9_-]{43})")


def new_pledge_id() -> str:
    return secrets.token_hex(16)


def new_confirmation_token(pledge_id: str) -> tuple[str, str]:
    """(the token for the link, the digest to store)."""
    secret = secrets.token_urlsafe(32)
    return f"{pledge_id}.{secret}", digest(secret)


def read_confirmation_token(token: str) -> tuple[str, str] | None:
    """(pledge id, digest of the secret), or None when the token cannot be one of ours."""
    matched = _CONFIRMATION.fullmatch(token)
    return (matched["pledge"], digest(matched["secret"])) if matched else None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


@dataclass(frozen=True, slots=True)
class PledgeLinks:
    base_url: str  # e.g. https://esja.example.org, no trailing slash needed

    def confirm(self, token: str, lang: str) -> str:
        return self._url(CONFIRM_PATH, {TOKEN_FIELD: token, "lang": lang})

    def withdraw(self, token: str, lang: str) -> str:
        return self._url(WITHDRAW_PATH, {TOKEN_FIELD: token, "lang": lang})

    def _url(self, path: str, query: dict[str, str]) -> str:
        return f"{self.base_url.rstrip('/')}{path}?{urlencode(query)}"
