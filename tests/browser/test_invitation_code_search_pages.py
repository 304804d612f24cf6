"""A signatory finds the invitation's code by words in Chromium, with the enterprises' profile form's search: the
script answers as one types and « Ajouter » puts the code in the field; the invitation posted with it reaches
the matched demo enterprise's inbox and its public page shows the code. On a desktop and 390 px wide, in French
and English, with axe-core on every page; and once without JavaScript, the server doing the search."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.clock import TIME_ZONE
from esja.people.roles import Role
from local.world import ENTERPRISE, KEYS
from tests.browser.conftest import PHONE, LocalSite, assert_accessible, landed
from tests.browser.test_profile_pages import assert_accessible_as_served
from tests.space_builders import pledge
from tests.space_web import SpaceWeb

NEW = "/signataire/invitations/nouvelle"
WORDS = {
    "fr": {
        "find": "Mots (français ou anglais) ou code",
        "query": "nettoyage de bureaux",
        "found": "Nettoyage et entretien de bureaux et de bâtiments divers",
        "added": "76111500 ajouté aux codes de l'invitation.",
        "post": "Publier l'invitation",
        "published": "Invitation publiée",
    },
    "en": {
        "find": "Words (French or English) or a code",
        "query": "office cleaning",
        "found": "General building and office cleaning and maintenance services",
        "added": "76111500 added to the invitation's codes.",
        "post": "Post the invitation",
        "published": "Invitation published",
    },
}
_towns = itertools.count(1)


def a_signatory_session(site: LocalSite) -> str:
    """A verified signatory of a town of its own, in session (each institution posts a few invitations a day;
    the sign-in has its own tests)."""
    number = next(_towns)
    email, pledge_id = f"achats@municipalite-{number}.example.org", f"p-codes-{number}"
    web = SpaceWeb(site.aws, people=False)
    web.pledge_store.add(pledge(pledge_id, email, institution=f"Municipalité {number}", address_key=KEYS(email)))
    return web.session_for(email, Role.SIGNATORY, pledge_id).session_id


@pytest.fixture
def page(page: Any, spaces: LocalSite) -> Any:
    """The browser's page (desktop and phone) holding a signatory's session cookie."""
    page.context.add_cookies([{"name": "esja_session", "value": a_signatory_session(spaces), "url": spaces.base_url}])
    return page


def fill_the_rest(page: Any, title: str) -> None:
    """Everything but the codes, as the Cégep's buyer types it: cleaning in Rimouski, closing in ten days."""
    in_ten_days = (datetime.now(UTC) + timedelta(days=10)).astimezone(TIME_ZONE).date().isoformat()
    page.locator("#title_fr").fill(title)
    page.locator("#description_fr").fill("Nettoyage hebdomadaire des bureaux et des salles de toilettes.")
    page.locator("#category").select_option("services")
    page.locator("#municipality").fill("Rimouski")
    page.locator("#closing_date").fill(in_ten_days)
    page.locator("#closing_time").fill("14:00")
    page.locator("#answer_email").fill("achats@municipalite.example.org")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_signatory_finds_the_code_by_words_and_the_matched_enterprise_is_told(
    spaces: LocalSite, page: Any, lang: str
) -> None:
    words, axe = WORDS[lang], Axe()
    title = f"Entretien des bureaux de l'hôtel de ville {lang} {page.viewport_size['width']}"
    page.goto(spaces.url(f"{NEW}?lang={lang}"))
    form_url = page.url
    assert_accessible(page, axe, "the invitation form")
    fill_the_rest(page, title)

    # The script answers as one types, and « Ajouter » puts the code in the field: no page is loaded.
    page.get_by_label(words["find"]).press_sequentially(words["query"], delay=10)
    expect(page.locator("#code-results")).to_contain_text(words["found"])
    page.get_by_role("button", name=re.compile(r"^(Ajouter|Add) 76111500$")).click()
    expect(page.locator("#codes")).to_have_value("76111500")
    expect(page.locator("#code-results")).to_contain_text(words["added"])
    assert page.url == form_url
    assert_accessible(page, axe, "the codes found, one added")

    page.get_by_role("button", name=words["post"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["published"])
    landed(spaces, ENTERPRISE.email, title)
    page.get_by_role("status").get_by_role("link", name=title).click()
    expect(page.locator("main")).to_contain_text("76111500")
    assert_accessible(page, axe, "the public page, the code shown")


def test_without_javascript_the_server_searches_and_the_code_is_posted(browser: Any, spaces: LocalSite) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    context.add_cookies([{"name": "esja_session", "value": a_signatory_session(spaces), "url": spaces.base_url}])
    page = context.new_page()
    title = "Entretien des bureaux de la caserne, sans script"
    try:
        page.goto(spaces.url(f"{NEW}?lang=fr"))
        fill_the_rest(page, title)
        page.get_by_label("Mots (français ou anglais) ou code").fill("nettoyage de bureaux")
        page.get_by_role("button", name="Chercher").click()
        expect(page.locator("#code-results")).to_contain_text("2 codes trouvés")
        expect(page.locator("#title_fr")).to_have_value(title)  # the draft came back as typed
        page.get_by_role("button", name="Voir ce qu'il contient 76111500").click()
        expect(page.locator("#famille")).to_contain_text("Ce que contient 76111500")
        assert_accessible_as_served(browser, page, spaces, "the class, without JavaScript")
        page.get_by_role("button", name="Ajouter 76111500").first.click()
        expect(page.get_by_role("status")).to_contain_text("Code ajouté aux codes de l'invitation")
        expect(page.locator("#codes")).to_have_value("76111500")
        assert_accessible_as_served(browser, page, spaces, "the code added, without JavaScript")

        page.get_by_role("button", name="Publier l'invitation").click()
        expect(page.get_by_role("status")).to_contain_text("Invitation publiée")
        landed(spaces, ENTERPRISE.email, title)
    finally:
        context.close()
