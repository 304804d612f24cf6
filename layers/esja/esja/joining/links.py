"""The join pages' paths, and the links its e-mails carry."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from esja.people.roles import Role
from esja.signin.links import SIGN_IN_PATH, SPACE_HOMES

FORM_PATH = "/alertes/inscription"
RECEIVED_PATH = f"{FORM_PATH}/recue"
REQUESTS_PATH = f"{SPACE_HOMES[Role.ORGANIZER]}adhesions"


@dataclass(frozen=True, slots=True)
class JoinLinks:
    """The links the join e-mails carry, on the site's public address."""

    base_url: str

    def console(self, lang: str) -> str:
        return f"{self.base_url.rstrip('/')}{REQUESTS_PATH}?{urlencode({'lang': lang})}"

    def sign_in(self, lang: str) -> str:
        query = urlencode({"lang": lang, "suite": SPACE_HOMES[Role.ENTERPRISE]})
        return f"{self.base_url.rstrip('/')}{SIGN_IN_PATH}?{query}"
