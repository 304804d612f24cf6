"""The sign-in pages' addresses, the e-mailed link's token, and where a person may be sent back to.

The link carries a random secret (256 bits); only its SHA-256 is stored, so a copy of the table opens
nothing. The session's cookie holds another random id, stored only as its SHA-256 too.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from esja.people.roles import Role

SIGN_IN_PATH = "/connexion"
SENT_PATH = "/connexion/envoye"
LINK_PATH = "/connexion/lien"
ROLE_PATH = "/connexion/role"
SIGN_OUT_PATH = "/deconnexion"
SESSIONS_PATH = "/compte/sessions"
END_OTHERS_PATH = "/compte/sessions/fermer-les-autres"
# Each role's space, and its home page.
SPACE_HOMES = {Role.ORGANIZER: "/organisation/", Role.ENTERPRISE: "/entreprise/", Role.SIGNATORY: "/signataire/"}
# Field and parameter names (names, not secrets).
TOKEN_FIELD = "jeton"  # noqa: S105
NEXT_FIELD = "suite"
CSRF_FIELD = "jeton_formulaire"
ROLE_FIELD = "role"

LINK_LIFETIME = timedelta(minutes=15)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_MAX_NEXT = 512
# Pages never worth coming back to after signing in.
_NOT_NEXT = (SIGN_IN_PATH, SIGN_OUT_PATH)


def new_secret() -> tuple[str, str]:
    """(the secret for the link or the cookie, the digest to store)."""
    secret = secrets.token_urlsafe(32)
    return secret, digest(secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def digest_of_token(token: str) -> str | None:
    """The digest of a link's or cookie's secret, None when it cannot be one of ours."""
    return digest(token) if _TOKEN.fullmatch(token) else None


def own_path(value: str) -> str:
    """`value` when it is a path of this site to come back to after signing in, else "" (the space's home).

    Only a path: one leading « / » (never « // », which browsers read as another host), no backslash (which
    some read as « / »), no scheme or host, printable ASCII only, not the sign-in pages themselves."""
    if (
        not value
        or len(value) > _MAX_NEXT
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or not all(" " < c < "\x7f" for c in value)
    ):
        return ""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(_NOT_NEXT):
        return ""
    return value


def with_next(path: str, next_path: str, **query: str) -> str:
    """`path?…&suite=…` (the next path only when it is one of ours)."""
    wanted = own_path(next_path)
    parameters = {**query, **({NEXT_FIELD: wanted} if wanted else {})}
    return f"{path}?{urlencode(parameters)}" if parameters else path


@dataclass(frozen=True, slots=True)
class SignInUrls:
    base_url: str  # e.g. https://esja.example.org

    def link(self, token: str, lang: str) -> str:
        return f"{self.base_url.rstrip('/')}{LINK_PATH}?{urlencode({TOKEN_FIELD: token, 'lang': lang})}"

    def sign_in(self, lang: str) -> str:
        return f"{self.base_url.rstrip('/')}{SIGN_IN_PATH}?{urlencode({'lang': lang})}"
