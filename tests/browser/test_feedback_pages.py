"""Was it relevant, in Chromium, as people do: an alert's « Pas pertinent » link opens its page, whose button
records the answer; the enterprise's manager signs in and sees the suggestion; an organizer of its region sees
the same in the console. On a desktop and 390 px wide, in French and English, with axe-core on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.alerts.model import ProfileRef
from esja.feedback.links import FeedbackLinks
from esja.tokens import SigningKeys
from local import feedback_case
from local.outbox import sent_emails
from local.serve import LOCAL_SIGNING_KEYS
from local.world import COACH, ENTERPRISE
from tests.browser.conftest import LocalSite, assert_accessible, link_to
from tests.browser.test_sign_in_pages import WORDS as SIGN_IN

WINDOWS = f"seao:{feedback_case.ANSWERS[3].native_id}"  # the window washing at heights
WORDS = {
    "fr": {
        "ballot": "Cet appel d'offres vous concernait-il ?",
        "not_relevant": "Pas pertinent",
        "thanks": "votre réponse « Pas pertinent » est notée",
        "space": "Pertinence des alertes",
        "suggestion": "Exclure le mot « vitres » aurait évité",
        "accept": "Voir l'aperçu avec ce changement",
        "preview": "Aperçu : les 60 derniers jours",
    },
    "en": {
        "ballot": "Was this tender for you?",
        "not_relevant": "Not relevant",
        "thanks": "your answer “Not relevant” is recorded",
        "space": "Relevance of the alerts",
        "suggestion": "Excluding the word “vitres” would have avoided",
        "accept": "Preview with this change",
        "preview": "Preview: the last 60 days",
    },
}


def sign_in(site: LocalSite, page: Any, email: str, lang: str) -> None:
    """From the sign-in page a space's page sent us to, back to it with an open session."""
    expect(page).to_have_url(re.compile(r"/connexion\?lang=..&suite="))
    page.get_by_label(re.compile("Adresse courriel|E-mail address")).fill(email)
    before = len(sent_emails())
    page.get_by_role("button", name=SIGN_IN[lang]["send"]).click()
    page.goto(link_to(email, before))
    page.get_by_role("button", name=SIGN_IN[lang]["open"]).click()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_answer_from_an_alert_then_the_suggestion_in_the_space_and_the_console(
    spaces: LocalSite, page: Any, lang: str
) -> None:
    words, axe = WORDS[lang], Axe()
    links = FeedbackLinks(spaces.base_url, SigningKeys.from_list([LOCAL_SIGNING_KEYS]))
    profiles = (ProfileRef(feedback_case.ENTERPRISE_ID, feedback_case.PROFILE_ID, ""),)
    voter = f"browser-{lang}-{page.viewport_size['width']}"
    page.goto(links.url(voter, WINDOWS, profiles, relevant=False, lang=lang))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["ballot"])
    expect(page.locator("main")).to_contain_text("Lavage des vitres extérieures en hauteur")
    assert_accessible(page, axe, "the link's page")
    page.get_by_role("button", name=words["not_relevant"], exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(words["thanks"])
    assert_accessible(page, axe, "the answer recorded")

    page.goto(spaces.url(f"/entreprise/pertinence?lang={lang}"))
    sign_in(spaces, page, ENTERPRISE.email, lang)
    expect(page).to_have_url(re.compile(r"/entreprise/pertinence"))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["space"])
    expect(page.locator("main")).to_contain_text(words["suggestion"])
    assert_accessible(page, axe, "the enterprise's feedback")
    page.get_by_role("button", name=words["accept"]).first.click()  # nothing saved: the preview only
    expect(page.get_by_role("heading", name=re.compile(words["preview"]))).to_be_visible()
    expect(page.locator("#excluded")).to_contain_text("vitres")
    assert_accessible(page, axe, "the profile's form with the suggestion and its preview")
    page.get_by_role("button", name=SIGN_IN[lang]["sign_out"]).click()

    page.goto(spaces.url(f"/organisation/pertinence?lang={lang}"))
    sign_in(spaces, page, COACH.email, lang)
    page.get_by_role("button", name=SIGN_IN[lang]["organizer"]).click()  # the coach also manages an enterprise
    expect(page).to_have_url(re.compile(r"/organisation/pertinence"))
    assert_accessible(page, axe, "the console's list")
    page.get_by_role("link", name="Les Ateliers Mon Choix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les Ateliers Mon Choix")
    expect(page.locator("main")).to_contain_text(words["suggestion"])
    assert_accessible(page, axe, "the console's enterprise")
