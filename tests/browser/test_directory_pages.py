"""The directory in Chromium, as people use it: an enterprise signs in, writes its listing, previews it, saves it,
publishes it with its consent, finds itself in the public directory and withdraws; anyone finds the pilot's
enterprises by region and code family and reads one's page; an organizer takes a listing down and lifts it. On a
desktop and 390 px wide, in French and English, with axe-core on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from local.outbox import sent_emails
from local.world import COACH, NOT_LISTED
from tests.browser.conftest import LocalSite, assert_accessible, link_to

WORDS = {
    "fr": {
        "email": "Adresse courriel",
        "send": "Recevoir un lien de connexion",
        "open": "Ouvrir ma session",
        "organizer": "Organisateur — Économie sociale Bas-Saint-Laurent",
        "description": "Description en français",
        "description_en": "Description en anglais",
        "website": "Site Web",
        "preview": "Aperçu",
        "preview_title": "Aperçu : ce que le public verrait",
        "save": "Enregistrer",
        "saved": "Fiche enregistrée. Elle n'est pas publiée.",
        "agree": "J'accepte que la fiche soit publiée",
        "publish": "Publier au répertoire",
        "published": "Votre fiche est au répertoire.",
        "withdraw": "Retirer du répertoire",
        "words": "Mots",
        "search": "Chercher",
        "query": "déneigement toitures",
        "found": "Entreprises trouvées : 1",
        "region": "Région desservie",
        "family": "Famille de codes UNSPSC",
        "found_two": "Entreprises trouvées : 2",
        "regions": "Régions desservies",
        "back": "Retour au répertoire",
        "none": "Entreprises trouvées : 0",
        "reason": "Motif du retrait",
        "take_down": "Retirer cette fiche",
        "taken_down": "Fiche retirée du répertoire.",
        "restore": "Lever le retrait",
        "restored": "Retrait levé",
    },
    "en": {
        "email": "E-mail address",
        "send": "Send me a sign-in link",
        "open": "Open my session",
        "organizer": "Organizer — Économie sociale Bas-Saint-Laurent",
        "description": "Description in French",
        "description_en": "Description in English",
        "website": "Website",
        "preview": "Preview",
        "preview_title": "Preview: what the public would see",
        "save": "Save",
        "saved": "Listing saved. It is not published.",
        "agree": "I agree that the listing be published",
        "publish": "Publish in the directory",
        "published": "Your listing is in the directory.",
        "withdraw": "Withdraw from the directory",
        "words": "Words",
        "search": "Search",
        "query": "snow removal roofs",
        "found": "Enterprises found: 1",
        "region": "Region served",
        "family": "UNSPSC code family",
        "found_two": "Enterprises found: 2",
        "regions": "Regions served",
        "back": "Back to the directory",
        "none": "Enterprises found: 0",
        "reason": "Reason for the take-down",
        "take_down": "Take this listing down",
        "taken_down": "Listing taken down.",
        "restore": "Lift the take-down",
        "restored": "Take-down lifted",
    },
}


def sign_in(page: Any, site: LocalSite, email: str, path: str, lang: str) -> None:
    """Ask for a page of a space, sign in on the way, and come back to it."""
    words = WORDS[lang]
    page.goto(site.url(f"{path}?lang={lang}"))
    page.get_by_label(words["email"]).fill(email)
    page.get_by_label("English" if lang == "en" else "Français").check()
    before = len(sent_emails())
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(link_to(email, before))
    page.get_by_role("button", name=words["open"]).click()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_enterprise_publishes_its_listing_finds_it_and_withdraws_it(spaces: LocalSite, page: Any, lang: str) -> None:
    words, axe = WORDS[lang], Axe()
    sign_in(page, spaces, NOT_LISTED.email, "/entreprise/repertoire", lang)
    expect(page).to_have_url(re.compile(r"/entreprise/repertoire$"))
    assert_accessible(page, axe, "the listing's form")

    page.get_by_label(words["description"]).fill(
        "Déneigement de stationnements, de toitures et de trottoirs au Saguenay."
    )
    page.get_by_label(words["description_en"]).fill("Snow removal from parking lots, roofs and sidewalks in Saguenay.")
    page.get_by_label(words["website"], exact=True).fill("https://deneigementfjord.example.org")
    page.get_by_role("button", name=words["preview"], exact=True).click()
    expect(page.get_by_role("heading", name=words["preview_title"])).to_be_visible()
    assert_accessible(page, axe, "the preview")

    page.get_by_role("button", name=words["save"], exact=True).click()
    expect(page.get_by_role("status")).to_have_text(words["saved"])
    page.get_by_label(words["agree"]).check()
    page.get_by_role("button", name=words["publish"]).click()
    expect(page.get_by_role("status")).to_have_text(words["published"])
    assert_accessible(page, axe, "the listing, published")

    page.goto(spaces.url(f"/repertoire?lang={lang}"))
    assert_accessible(page, axe, "the directory")
    page.get_by_label(words["words"], exact=True).fill(words["query"])
    page.get_by_role("button", name=words["search"], exact=True).click()
    expect(page.get_by_role("heading", level=2, name=re.compile(words["found"]))).to_be_visible()
    assert_accessible(page, axe, "the search's results")
    page.get_by_role("link", name="Coopérative de déneigement du Fjord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coopérative de déneigement du Fjord")
    expect(page.get_by_role("link", name="https://deneigementfjord.example.org")).to_be_visible()
    assert_accessible(page, axe, "the enterprise's page")

    page.goto(spaces.url(f"/entreprise/repertoire?lang={lang}"))
    page.get_by_role("button", name=words["withdraw"]).click()
    page.goto(spaces.url(f"/repertoire?lang={lang}&q={words['query']}"))
    expect(page.get_by_role("heading", level=2, name=re.compile(words["none"]))).to_be_visible()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_anyone_finds_the_pilots_enterprises_by_region_and_family_and_reads_one(
    spaces: LocalSite, page: Any, lang: str
) -> None:
    words, axe = WORDS[lang], Axe()
    page.goto(spaces.url(f"/repertoire?lang={lang}"))
    page.get_by_label(words["region"]).select_option(label="01 Bas-Saint-Laurent")
    page.get_by_label(words["family"]).select_option("7210")
    page.get_by_role("button", name=words["search"], exact=True).click()
    expect(page.get_by_role("heading", level=2, name=re.compile(words["found_two"]))).to_be_visible()
    assert_accessible(page, axe, "the search by region and family")

    page.get_by_role("link", name="Parc Kiskotuk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parc Kiskotuk")
    expect(page.locator("dt", has_text=words["regions"]).locator("+ dd")).to_have_text(
        "01 Bas-Saint-Laurent, 11 Gaspésie–Îles-de-la-Madeleine"
    )
    expect(page.get_by_role("link", name="groupes@parckiskotuk.example.org")).to_be_visible()
    assert COACH.email not in page.content()  # one of the park's subscribers: never shown
    assert_accessible(page, axe, "the pilot enterprise's page")

    page.get_by_role("link", name=words["back"]).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith(f"/repertoire?lang={lang}")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_organizer_takes_a_listing_down_and_lifts_it(spaces: LocalSite, page: Any, lang: str) -> None:
    words, axe = WORDS[lang], Axe()
    sign_in(page, spaces, COACH.email, "/organisation/repertoire", lang)
    page.get_by_role("button", name=words["organizer"]).click()
    expect(page).to_have_url(re.compile(r"/organisation/repertoire$"))
    assert_accessible(page, axe, "the console's directory")

    # Each run takes down a listing still in the directory (a lifted take-down is not published again).
    listing = page.get_by_role("listitem").filter(has=page.get_by_label(words["reason"])).first
    name = listing.get_by_role("heading").inner_text()
    public = listing.get_by_role("link", name=name).get_attribute("href")
    listing.get_by_label(words["reason"]).fill("Une description qui dénigre une autre entreprise.")
    listing.get_by_role("button", name=words["take_down"]).click()
    expect(page.get_by_role("status")).to_have_text(words["taken_down"])
    assert_accessible(page, axe, "a listing taken down")
    assert page.request.get(spaces.url(public)).status == 404

    page.get_by_role("listitem").filter(has_text=name).get_by_role("button", name=words["restore"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["restored"])
