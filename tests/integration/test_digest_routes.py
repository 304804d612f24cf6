"""GET /sommaire?jeton=…: the archived digest an organizer's e-mail links to (esja.web.digest_routes)."""

from __future__ import annotations

from typing import Any, cast

import pytest

from esja.config import SenderIdentity
from esja.digest.links import DigestLinks, archive_key
from esja.digest.weeks import Week
from esja.store.digest_archive import DigestArchive
from esja.tokens import SigningKeys
from esja.web.app import create_app
from esja.web.digest_routes import digest_router
from local.http_adapter import to_event
from local.runtime import LocalAws

BASE_URL = "https://esja.example.org"
WEEK = Week.parse("2026-W47")
PAGE = '<!doctype html><html lang="fr"><body><p style="color:#0b5e55">Sommaire</p></body></html>'


class Site:
    """The web function's resolver with the digest's router, on moto's S3."""

    def __init__(self, aws: LocalAws) -> None:
        archive = DigestArchive(aws.resources.names["ArchiveBucket"], aws.client("s3"))
        archive.put(archive_key("esbsl", WEEK), PAGE)
        self.links = DigestLinks(BASE_URL, SigningKeys("key"))
        sender = SenderIdentity(contact_email="info@esja.example.org")
        router = digest_router(archive=lambda: archive, links=self.links, sender=sender)
        self.app = create_app(public_base_url=BASE_URL, sender=sender, routers=[router])

    def get(self, url: str) -> dict[str, Any]:
        event = to_event("GET", url.removeprefix(BASE_URL), {"host": "esja.example.org"}, b"", "esja.example.org")
        answer: dict[str, Any] = self.app.resolve(event, cast(Any, {}))
        return answer


@pytest.fixture
def site(aws: LocalAws) -> Site:
    return Site(aws)


def test_the_link_in_the_email_opens_the_archived_digest(site: Site) -> None:
    answer = site.get(site.links.archive_url("esbsl", WEEK, "fr"))

    assert answer["statusCode"] == 200
    assert answer["body"] == PAGE
    headers = answer["headers"]
    assert "style-src 'unsafe-inline'" in headers["Content-Security-Policy"]  # an e-mail's inline styles
    assert (
        "script" not in headers["Content-Security-Policy"]
        and "default-src 'none'" in headers["Content-Security-Policy"]
    )
    assert headers["Cache-Control"] == "private, no-store" and headers["Referrer-Policy"] == "same-origin"


def test_an_altered_link_is_refused_in_the_readers_language(site: Site) -> None:
    answer = site.get(site.links.archive_url("esbsl", WEEK, "en").replace("jeton=", "jeton=x"))

    assert answer["statusCode"] == 400
    assert "This link to a digest is not valid" in answer["body"]


def test_a_link_to_a_digest_never_archived_finds_nothing(site: Site) -> None:
    answer = site.get(site.links.archive_url("cesim", WEEK, "fr"))

    assert answer["statusCode"] == 404
    assert "Aucun sommaire" in answer["body"]
