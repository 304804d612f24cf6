"""The links in every alert: opaque, signed, 90 days long, and still valid after a key rotation."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous.timed import TimestampSigner

from esja.alerts.links import SubscriberLinks
from esja.tokens import ExpiredToken, InvalidToken, SigningKeys
from tests.tokens import altered

OLD, NEW = "old-key-retired-at-the-next-rotation", "new-key-signing-from-today"
SID = "Jq1m6YdQw2t0hYkFz3X9aA"
DAY = 86_400


def signed_days_ago(links: SubscriberLinks, days: int, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - days * DAY)
        return links.unsubscribe_token(SID)


def test_a_link_carries_an_opaque_id_and_nothing_personal() -> None:
    links = SubscriberLinks("https://esja.example.org/", SigningKeys(NEW))

    url = links.unsubscribe_url(links.unsubscribe_token(SID), "en")

    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "esja.example.org", "/desabonnement")
    query = parse_qs(parts.query)
    assert query["lang"] == ["en"] and links.unsubscribing(query["jeton"][0]).subscriber_id == SID
    assert "@" not in url and "Julie" not in url


def test_links_sent_before_a_key_rotation_keep_working(monkeypatch: pytest.MonkeyPatch) -> None:
    before = SubscriberLinks("https://esja.example.org", SigningKeys(OLD))
    token = signed_days_ago(before, 30, monkeypatch)

    after = SubscriberLinks("https://esja.example.org", SigningKeys(NEW, previous=OLD))

    assert after.unsubscribing(token).subscriber_id == SID


def test_an_unsubscribe_link_works_at_least_60_days(monkeypatch: pytest.MonkeyPatch) -> None:
    links = SubscriberLinks("https://esja.example.org", SigningKeys(NEW))

    assert links.unsubscribing(signed_days_ago(links, 89, monkeypatch)).subscriber_id == SID
    with pytest.raises(ExpiredToken):
        links.unsubscribing(signed_days_ago(links, 91, monkeypatch))


def test_forged_altered_or_misused_tokens_are_refused() -> None:
    links = SubscriberLinks("https://esja.example.org", SigningKeys(NEW))
    token = links.unsubscribe_token(SID)

    foreign = SubscriberLinks("https://x", SigningKeys("other")).unsubscribe_token(SID)
    for bad in ("", "nonsense", altered(token), foreign):
        with pytest.raises(InvalidToken):
            links.unsubscribing(bad)
    with pytest.raises(InvalidToken):
        links.managing(token)  # an unsubscribe token is not a preferences token


def test_one_click_link_has_no_language_and_names_the_same_subscriber() -> None:
    links = SubscriberLinks("https://esja.example.org", SigningKeys(NEW))
    token = links.unsubscribe_token(SID)

    url = links.one_click_url(token)

    assert url == f"https://esja.example.org/desabonnement/un-clic?jeton={token}"
