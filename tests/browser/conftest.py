"""Browser fixtures: the local server (web function on moto, in-process) and Debian's Chromium.

Without /usr/bin/chromium the browser tests are skipped with the reason, except in CI (CI is set),
where they must run: .ci/run installs Chromium with apt.
"""

from __future__ import annotations

import os
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.clock import TIME_ZONE
from esja.store.pledges import PledgeStore
from local.outbox import sent_emails, write_outbox
from local.runtime import LocalAws, local_aws
from local.serve import site_server
from local.world import KEYS, people_of_the_spaces
from tests.space_builders import pledge

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


def new_context(browser: Any, device: str) -> Any:
    """A new browser context (French Canadian locale) on a device of DEVICES."""
    context = browser.new_context(locale="fr-CA", **DEVICES[device])
    context.set_default_timeout(15_000)
    return context


@pytest.fixture(params=list(DEVICES))
def page(browser: Any, request: Any) -> Iterator[Any]:
    """A page of a new browser context, on a desktop and on a phone 390 px wide."""
    context = new_context(browser, request.param)
    yield context.new_page()
    context.close()


@pytest.fixture
def other_page(browser: Any, page: Any, request: Any) -> Iterator[Any]:
    """A second person's page beside `page` (a colleague at their own desk), on the same kind of device."""
    context = new_context(browser, request.node.callspec.params["page"])
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
        context = new_context(self._browser, device)
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


def a_verified_signatory(site: LocalSite, email: str, institution: str) -> None:
    """A pledge of an institution of its own (in region 01), confirmed and verified: on the registry, its signer
    may use the space. Each test that changes a pledge, or posts invitations, has its own."""
    store = PledgeStore(site.aws.resources.names["PledgesTable"], site.aws.client("dynamodb"))
    signed = pledge(f"p-{KEYS(email)[:12]}", email, institution=institution, address_key=KEYS(email))
    store.add(signed)
    assert signed.verdict and store.record_verdict(signed, signed.verdict), "on the registry"


def landed(site: LocalSite, to: str, *words: str, seconds: float = 10) -> str:
    """The e-mail to `to` in the outbox whose subject or plain text says every one of `words`, once the queues
    played after the request have sent it (waiting up to `seconds`): its subject and plain text."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for written in sorted(site.outbox.glob(f"*-{to}-*.eml")):
            message = message_from_bytes(written.read_bytes(), policy=policy.default)
            assert isinstance(message, EmailMessage)
            plain = message.get_body(preferencelist=("plain",))
            text = f"{message['Subject']}\n{plain.get_content() if plain else ''}"
            if all(word in text for word in words):
                return text
        time.sleep(0.2)
    raise AssertionError(f"no e-mail to {to} saying {words}: {sorted(p.name for p in site.outbox.glob('*.eml'))}")


def post_invitation(page: Any, title: str, *, days: int = 15) -> None:
    """From the signatory's invitations, one posted in French, closing in `days` days (fill_invitation)."""
    page.get_by_role("link", name="Publier une invitation").click()
    fill_invitation(page, title, (datetime.now(UTC) + timedelta(days=days)).astimezone(TIME_ZONE).date())
    page.get_by_role("button", name="Publier l'invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation publiée")


def fill_invitation(page: Any, title: str, closing: date, title_label: str = "Titre en français") -> None:
    """The invitation form filled: a request for quotes for building cleaning in Rimouski (the demo enterprise's
    profile matches it), closing on `closing` at 14 h."""
    page.get_by_label(title_label).fill(title)
    page.locator("#description_fr").fill("Entretien ménager hebdomadaire des planchers et des salles de toilettes.")
    page.locator("#codes").fill("76111500")
    page.locator("#category").select_option("services")
    page.locator("#municipality").fill("Rimouski")
    page.locator("#closing_date").fill(closing.isoformat())
    page.locator("#closing_time").fill("14:00")
    page.locator("#answer_email").fill("approvisionnement@rimouski.example.org")
