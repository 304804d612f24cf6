"""An organizer keeps the enterprises of their region from the console, in Chromium, as a person does: sign-in
(the link read from the outbox), the list, an enterprise added (its errors beside the fields first), a
profile of it created and edited (the enterprise space's form, its preview, its errors), a spreadsheet
uploaded (the dry run, then the import), the export downloaded, the enterprise removed after seeing
what goes and what stays. On a desktop and 390 px wide, with axe-core on every page of the way."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from local.outbox import sent_emails
from local.world import ORGANIZER
from tests.browser.conftest import LocalSite, assert_accessible, link_to

HEADER = ",".join(
    [
        "enterprise_id",
        "enterprise_name",
        "regions_served",
        "subscriber_email",
        "subscriber_name",
        "consent_at",
        "consent_how",
        "consent_wording",
    ]
)


def test_an_organizer_adds_imports_exports_and_removes_an_enterprise(
    spaces: LocalSite, page: Any, tmp_path: Path
) -> None:
    axe, width = Axe(), page.viewport_size["width"]
    enterprise_id, name = f"friperie-{width}", f"Friperie solidaire {width}"
    page.goto(spaces.url("/organisation/entreprises?lang=fr"))
    page.get_by_label("Adresse courriel").fill(ORGANIZER.email)
    before = len(sent_emails())
    page.get_by_role("button", name="Recevoir un lien de connexion").click()
    page.goto(link_to(ORGANIZER.email, before))
    page.get_by_role("button", name="Ouvrir ma session").click()
    expect(page).to_have_url(re.compile(r"/organisation/entreprises"))
    expect(page.locator("main")).to_contain_text("Coopérative de propreté Solidaire Montréal")
    assert_accessible(page, axe, "the list")

    page.get_by_role("link", name="Ajouter une entreprise").click()
    page.locator("#enterprise_id").fill(enterprise_id)
    page.locator("#neq").fill("12")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#error-summary")).to_contain_text("rien n'a été enregistré")
    expect(page.locator("#neq-error")).to_contain_text("NEQ invalide")
    expect(page.locator("#enterprise_name")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, axe, "the form with its errors")

    page.locator("#enterprise_name").fill(name)
    page.locator("#neq").fill("")
    page.get_by_label("06 Montréal").check()
    page.locator("#abonne-1-subscriber_email").fill(f"equipe@{enterprise_id}.example.org")
    page.locator("#abonne-1-consent_at").fill("2026-11-02")
    page.locator("#abonne-1-consent_how").fill("formulaire papier")
    page.locator("#abonne-1-consent_wording").fill("consentement-2026-01")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("L'entreprise est ajoutée.")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    assert_accessible(page, axe, "the enterprise added")

    # Its alert profiles: the enterprise space's own form, in the console, with its preview and its checks.
    page.get_by_role("link", name="Ajouter ou modifier ses profils d'alerte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Profils d'alerte de {name}")
    page.get_by_role("link", name="Nouveau profil").click()
    page.get_by_label("Nom du profil").fill("Vêtements usagés")
    page.get_by_label("Mots-clés et expressions").fill("vêtements")
    page.get_by_role("button", name="Aperçu", exact=True).click()
    expect(page.locator("#apercu")).to_be_visible()
    page.locator("#unspsc").fill("7611x")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#unspsc-error")).to_contain_text("code UNSPSC invalide « 7611x »")
    assert_accessible(page, axe, "a profile's form with its error")
    page.locator("#unspsc").fill("")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Profil « Vêtements usagés » enregistré.")
    page.locator("main").get_by_role("link", name="Modifier du profil « Vêtements usagés »").click()
    page.get_by_label("Mots-clés et expressions").fill("vêtements\nfriperie")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Profil « Vêtements usagés » enregistré.")
    expect(page.locator("main")).to_contain_text("vêtements, friperie")
    assert_accessible(page, axe, "the enterprise's profiles")
    page.get_by_role("link", name=f"Retour à la fiche de {name}").click()
    expect(page.locator("main")).to_contain_text("Vêtements usagés")

    spreadsheet = tmp_path / "entreprises.csv"
    row = f"{enterprise_id},{name} (renommée),06,equipe@{enterprise_id}.example.org,,2026-11-02,formulaire papier,c-1"
    spreadsheet.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    page.get_by_role("link", name="Retour aux entreprises").click()
    page.get_by_role("link", name="Importer un tableur").click()
    page.get_by_label("Le tableur").set_input_files(str(spreadsheet))
    page.get_by_role("button", name="Faire l'essai").click()
    expect(page.locator("main")).to_contain_text("Essai seulement : rien n'a été changé.")
    assert_accessible(page, axe, "the dry run")
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import fait")
    assert_accessible(page, axe, "the import done")

    page.get_by_role("link", name="Retour aux entreprises").click()
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Exporter le tableur (CSV)").click()
    exported = Path(downloading.value.path()).read_text(encoding="utf-8-sig")
    assert f"{enterprise_id},{name} (renommée)," in exported

    page.get_by_role("link", name=f"{name} (renommée)").click()
    page.get_by_role("link", name="Retirer cette entreprise du programme…").click()
    expect(page.locator("main")).to_contain_text("Ce qui reste, et pourquoi")
    assert_accessible(page, axe, "what removing it would do")
    page.get_by_role("button", name="Retirer définitivement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"« {name} (renommée) » est retirée")
    assert_accessible(page, axe, "the enterprise removed")
