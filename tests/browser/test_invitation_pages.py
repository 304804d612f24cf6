"""A signatory invites enterprises, in Chromium, as a person does: the space's form asked for, sign-in (the
link read from the outbox), the form with its errors beside the fields, then posted; the matched demo
enterprise's alert lands in the outbox within the requests' instant run (the queues played after each
request, as Lambda's event sources); the public page and the OCDS package show it. On a desktop and 390 px
wide, in French and English, with axe-core on every page of the way."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.clock import TIME_ZONE
from local.outbox import sent_emails
from local.world import SIGNATORY, people_of_the_spaces
from tests.browser.conftest import LocalSite, assert_accessible, fill_invitation, landed, link_to

ENTERPRISE_INBOX = "direction.monchoix@example.org"  # Les Ateliers Mon Choix: cleaning services in region 01
WORDS = {
    "fr": {
        "send": "Recevoir un lien de connexion",
        "open": "Ouvrir ma session",
        "post": "Publier l'invitation",
        "title": "Titre en français",
        "errors": "Rien n'a été enregistré",
        "published": "Invitation publiée",
        "past": "La date limite est passée",
    },
    "en": {
        "send": "Send me a sign-in link",
        "open": "Open my session",
        "post": "Post the invitation",
        "title": "Title in French",
        "errors": "Nothing was saved",
        "published": "Invitation published",
        "past": "This deadline has passed",
    },
}


@pytest.fixture(scope="module")
def spaces(site: LocalSite) -> LocalSite:
    people_of_the_spaces(site.aws)
    return site


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_signatory_posts_an_invitation_and_the_matched_enterprise_is_told(
    spaces: LocalSite, page: Any, lang: str
) -> None:
    site = spaces
    words, axe = WORDS[lang], Axe()
    title = f"Entretien ménager de la salle {lang} {page.viewport_size['width']}"
    page.goto(site.url(f"/signataire/invitations/nouvelle?lang={lang}"))
    expect(page).to_have_url(re.compile(r"/connexion\?lang=..&suite=%2Fsignataire%2Finvitations%2Fnouvelle"))
    page.get_by_label(re.compile("Adresse courriel|E-mail address")).fill(SIGNATORY.email)
    before = len(sent_emails())
    page.get_by_role("button", name=words["send"]).click()
    page.goto(link_to(SIGNATORY.email, before))
    page.get_by_role("button", name=words["open"]).click()
    expect(page).to_have_url(re.compile(r"/signataire/invitations/nouvelle"))
    assert_accessible(page, axe, "the invitation form")

    yesterday = (datetime.now(TIME_ZONE) - timedelta(days=1)).date()
    fill_invitation(page, title, yesterday, words["title"])
    page.get_by_role("button", name=words["post"]).click()
    expect(page.locator("#error-summary")).to_contain_text(words["errors"])
    expect(page.locator("#closing_date-error")).to_contain_text(words["past"])
    expect(page.locator("#closing_date")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, axe, "the form with its errors")

    in_ten_days = (datetime.now(UTC) + timedelta(days=10)).astimezone(TIME_ZONE).date().isoformat()
    page.locator("#closing_date").fill(in_ten_days)
    page.get_by_role("button", name=words["post"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["published"])
    assert_accessible(page, axe, "the list, the invitation published")

    landed(site, ENTERPRISE_INBOX, title)  # the alert, sent by the queues played after the post
    page.get_by_role("status").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("main")).to_contain_text("Cégep de Rimouski")
    assert_accessible(page, axe, "the public page")
    feed = json.loads(page.request.get(site.url("/ocds/invitations.json")).text())
    assert title in [release["tender"]["title"] for release in feed["releases"]]
