"""The console's feeds, a past digest and the programme report in Chromium, on a desktop and 390 px wide: axe-core
on each page, no sideways scrolling, the digest opened inside the console, the report's dates and its CSV."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.digest.compose import archive_page
from esja.digest.links import archive_key
from esja.ingest.feed_state import FeedState
from esja.people.roles import Role
from esja.store.feeds import FeedStateStore
from local.world import COACH, people_of_the_spaces
from tests.browser.conftest import DESKTOP, PHONE, LocalSite, assert_accessible
from tests.browser.test_digest_pages import ARTIFACTS, SENDER, realistic_digest
from tests.digest_builders import ESBSL, WEEK, tender
from tests.moto_tables import MotoTables
from tests.space_web import SpaceWeb

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def console(site: LocalSite) -> tuple[LocalSite, str]:
    """ESBSL's organizer's session (straight in the Sessions table), SEAO late, a digest archived, tenders."""
    people_of_the_spaces(site.aws)
    web = SpaceWeb(site.aws, people=False)
    feeds = FeedStateStore(site.aws.resources.names["FeedsTable"], site.aws.client("dynamodb"))
    feeds.save(FeedState("seao", processed=["hebdo_20261019_20261025.json"], last_success_at=NOW.isoformat()))
    feeds.save(FeedState("canadabuys-new", last_success_at=(NOW - timedelta(days=4)).isoformat(), totals={"new": 12}))
    page = archive_page(realistic_digest(ESBSL), sender=SENDER)
    site.aws.client("s3").put_object(
        Bucket=site.aws.resources.names["ArchiveBucket"], Key=archive_key("esbsl", WEEK), Body=page.encode()
    )
    tables = MotoTables(site.aws)
    for n in range(3):
        assert tables.store_tender(tender(f"b{n}"), NOW - timedelta(days=n))
    return site, web.session_for(COACH.email, Role.ORGANIZER, "esbsl").session_id


@pytest.fixture(params=["desktop", "phone"])
def page(browser: Any, request: Any, console: tuple[LocalSite, str]) -> Iterator[Any]:
    site, session_id = console
    phone = request.param == "phone"
    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {"viewport": DESKTOP}
    context = browser.new_context(locale="fr-CA", **options)
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "esja_session", "value": session_id, "url": site.base_url}])
    yield context.new_page()
    context.close()


def keep_screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.viewport_size['width']}px.png"), full_page=True)


def url(console: tuple[LocalSite, str], path: str) -> str:
    return console[0].url(path)


def test_the_feeds_page_says_which_feed_is_late(console: tuple[LocalSite, str], page: Any) -> None:
    page.goto(url(console, "/organisation/flux"))

    expect(page.get_by_role("heading", level=2, name=re.compile("SEAO"))).to_contain_text("En retard")
    expect(page.get_by_role("status")).to_contain_text("SEAO")
    assert_accessible(page, Axe(), "the feeds")
    keep_screenshot(page, "console-feeds")


def test_a_past_digest_opens_inside_the_console(console: tuple[LocalSite, str], page: Any) -> None:
    page.goto(url(console, "/organisation/sommaires"))
    assert_accessible(page, Axe(), "the digests")

    page.get_by_role("link", name=re.compile("Sommaire de la semaine du 16 au 22 novembre 2026")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("16 au 22 novembre 2026")
    frame = page.frame_locator("iframe.archived-digest")
    expect(frame.get_by_role("heading", level=1)).to_contain_text("Sommaire de la semaine du 16 au 22 novembre 2026")
    assert_accessible(page, Axe(), "a digest in the console")
    keep_screenshot(page, "console-digest")


def test_the_report_shows_its_figures_reads_on_a_phone_and_downloads_its_csv(
    console: tuple[LocalSite, str], page: Any, tmp_path: Path
) -> None:
    today = datetime.now(UTC).date()
    page.goto(url(console, f"/organisation/rapport?du={today - timedelta(days=40)}&au={today}"))

    summary = page.get_by_role("table", name="Sur la période").first
    expect(summary.get_by_role("row", name=re.compile("Nouveaux appels d'offres dans vos régions"))).to_contain_text(
        "3"
    )
    expect(page.locator(".bar").first).to_have_attribute("aria-hidden", "true")
    assert_accessible(page, Axe(), "the report")
    keep_screenshot(page, "console-report")

    with page.expect_download() as download:
        page.get_by_role("link", name="les chiffres, mois par mois (CSV)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.read_text(encoding="utf-8").startswith("chiffre,code,")


def test_wrong_dates_are_said_beside_their_fields(console: tuple[LocalSite, str], page: Any) -> None:
    page.goto(url(console, "/organisation/rapport"))

    page.get_by_label("Du").fill("2027-05-31")
    page.get_by_label("Au").fill("2026-10-01")
    page.get_by_role("button", name="Afficher").click()

    expect(page.get_by_role("alert")).to_have_text("La première date doit venir avant la seconde.")
    expect(page.get_by_label("Du")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, Axe(), "the report's errors")
