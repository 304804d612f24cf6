"""The link in each digest to its archived copy, served by the web function (esja.web.digest_routes).

A pre-signed S3 URL would not do: signed with the function's temporary credentials, it dies with
them within hours, and never lives more than 7 days. The link instead carries a token signed with
the site's keys, naming the organizer and the week — nothing personal — valid for LINK_LIFETIME.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

from esja.digest.weeks import Week
from esja.tokens import InvalidToken, KeySource, TokenSigner

ARCHIVE_PATH = "/sommaire"
TOKEN_FIELD = "jeton"  # noqa: S105 - the name of the query parameter, not a secret
LINK_LIFETIME = timedelta(days=400)  # a year of digests to look back on
# Organizer ids are slugs (esja.digest.organizers_csv checks them): safe in an S3 key and a URL.
ORGANIZER_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


ARCHIVE_PREFIX = "digests/"


def archive_key(organizer_id: str, week: Week) -> str:
    """Where a digest is archived in the bucket: « digests/2026-W47/esbsl.html »."""
    return f"{ARCHIVE_PREFIX}{week}/{organizer_id}.html"


def archived_as(key: str) -> tuple[str, Week] | None:
    """The organizer and week an archive key names; None for any other key."""
    week, _, name = key.removeprefix(ARCHIVE_PREFIX).partition("/")
    organizer_id = name.removesuffix(".html")
    if not key.startswith(ARCHIVE_PREFIX) or not ORGANIZER_ID.fullmatch(organizer_id) or f"{organizer_id}.html" != name:
        return None
    try:
        return organizer_id, Week.parse(week)
    except ValueError:
        return None


class DigestLinks:
    def __init__(self, public_base_url: str, keys: KeySource) -> None:
        self._base = public_base_url.rstrip("/")
        self._signer = TokenSigner(keys, "digest-archive")

    def archive_url(self, organizer_id: str, week: Week, lang: str) -> str:
        token = self._signer.sign({"o": organizer_id, "w": str(week)})
        return f"{self._base}{ARCHIVE_PATH}?{urlencode({TOKEN_FIELD: token, 'lang': lang})}"

    def archived(self, token: str) -> str:
        """The archive key a token names; raises InvalidToken (or ExpiredToken)."""
        payload = self._signer.verify(token, int(LINK_LIFETIME.total_seconds())).payload
        organizer_id, week = payload.get("o"), payload.get("w")
        if not isinstance(organizer_id, str) or not ORGANIZER_ID.fullmatch(organizer_id) or not isinstance(week, str):
            raise InvalidToken("the link is not valid")
        try:
            return archive_key(organizer_id, Week.parse(week))
        except ValueError:
            raise InvalidToken("the link is not valid") from None
