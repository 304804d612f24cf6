"""Browser fixtures: the local server (web function on moto, in-process) and Debian's Chromium.

Without /usr/bin/chromium the browser tests are skipped with the reason, except in CI (CI is set),
where they must run: .ci/run installs Chromium with apt.
"""

from __future__ import annotations

import os
import re
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from local.outbox import sent_emails, write_outbox
from local.runtime import LocalAws, local_aws
from local.serve import site_server
from local.world import people_of_the_spaces

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WEB = "WebFunction"
PHONE = {"width": 390, "height": 844}  # a current phone, in CSS pixels
DESKTOP = {"width": 1280, "height": 900}


@dataclass(frozen=True, slots=True)
class LocalSite:
    base_url: str
    aws: LocalAws
    outbox: Path  # the e-mails SES accepted, written after each request as `make serve` writes out/outbox/

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests (.ci/run installs chromium with apt)")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); CI runs these tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSite]:
    """`make serve` in a background thread, on a free port: the queues played and the e-mails written to an
    outbox after each request."""
    outbox = tmp_path_factory.mktemp("outbox")
    with local_aws() as aws:

        def written() -> None:
            write_outbox(outbox)

        server, env = site_server(aws, "http://127.0.0.1", port=0, after=written)
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        env.update(PUBLIC_BASE_URL=base_url, SIGN_IN_FLOOR_SECONDS="0", POWERTOOLS_LOG_LEVEL="WARNING")
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        # One request before the browser's: the function's cold start reads its environment, once.
        with urllib.request.urlopen(f"{base_url}/", timeout=30) as first:
            assert first.status == 200
        try:
            yield LocalSite(base_url, aws, outbox)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)


@pytest.fixture(scope="module")
def spaces(site: LocalSite) -> LocalSite:
    """The site with the spaces' people (local.world): organizers, enterprises' managers, signatories."""
    people_of_the_spaces(site.aws)
    return site


DEVICES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}


@pytest.fixture(params=list(DEVICES))
def page(browser: Any, request: Any) -> Iterator[Any]:
    """A page of a new browser context, on a desktop and on a phone 390 px wide (French Canadian locale)."""
    context = browser.new_context(locale="fr-CA", **DEVICES[request.param])
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


class Devices:
    """Browser contexts, one a device (desktop or phone, French Canadian locale), each signed in with a session
    of its own or none; all closed after the test."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser
        self._contexts: list[Any] = []

    def open(self, device: str, site: LocalSite, session_id: str = "") -> Any:
        """A page of a new context on `device`, holding the session's cookie when `session_id` is given."""
        context = self._browser.new_context(locale="fr-CA", **DEVICES[device])
        context.set_default_timeout(15_000)
        if session_id:
            context.add_cookies([{"name": "esja_session", "value": session_id, "url": site.base_url}])
        self._contexts.append(context)
        return context.new_page()

    def close(self) -> None:
        for context in self._contexts:
            context.close()


@pytest.fixture
def devices(browser: Any) -> Iterator[Devices]:
    opened = Devices(browser)
    yield opened
    opened.close()


def link_to(email: str, count_before: int) -> str:
    """The sign-in link of the one e-mail sent to `email` since the outbox held `count_before`."""
    emails = [e for e in sent_emails()[count_before:] if e.to and e.to[0] == email]
    assert len(emails) == 1, "one sign-in e-mail was expected"
    found = re.search(r"http://\S+/connexion/lien\?\S+", emails[0].part("text/plain"))
    assert found
    return found[0]


def sign_in_here(page: Any, email: str) -> None:
    """On the sign-in page a space's page sent `page` to (in French): the address, the e-mail, its link, its
    button — back where it was going, in an open session."""
    page.get_by_label("Adresse courriel").fill(email)
    before = len(sent_emails())
    page.get_by_role("button", name="Recevoir un lien de connexion").click()
    page.get_by_role("heading", level=1, name="Vérifiez vos courriels").wait_for()
    page.goto(link_to(email, before))
    page.get_by_role("button", name="Ouvrir ma session").click()


def assert_accessible(page: Any, axe: Axe, where: str) -> None:
    """axe-core finds nothing, and nothing scrolls sideways."""
    violations = axe.run(page).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == [], where
    widths = page.evaluate("({document: document.documentElement.scrollWidth, body: document.body.scrollWidth})")
    assert max(widths.values()) <= page.viewport_size["width"], (where, widths)
