"""The Ville de Rimouski's yearly report saved in Chromium, in make serve's world (local.world): at the office
(desktop), the signatory opens this year's form — pre-filled with the contract it awarded to a registered enterprise,
beside its target and last year's report —, types a negative amount (the error beside the field, nothing saved),
then its own figures, and sees the saved report against the target and last year; later, on its phone (390 px), it
finds the report as saved, and a count it mistypes changes nothing. One report a year per institution: one test
follows the person from one device to the other. With axe-core on every page of the way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.clock import TIME_ZONE
from local.world import INVITING, the_results_of_ville_de_rimouski
from tests.browser.conftest import Devices, LocalSite, assert_accessible
from tests.browser.test_feedback_pages import sign_in

THIS_YEAR = datetime.now(TIME_ZONE).year
FORM = f"/signataire/rapports/{THIS_YEAR}?lang=fr"


@pytest.fixture(scope="module")
def signatory(spaces: LocalSite) -> LocalSite:
    """make serve's world without the feeds: the spaces' people, then the Ville de Rimouski's results."""
    the_results_of_ville_de_rimouski(spaces.aws)
    return spaces


def this_years_row(page: Any) -> Any:
    return page.get_by_role("row", name=str(THIS_YEAR))


def refused(page: Any, axe: Axe, field: str, typed: str, error: str) -> None:
    """`typed` in the report's `field`, saved: the error beside the field and in the summary; then the reports."""
    page.locator(f"#{field}").fill(typed)
    page.get_by_role("button", name="Enregistrer le rapport").click()
    expect(page.locator(f"#{field}-error")).to_have_text(error)
    expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-summary")).to_contain_text("Le rapport n'est pas enregistré")
    assert_accessible(page, axe, f"{typed} refused in {field} ({page.viewport_size['width']} px)")
    page.get_by_role("navigation").get_by_role("link", name="Rapports annuels").click()


def signed_in_on(devices: Devices, device: str, site: LocalSite, path: str) -> Any:
    """The Ville de Rimouski's signatory, signed in on `device` (a context of its own), on the page at `path`."""
    page = devices.open(device, site)
    page.goto(site.url(path))
    sign_in(site, page, INVITING.email, "fr")
    return page


def test_a_signatory_saves_its_yearly_report_at_the_office_and_finds_it_on_its_phone(
    signatory: LocalSite, devices: Devices
) -> None:
    axe, page = Axe(), signed_in_on(devices, "desktop", signatory, FORM)
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapport annuel {THIS_YEAR}")
    expect(main).to_contain_text("Votre cible : 10 %")
    expect(page.get_by_role("table")).to_contain_text("27 480,75 $")
    expect(main.get_by_role("list").last).to_contain_text(f"{THIS_YEAR - 1} : 38 400 $")  # the previous years
    expect(page.locator("#amount")).to_have_value("27480.75")
    expect(page.locator("#count")).to_have_value("1")
    assert_accessible(page, axe, "this year's report, pre-filled")

    refused(page, axe, "amount", "-500", "Entrez un montant en dollars, par exemple 45 990 ou 45 990,50.")
    expect(this_years_row(page)).to_have_count(0)  # nothing saved

    page.goto(signatory.url(FORM))
    page.locator("#amount").fill("41 250,50")
    page.locator("#count").fill("3")
    page.locator("#total").fill("500 000")
    page.locator("#enterprises").fill("Les Ateliers Mon Choix\nCoopérative de déneigement du Fjord")
    page.get_by_role("button", name="Enregistrer le rapport").click()
    expect(page.get_by_role("status")).to_have_text(f"Le rapport {THIS_YEAR} est enregistré.")
    saved = this_years_row(page)
    for shown in ("41 250,50 $", "3", "8,3 %", "10 % (non atteinte)", "27 480,75 $"):
        expect(saved).to_contain_text(shown)  # against the target, beside what ESJA found
    expect(page.get_by_role("row", name=str(THIS_YEAR - 1))).to_contain_text("38 400 $")
    assert_accessible(page, axe, "the reports, this year's saved")

    page = signed_in_on(devices, "phone", signatory, "/signataire/rapports?lang=fr")
    expect(this_years_row(page)).to_contain_text("41 250,50 $")
    page.get_by_role("link", name=str(THIS_YEAR), exact=True).click()
    expect(page.locator("#amount")).to_have_value("41250.50")
    expect(page.locator("#enterprises")).to_have_value("Les Ateliers Mon Choix\nCoopérative de déneigement du Fjord")
    assert_accessible(page, axe, "the report as saved, on a phone")
    refused(page, axe, "count", "trois", "Entrez un nombre entier, par exemple 4.")
    expect(this_years_row(page)).to_contain_text("41 250,50 $")  # as saved at the office
    assert_accessible(page, axe, "the reports, on a phone")
