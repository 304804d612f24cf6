"""Where a person comes back to after signing in: only a path of this site (esja.signin.links.own_path);
and the cookie that names a session (esja.web.session.SessionCookie)."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esja.signin.links import own_path, with_next
from esja.web.session import SessionCookie

SITE = "https://esja.example.org/connexion/lien"
HOSTILE = [
    "https://evil.example.com/",
    "//evil.example.com/organisation/",
    "/\\evil.example.com",
    "\\\\evil.example.com",
    "/\\/evil.example.com",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/organisation/\r\nSet-Cookie: x=1",
    "/organisation/\t/evil",
    " /organisation/",
    "/%0d%0aLocation:%20https://evil.example.com",
    "http:/evil.example.com",
    "/connexion?suite=//evil.example.com",
    "/deconnexion",
    "/organisation/" + "x" * 600,
    "/organisation/é",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_next_path_is_dropped_for_the_spaces_home(value: str) -> None:
    kept = own_path(value)

    assert kept in ("", value)
    assert urljoin(SITE, kept or "/").startswith("https://esja.example.org/")
    assert "\r" not in kept and "\n" not in kept


@pytest.mark.parametrize(
    "value", ["/organisation/", "/organisation/journal?du=2026-11-01&au=2026-11-30", "/entreprise/"]
)
def test_a_path_of_the_site_is_kept(value: str) -> None:
    assert own_path(value) == value


@given(st.text(max_size=80))
def test_whatever_is_sent_the_browser_stays_on_the_site(value: str) -> None:
    kept = own_path(value)

    assert kept == "" or (kept == value and kept.startswith("/") and not kept.startswith("//"))
    assert urljoin(SITE, kept or "/").startswith("https://esja.example.org/")


def test_the_next_path_travels_only_when_it_is_ours() -> None:
    assert with_next("/connexion", "/organisation/journal") == "/connexion?suite=%2Forganisation%2Fjournal"
    assert with_next("/connexion", "//evil.example.com") == "/connexion"


def test_the_session_cookie_is_host_only_secure_http_only_and_lax() -> None:
    cookie = SessionCookie.for_site("https://esja.example.org").opened("secret-id")

    assert str(cookie) == "__Host-esja_session=secret-id; Path=/; HttpOnly; Secure; SameSite=Lax"


@pytest.mark.parametrize("site", ["http://127.0.0.1:3000", "http://localhost:3000"])
def test_only_make_serve_on_plain_http_relaxes_the_cookie(site: str) -> None:
    assert str(SessionCookie.for_site(site).opened("id")) == "esja_session=id; Path=/; HttpOnly; SameSite=Lax"


@pytest.mark.parametrize("site", ["http://esja.example.org", "https://127.0.0.1:3000", "http://127.0.0.2"])
def test_any_other_site_keeps_the_host_prefix_and_secure(site: str) -> None:
    assert SessionCookie.for_site(site).name == "__Host-esja_session" and SessionCookie.for_site(site).secure


def test_signing_out_clears_the_cookie() -> None:
    assert "Max-Age=0" in str(SessionCookie.for_site("https://esja.example.org").cleared())
