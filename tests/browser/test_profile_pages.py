"""An enterprise's manager edits an alert profile in Chromium: finds a code by words and adds it, previews what
the profile would have found in 60 days and what it gains and loses, saves it. On a desktop and 390 px wide,
in French and English, with axe-core on every page; and once without JavaScript, the server doing it all."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.people.roles import Role
from local.world import ENTERPRISE
from tests.browser.conftest import PHONE, LocalSite, assert_accessible
from tests.moto_tables import MotoTables
from tests.space_web import SpaceWeb, Visitor

WORDS = {
    "fr": {
        "title": "Vos profils d'alerte",
        "edit": "Modifier du profil « Couture et confection »",
        "find": "Mots (français ou anglais) ou code",
        "search": "Chercher",
        "query": "déneigement",
        "add": "Ajouter 72102901",
        "keywords": "Mots-clés et expressions",
        "preview": "Aperçu",
        "found": "Ce profil aurait trouvé 4 appels d'offres",
        "gained": "Gagnés par rapport au profil enregistré : 2",
        "save": "Enregistrer",
        "saved": "Profil « Couture et confection » enregistré.",
    },
    "en": {
        "title": "Your alert profiles",
        "edit": "Edit profile “Couture et confection”",
        "find": "Words (French or English) or a code",
        "search": "Search",
        "query": "snow removal",
        "add": "Add 72102901",
        "keywords": "Keywords and phrases",
        "preview": "Preview",
        "found": "This profile would have found 4 calls for tenders",
        "gained": "Gained over the saved profile: 2",
        "save": "Save",
        "saved": "Profile “Couture et confection” saved.",
    },
}


@pytest.fixture(scope="module")
def world(spaces: LocalSite) -> LocalSite:
    """The demo's people, and tenders of the last weeks in the recent tenders' snapshot."""
    MotoTables(spaces.aws).publish_recent_tenders(
        (
            ("t-sewing", "Confection de rideaux", "53102700", 3),
            ("t-uniforms", "Couture d'uniformes", "53102700", 10),
            ("t-flags", "Drapeaux cousus main", "55121700", 12),
            ("t-snow", "Déneigement de la cour de l'école", "72102901", 20),
        )
    )
    return spaces


def signed_in(world: LocalSite) -> Visitor:
    """A session of Les Ateliers Mon Choix's manager, as the sign-in opens it (the sign-in has its own tests)."""
    return SpaceWeb(world.aws, people=False).session_for(ENTERPRISE.email, Role.ENTERPRISE, "ateliers-mon-choix")


@pytest.fixture
def page(page: Any, world: LocalSite) -> Any:
    """The browser's page (desktop and phone) holding the manager's session cookie."""
    page.context.add_cookies([{"name": "esja_session", "value": signed_in(world).session_id, "url": world.base_url}])
    return page


def keep_couture_as_the_demo_has_it(world: LocalSite) -> None:
    """Each run edits the same profile: it starts from the demo's (examples/enterprises.csv)."""
    web = SpaceWeb(world.aws, people=False)
    [stored] = [s for s in web.enterprises.stored_profiles("ateliers-mon-choix") if s.profile.id == "couture"]
    demo = ("couture", "confection", "réparation de vêtements", "sewing")
    web.enterprises.replace(replace(stored.profile, keywords=demo, unspsc=("53102700",)), stored.version)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_manager_finds_a_code_previews_the_profile_and_saves_it(world: LocalSite, page: Any, lang: str) -> None:
    words, axe = WORDS[lang], Axe()
    keep_couture_as_the_demo_has_it(world)
    page.goto(world.url(f"/entreprise/profils?lang={lang}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
    assert_accessible(page, axe, "the profiles")

    page.get_by_role("link", name=words["edit"]).click()
    form_url = page.url
    assert_accessible(page, axe, "the profile's form")

    # The script searches as one types, and adds the code in place: no page is loaded.
    page.get_by_label(words["find"]).fill(words["query"])
    page.get_by_role("button", name=words["search"]).click()
    page.get_by_role("button", name=words["add"]).click()
    expect(page.locator("#unspsc")).to_have_value(re.compile(r"72102901$"))
    assert page.url == form_url
    assert_accessible(page, axe, "the codes found")

    keywords = page.get_by_label(words["keywords"])
    keywords.fill(keywords.input_value() + "\ndrapeaux")
    page.get_by_role("button", name=words["preview"], exact=True).click()
    preview = page.locator("#apercu")
    expect(preview).to_contain_text(words["found"])
    expect(preview).to_contain_text(words["gained"])
    expect(preview).to_contain_text("Drapeaux cousus main")
    expect(preview).to_contain_text("Déneigement de la cour")
    expect(page.locator("#unspsc")).to_have_value(re.compile(r"72102901$"))  # the draft came back as typed
    assert_accessible(page, axe, "the preview")

    page.get_by_role("button", name=words["save"], exact=True).click()
    expect(page.get_by_role("status")).to_have_text(words["saved"])
    assert_accessible(page, axe, "the saved profile")


def test_without_javascript_the_server_searches_and_adds_the_code(browser: Any, world: LocalSite) -> None:
    keep_couture_as_the_demo_has_it(world)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    context.add_cookies([{"name": "esja_session", "value": signed_in(world).session_id, "url": world.base_url}])
    page = context.new_page()
    try:
        page.goto(world.url("/entreprise/profils/modifier?profil=couture&lang=fr"))
        page.get_by_label("Mots (français ou anglais) ou code").fill("déneigement")
        page.get_by_role("button", name="Chercher").click()
        expect(page.locator("#code-results")).to_contain_text("3 codes trouvés")
        page.get_by_role("button", name="Voir la classe 72102900").first.click()
        expect(page.locator("#famille")).to_contain_text("Ce que contient 72102900")
        assert_accessible_as_served(browser, page, world, "the class, without JavaScript")
        page.get_by_role("button", name="Ajouter 72102901").first.click()
        expect(page.get_by_role("status")).to_contain_text("Code ajouté")
        expect(page.locator("#unspsc")).to_have_value(re.compile(r"53102700\n72102901"))
        assert_accessible_as_served(browser, page, world, "the code added, without JavaScript")
    finally:
        context.close()


def assert_accessible_as_served(browser: Any, page: Any, world: LocalSite, where: str) -> None:
    """axe waits on timers, which never fire where scripts are off: it reads the same page, served from the
    same origin (its styles too), in a context where they run."""
    html, url = page.content(), world.url("/tel-que-servi")
    context = browser.new_context(viewport=page.viewport_size)
    try:
        copy = context.new_page()
        copy.route(url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
        copy.goto(url)
        assert_accessible(copy, Axe(), where)
    finally:
        context.close()
