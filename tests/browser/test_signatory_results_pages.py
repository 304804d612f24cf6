"""The Ville de Rimouski's signatory in Chromium, in make serve's world (local.world): signs in, posts an
invitation, sees who fits its own SEAO tender and its invitation (the directory's listed enterprises the
matcher found), and opens its yearly report — pre-filled with the contract it awarded this year to a registered
enterprise, beside its target and last year's report. On a desktop and 390 px wide, with axe-core on every page
of the way."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.clock import TIME_ZONE
from local.outbox import sent_emails
from local.world import INVITING, the_results_of_ville_de_rimouski
from tests.browser.conftest import LocalSite, assert_accessible, link_to, post_invitation

THIS_YEAR = datetime.now(TIME_ZONE).year


@pytest.fixture(scope="module")
def signatory(spaces: LocalSite) -> LocalSite:
    """make serve's world without the feeds: the spaces' people, then the Ville de Rimouski's results."""
    the_results_of_ville_de_rimouski(spaces.aws)
    return spaces


def test_a_signatory_posts_an_invitation_sees_who_fits_and_its_yearly_report(signatory: LocalSite, page: Any) -> None:
    axe, width = Axe(), page.viewport_size["width"]
    page.goto(signatory.url("/signataire/qui-convient?lang=fr"))
    page.get_by_label("Adresse courriel").fill(INVITING.email)
    before = len(sent_emails())
    page.get_by_role("button", name="Recevoir un lien de connexion").click()
    page.goto(link_to(INVITING.email, before))
    page.get_by_role("button", name="Ouvrir ma session").click()
    expect(page).to_have_url(re.compile(r"/signataire/qui-convient"))

    # Its own SEAO tender (make serve's world), and who fits it.
    main = page.locator("main")
    expect(main).to_contain_text("Entretien ménager des édifices municipaux")
    own = page.locator("section.fitting", has_text="Votre appel d'offres publié").first
    expect(own).to_contain_text("Les Ateliers Mon Choix")  # listed in the directory, its profiles match
    expect(own.get_by_role("button", name="Envoyer l'avis à Les Ateliers Mon Choix")).to_be_visible()
    assert_accessible(page, axe, "who fits")

    # An invitation, posted from the space's form: it is the institution's too.
    title = f"Entretien des patinoires extérieures ({width})"
    page.get_by_role("navigation").get_by_role("link", name="Mes invitations").click()
    post_invitation(page, title)

    page.get_by_role("navigation").get_by_role("link", name="Qui convient").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    invited = page.locator("section.fitting", has_text=title)
    expect(invited).to_contain_text("Votre invitation")
    expect(invited).to_contain_text("Les Ateliers Mon Choix")  # matched from the match queue, as any tender
    assert_accessible(page, axe, "who fits, with the invitation")

    # The yearly reports: last year's, against the target; this year's pre-filled with the award found.
    page.get_by_role("navigation").get_by_role("link", name="Rapports annuels").click()
    expect(main).to_contain_text("38 400 $")
    expect(main).to_contain_text("non atteinte")
    assert_accessible(page, axe, "the reports")
    page.goto(signatory.url(f"/signataire/rapports/{THIS_YEAR}?lang=fr"))
    expect(main).to_contain_text("Votre cible : 10 %")
    awards = page.get_by_role("table")
    expect(awards).to_contain_text("Les Ateliers Mon Choix")
    expect(awards).to_contain_text("27 480,75 $")
    expect(page.locator("#amount")).to_have_value("27480.75")
    expect(page.locator("#count")).to_have_value("1")
    assert_accessible(page, axe, "this year's report, pre-filled")
