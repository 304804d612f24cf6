"""Signing in, in Chromium, as a person does: a page of the console asked for, the sign-in page, the e-mail
(read from the outbox), its link, the button, the role chosen, the page asked for at first — then signing
out. On a desktop and 390 px wide, in French and English, with axe-core on every page of the way."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from local.outbox import sent_emails
from local.world import COACH
from tests.browser.conftest import LocalSite, assert_accessible, link_to

WORDS = {
    "fr": {
        "email": "Adresse courriel",
        "send": "Recevoir un lien de connexion",
        "sent": "Vérifiez vos courriels",
        "open": "Ouvrir ma session",
        "organizer": "Organisateur — Économie sociale Bas-Saint-Laurent",
        "journal": "Journal d'audit",
        "sign_out": "Se déconnecter",
        "signed_out": "Vous êtes déconnecté",
    },
    "en": {
        "email": "E-mail address",
        "send": "Send me a sign-in link",
        "sent": "Check your e-mail",
        "open": "Open my session",
        "organizer": "Organizer — Économie sociale Bas-Saint-Laurent",
        "journal": "Audit journal",
        "sign_out": "Sign out",
        "signed_out": "You are signed out",
    },
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sign_in_choose_a_role_come_back_and_sign_out(spaces: LocalSite, page: Any, lang: str) -> None:
    words, axe = WORDS[lang], Axe()
    page.goto(spaces.url(f"/organisation/journal?lang={lang}"))
    expect(page).to_have_url(re.compile(r"/connexion\?lang=..&suite="))
    assert_accessible(page, axe, "sign-in page")

    page.get_by_label(words["email"]).fill(COACH.email)
    page.get_by_label("English" if lang == "en" else "Français").check()
    before = len(sent_emails())
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["sent"])
    assert_accessible(page, axe, "check your e-mail")

    page.goto(link_to(COACH.email, before))
    assert_accessible(page, axe, "the link's page")
    page.get_by_role("button", name=words["open"]).click()
    assert_accessible(page, axe, "the role chooser")
    page.get_by_role("button", name=words["organizer"]).click()

    expect(page).to_have_url(re.compile(r"/organisation/journal$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["journal"])
    expect(page.locator("header .who")).to_contain_text(COACH.email)
    assert_accessible(page, axe, "the journal")
    page.get_by_role("link", name=re.compile("Accueil|Home")).click()
    expect(page).to_have_url(re.compile(r"/organisation/(\?.*)?$"))  # axe runs on the page arrived at
    assert_accessible(page, axe, "the console's home")

    page.get_by_role("button", name=words["sign_out"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["signed_out"])
    page.goto(spaces.url("/organisation/"))
    expect(page).to_have_url(re.compile(r"/connexion\?lang=..&suite=%2Forganisation%2F"))
