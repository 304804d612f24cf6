"""The link to a digest's archived page: signed, naming only the organizer and the week."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from esja.digest.links import ARCHIVE_PATH, DigestLinks, archive_key
from esja.digest.weeks import Week
from esja.tokens import InvalidToken, SigningKeys, TokenSigner

WEEK = Week.parse("2026-W47")


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["jeton"][0]


def test_the_link_leads_back_to_the_archived_digest() -> None:
    links = DigestLinks("https://esja.example.org/", SigningKeys("key"))

    url = links.archive_url("esbsl", WEEK, "fr")

    assert url.startswith(f"https://esja.example.org{ARCHIVE_PATH}?jeton=") and url.endswith("&lang=fr")
    assert links.archived(token_of(url)) == archive_key("esbsl", WEEK) == "digests/2026-W47/esbsl.html"


def test_links_sent_before_a_key_rotation_still_open() -> None:
    url = DigestLinks("https://esja.example.org", SigningKeys("old")).archive_url("esbsl", WEEK, "fr")

    rotated = DigestLinks("https://esja.example.org", SigningKeys("new", previous="old"))

    assert rotated.archived(token_of(url)).endswith("esbsl.html")


@pytest.mark.parametrize(
    "payload", [{"o": "../secrets", "w": "2026-W47"}, {"o": "esbsl", "w": "2026-99"}, {"o": 1, "w": "2026-W47"}]
)
def test_a_token_naming_no_archive_is_refused_even_when_signed(payload: dict[str, object]) -> None:
    token = TokenSigner(SigningKeys("key"), "digest-archive").sign(payload)

    with pytest.raises(InvalidToken):
        DigestLinks("https://esja.example.org", SigningKeys("key")).archived(token)


def test_a_token_signed_for_another_purpose_or_altered_is_refused() -> None:
    links = DigestLinks("https://esja.example.org", SigningKeys("key"))
    unsubscribe = TokenSigner(SigningKeys("key"), "unsubscribe").sign({"o": "esbsl", "w": "2026-W47"})

    with pytest.raises(InvalidToken):
        links.archived(unsubscribe)
    with pytest.raises(InvalidToken):
        links.archived(token_of(links.archive_url("esbsl", WEEK, "fr")) + "x")
