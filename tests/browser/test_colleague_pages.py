"""Colleagues, in Chromium, as people do: the manager signs in, asks for a colleague (the form's errors first),
the colleague opens the e-mailed link and confirms, and appears in the list; their frequency changed. On a desktop
and 390 px wide, in French and English, with axe-core on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from local.outbox import sent_emails
from local.world import ENTERPRISE
from tests.browser.conftest import LocalSite, assert_accessible
from tests.browser.test_feedback_pages import sign_in

WORDS = {
    "fr": {
        "title": "Collègues",
        "name": "Nom",
        "email": "Adresse courriel",
        "send": "Envoyer la demande de confirmation",
        "errors": "Rien n'a été envoyé",
        "sent": "C'est envoyé",
        "confirm": "Je confirme",
        "confirmed": "C'est confirmé",
        "frequency": "Fréquence des alertes",
        "weekly": "hebdomadaire",
        "save": "Enregistrer",
        "saved": "Les changements sont enregistrés",
    },
    "en": {
        "title": "Colleagues",
        "name": "Name",
        "email": "E-mail address",
        "send": "Send the confirmation request",
        "errors": "Nothing was sent",
        "sent": "Sent: your colleague",
        "confirm": "I confirm",
        "confirmed": "Confirmed: you will receive",
        "frequency": "Frequency of the alerts",
        "weekly": "weekly",
        "save": "Save",
        "saved": "The changes are saved",
    },
}


def confirmation_link(email: str) -> str:
    sent = [e for e in sent_emails() if e.to and e.to[0] == email]
    assert len(sent) == 1, "one confirmation e-mail was expected"
    found = re.search(r"http://\S+/collegue/confirmation\?\S+", sent[0].part("text/plain"))
    assert found
    return found[0]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_manager_asks_for_a_colleague_who_confirms(spaces: LocalSite, page: Any, lang: str) -> None:
    words, axe = WORDS[lang], Axe()
    name, email = f"Anne Gagnon {lang}", f"anne.{lang}.{page.viewport_size['width']}@example.org"
    page.goto(spaces.url(f"/entreprise/collegues?lang={lang}"))
    sign_in(spaces, page, ENTERPRISE.email, lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
    assert_accessible(page, axe, "the colleagues")

    page.locator("#name").fill(name)
    page.locator("#email").fill("anne@")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.locator("#error-summary")).to_contain_text(words["errors"])
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, axe, "the form with its errors")
    page.locator("#email").fill(email)
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["sent"])
    expect(page.locator("main")).to_contain_text(email)  # waiting for confirmation

    page.goto(confirmation_link(email))
    assert_accessible(page, axe, "the confirmation page")
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["confirmed"])
    assert_accessible(page, axe, "confirmed")

    page.goto(spaces.url(f"/entreprise/collegues?lang={lang}"))
    card = page.locator("ul.cards > li", has_text=email)
    card.get_by_label(words["frequency"]).select_option(label=words["weekly"])
    card.get_by_role("button", name=re.compile(words["save"])).click()
    expect(page.get_by_role("status")).to_contain_text(words["saved"])
    expect(page.locator("ul.cards > li", has_text=email).get_by_label(words["frequency"])).to_have_value("weekly")
    assert_accessible(page, axe, "the colleague's frequency changed")
