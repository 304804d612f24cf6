"""The pledge itself in the signatories' space (/signataire/engagement), in Chromium, as its signer and a colleague
notice it: the pledge as it stands; its target and categories changed (a bad share first); a colleague added, let in
by the e-mailed link, then removed (their open session ends); the pledge withdrawn after its confirmation step (the
open session ends at once, the registry no longer lists it). On a desktop and 390 px wide, with axe-core on every
page of the way. Each test has an institution of its own (conftest.a_verified_signatory): the pages change it."""

from __future__ import annotations

import re
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import LocalSite, a_verified_signatory, assert_accessible, landed
from tests.browser.test_feedback_pages import sign_in

PLEDGE = "/signataire/engagement?lang=fr"
SIGN_IN_PAGE = re.compile(r"/connexion\?lang=fr&suite=")


def signer_of(site: LocalSite, page: Any, institution: str) -> str:
    """The signer of `institution` (one per test and device), signed in on the pledge's page: their address."""
    width = page.viewport_size["width"]
    email = f"dg.{width}@{re.sub(r'[^a-z]+', '-', institution.lower()).strip('-')}.example.org"
    a_verified_signatory(site, email, f"{institution} ({width})")
    page.goto(site.url(PLEDGE))
    sign_in(site, page, email, "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon engagement")
    return email


def test_the_signer_sees_the_pledge_and_changes_its_target_and_categories(spaces: LocalSite, page: Any) -> None:
    axe = Axe()
    signer_of(spaces, page, "Municipalité de Sainte-Luce")
    main = page.locator("main")
    expect(main).to_contain_text("L'engagement de Municipalité de Sainte-Luce")
    expect(page.locator("#target_share")).to_have_value("15")  # as signed (tests.pledge_builders)
    expect(page.get_by_label("Biens")).to_be_checked()
    expect(page.get_by_label("Services")).to_be_checked()
    expect(page.get_by_label("Travaux de construction")).not_to_be_checked()
    assert_accessible(page, axe, "the pledge")

    page.locator("#target_share").fill("150")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#target_share-error")).to_have_text("Entrez un nombre entier de 1 à 100.")
    expect(page.locator("#target_share")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, axe, "the share refused")
    page.goto(spaces.url(PLEDGE))
    expect(page.locator("#target_share")).to_have_value("15")  # nothing changed

    page.locator("#target_share").fill("25")
    page.get_by_label("Biens").uncheck()
    page.get_by_label("Travaux de construction").check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("La cible et les catégories sont enregistrées.")
    page.reload()
    expect(page.locator("#target_share")).to_have_value("25")
    expect(page.get_by_label("Biens")).not_to_be_checked()
    expect(page.get_by_label("Services")).to_be_checked()
    expect(page.get_by_label("Travaux de construction")).to_be_checked()
    assert_accessible(page, axe, "the pledge changed")


def test_a_colleague_is_added_let_in_by_the_emailed_link_then_removed(
    spaces: LocalSite, page: Any, other_page: Any
) -> None:
    axe, colleague = Axe(), f"achats.{page.viewport_size['width']}@mont-joli.example.org"
    signer_of(spaces, page, "Ville de Mont-Joli")
    page.get_by_label("Adresse courriel d'un ou d'une collègue").fill("achats@")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.locator("#email-error")).to_contain_text("Entrez une adresse courriel valide")
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, axe, "the colleague's address refused")
    page.get_by_label("Adresse courriel d'un ou d'une collègue").fill(colleague)
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Un lien de confirmation a été envoyé à votre collègue.")
    expect(page.locator("ul.colleagues")).to_contain_text(f"{colleague} — en attente de confirmation")
    assert_accessible(page, axe, "the colleague waiting")

    # The colleague's desk: the e-mail in the outbox, its link, the button; then their own sign-in.
    invitation = landed(spaces, colleague, "Invitation à l'espace des signataires", "Ville de Mont-Joli")
    link = re.search(r"http://\S+/signataire/collegue\?\S+", invitation)
    assert link, "the e-mail carries its link"
    other_page.goto(link[0])
    expect(other_page.get_by_role("heading", level=1)).to_have_text("Accepter l'invitation")
    assert_accessible(other_page, axe, "the colleague's link")
    other_page.get_by_role("button", name="Accepter").click()
    expect(other_page.get_by_role("heading", level=1)).to_have_text("Invitation acceptée")
    assert_accessible(other_page, axe, "accepted")
    other_page.get_by_role("link", name="Se connecter").click()
    sign_in(spaces, other_page, colleague, "fr")
    other_page.get_by_role("navigation").get_by_role("link", name="Mon engagement").click()
    expect(other_page.locator("main")).to_contain_text("Seule la personne qui a signé l'engagement peut le modifier.")
    expect(other_page.locator("main")).to_contain_text("15 %")
    assert_accessible(other_page, axe, "the pledge, as a colleague sees it")

    page.reload()
    expect(page.locator("ul.colleagues")).to_contain_text(f"{colleague} — confirmé")
    page.get_by_role("button", name=f"Retirer {colleague}").click()
    expect(page.get_by_role("status")).to_contain_text("Votre collègue est retiré")
    expect(page.locator("main")).not_to_contain_text(colleague)
    assert_accessible(page, axe, "the colleague removed")
    other_page.reload()
    expect(other_page).to_have_url(SIGN_IN_PAGE)  # their session ended with their access


def test_withdrawing_the_pledge_asks_for_a_confirmation_then_ends_the_space_at_once(
    spaces: LocalSite, page: Any
) -> None:
    axe = Axe()
    signer_of(spaces, page, "Municipalité de Saint-Anaclet-de-Lessard")
    institution = f"Municipalité de Saint-Anaclet-de-Lessard ({page.viewport_size['width']})"
    withdraw = page.get_by_role("button", name="Retirer l'engagement")
    withdraw.click()
    expect(page.locator("#confirmer-error")).to_have_text("Cochez la case pour confirmer le retrait.")
    expect(page.get_by_label(f"Je retire l'engagement de {institution}")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, axe, "the withdrawal not confirmed")
    page.goto(spaces.url("/registre?lang=fr"))
    expect(page.get_by_role("heading", name=institution)).to_be_visible()  # still signed

    page.goto(spaces.url(PLEDGE))
    page.get_by_label(f"Je retire l'engagement de {institution}").check()
    withdraw.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("L'engagement est retiré")
    expect(page.locator("main")).to_contain_text("ne figure plus au registre")
    assert_accessible(page, axe, "withdrawn")

    page.goto(spaces.url(PLEDGE))
    expect(page).to_have_url(SIGN_IN_PAGE)  # the open session ended: signing in again is the way back
    page.goto(spaces.url("/registre?lang=fr"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(institution)
