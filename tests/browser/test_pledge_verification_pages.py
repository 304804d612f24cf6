"""The whole verification in Chromium, on a desktop and 390 px wide, axe-core on every page of the way: an
institution signs through the form from an address of no listed domain and confirms from the e-mailed link; it is
not on the registry. An organizer signs in, finds it « à vérifier », gets an error tied to its field on a too-short
reason, verifies it with the keyboard; it appears on the registry. Then every other action of the console's
pledges, as an organizer does them: a domain listed, a pledge from it verified at its confirmation (and why), its
name corrected (on the registry too), linked to a SEAO buyer, exported, rejected (the signer told why), withdrawn;
the domain taken off. The console's pages keep their fields labelled."""

from __future__ import annotations

import csv
import io
import re
import time
from typing import Any
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from local.outbox import sent_emails
from local.runtime import ROOT
from local.world import COACH, people_of_the_spaces
from tests.browser.conftest import PHONE, LocalSite, assert_accessible, link_to
from tests.pledge_builders import links_in

ARTIFACTS = ROOT / "out" / "artifacts"
TIME_TRAP_SECONDS = 3.2  # the form refuses what is sent within 3 s of being shown
TO_VERIFY = "Un organisateur du programme vérifiera maintenant"  # what the confirmed page says of a pledge to verify
# Each run signs for its own institution: the other's is on the registry by then.
SIGNED = {
    "desktop": ("Ville de Rimouski", "Geneviève Pelletier", "direction.achats@rimouski-municipal.example.com"),
    "phone": ("Ville de Matane", "Hugo Bouchard", "greffe@matane-municipal.example.com"),
}
# … and, for the console's other actions, from its institution's domain, which the organizer lists first.
FROM_A_DOMAIN = {
    "desktop": ("Ville de Trois-Pistoles", "Line Rioux", "trois-pistoles.example.org"),
    "phone": ("Municipalité de Sainte-Flavie", "Marc Lévesque", "sainte-flavie.example.org"),
}


@pytest.fixture(scope="module")
def spaces(site: LocalSite) -> LocalSite:
    people_of_the_spaces(site.aws)  # ESBSL's organizer; the institutions' listed domains
    return site


def assert_fields_labelled(page: Any) -> None:
    fields = page.locator("main input:not([type=hidden]), main select, main textarea")
    for n in range(fields.count()):
        field_id = fields.nth(n).get_attribute("id")
        assert field_id and page.locator(f'label[for="{field_id}"]').count() == 1, field_id


def sign_and_confirm(
    site: LocalSite, page: Any, institution: str, name: str, email: str, axe: Axe, *, then: str = TO_VERIFY
) -> None:
    page.goto(site.url("/engagement"))
    opened = time.monotonic()
    page.get_by_label("Nom de l'institution").fill(institution)
    page.get_by_label("Type d'institution").select_option("municipality")
    page.get_by_label("Région administrative").select_option("01")
    page.get_by_label("Nom de la personne signataire").fill(name)
    page.get_by_role("textbox", name="Fonction").fill("Directrice générale")
    page.get_by_label("Courriel professionnel").fill(email)
    page.get_by_label("J'accepte la Déclaration d'engagement", exact=False).check()
    page.get_by_label("J'accepte que le nom de mon institution", exact=False).check()
    sent = len(sent_emails())
    time.sleep(max(0.0, TIME_TRAP_SECONDS - (time.monotonic() - opened)))
    page.get_by_role("button", name="Signer l'engagement").click()
    expect(page.get_by_role("heading", name="Vérifiez vos courriels")).to_be_visible()
    [confirmation] = [e for e in sent_emails()[sent:] if e.to[0] == email]
    page.goto(site.url(links_in(confirmation)["confirm"]))
    page.get_by_role("button", name="Je confirme l'engagement").click()
    expect(page.get_by_text(then)).to_be_visible()
    assert_accessible(page, axe, f"the pledge confirmed: {then}")


def sign_in_as_organizer(site: LocalSite, page: Any, axe: Axe) -> None:
    page.goto(site.url("/organisation/engagements"))
    expect(page).to_have_url(re.compile(r"/connexion\?lang=fr&suite="))
    page.get_by_label("Adresse courriel").fill(COACH.email)
    before = len(sent_emails())
    page.get_by_role("button", name="Recevoir un lien de connexion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez vos courriels")
    page.goto(link_to(COACH.email, before))
    page.get_by_role("button", name="Ouvrir ma session").click()
    page.get_by_role("button", name="Organisateur — Économie sociale Bas-Saint-Laurent").click()  # also manages a park
    expect(page).to_have_url(re.compile(r"/organisation/engagements$"))


def test_an_organizer_verifies_a_pledge_signed_and_confirmed_through_the_pages(spaces: LocalSite, page: Any) -> None:
    which = "phone" if page.viewport_size == PHONE else "desktop"
    institution, name, email = SIGNED[which]
    axe = Axe()
    sign_and_confirm(spaces, page, institution, name, email, axe)
    page.goto(spaces.url("/registre"))
    expect(page.get_by_text(name)).to_have_count(0)  # confirmed by e-mail: not public

    sign_in_as_organizer(spaces, page, axe)
    expect(page.get_by_role("heading", level=1)).to_have_text("Engagements")
    assert_fields_labelled(page)
    assert_accessible(page, axe, "the pledges to verify")
    page.get_by_role("link", name=institution).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(institution)
    expect(page.locator("main")).to_contain_text("Confirmé par courriel le")
    expect(page.locator("main")).to_contain_text(email)
    assert_fields_labelled(page)
    assert_accessible(page, axe, "the pledge, to verify")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console-pledge-{which}.png"), full_page=True)

    page.get_by_label("Raison du refus").fill("x")
    page.get_by_role("button", name="Refuser et prévenir la personne").click()
    reason = page.get_by_label("Raison du refus")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#reject-reason-error")).to_have_text("Au moins 3 caractères.")
    assert "reject-reason-error" in (reason.get_attribute("aria-describedby") or "")
    assert_accessible(page, axe, "a refused reason, tied to its field")

    page.get_by_role("button", name="Vérifier l'engagement").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("L'engagement est vérifié : il est maintenant public.")
    expect(page.locator("main")).to_contain_text("Vérifié par Économie sociale Bas-Saint-Laurent le")
    assert_accessible(page, axe, "the pledge, verified")

    page.get_by_role("link", name="Domaines des institutions").click()
    expect(page.locator("main")).to_contain_text("ville.rimouski.qc.ca")
    assert_fields_labelled(page)
    assert_accessible(page, axe, "the institutions' domains")
    page.screenshot(path=str(ARTIFACTS / f"console-domains-{which}.png"), full_page=True)

    page.goto(spaces.url("/registre"))
    entry = page.locator("ol.registry > li").filter(has=page.get_by_role("heading", name=institution))
    expect(entry).to_contain_text(name)
    assert_accessible(page, axe, "the registry")


def test_an_organizer_lists_a_domain_then_renames_links_exports_rejects_and_withdraws_its_pledge(
    spaces: LocalSite, page: Any, tmp_path: Any
) -> None:
    which = "phone" if page.viewport_size == PHONE else "desktop"
    institution, name, domain = FROM_A_DOMAIN[which]
    email = f"greffe@{domain}"
    axe = Axe()
    sign_in_as_organizer(spaces, page, axe)
    page.get_by_role("link", name="Domaines des institutions").click()
    page.get_by_label("Institution", exact=True).fill(institution)
    page.get_by_label("Région", exact=True).select_option("01")
    page.get_by_label("Domaine courriel").fill(domain.upper())  # written as the organizer types it
    page.get_by_role("button", name="Inscrire le domaine").click()
    expect(page.get_by_role("status")).to_have_text("Le domaine est inscrit.")
    expect(page.locator("main")).to_contain_text(domain)
    assert_accessible(page, axe, "a domain listed")

    sign_and_confirm(spaces, page, institution, name, email, axe, then=f"Votre adresse est du domaine {domain}")
    page.goto(spaces.url(f"/organisation/engagements?etat=verifies&institution={quote(institution)}"))
    page.get_by_role("link", name=institution).click()
    expect(page.locator("main")).to_contain_text(
        f"Vérifié automatiquement : adresse du domaine {domain}, inscrit par Économie sociale Bas-Saint-Laurent le"
    )
    assert_accessible(page, axe, "a pledge verified by its domain, and why")

    corrected = f"{institution} (hôtel de ville)"
    page.get_by_label("Nom de l'institution").fill(corrected)
    page.get_by_role("button", name="Corriger le nom").click()
    expect(page.get_by_role("status")).to_have_text("Le nom de l'institution est corrigé.")
    expect(page.get_by_role("heading", level=1)).to_have_text(corrected)

    page.get_by_label("Numéro d'acheteur SEAO").fill("OP-36518")
    page.get_by_role("button", name="Lier", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Le lien est enregistré.")
    expect(page.get_by_role("button", name="Retirer le lien (numéro d'acheteur OP-36518)")).to_be_visible()
    assert_fields_labelled(page)
    assert_accessible(page, axe, "the pledge renamed and linked")
    page.goto(spaces.url("/registre"))
    expect(page.locator("ol.registry > li").get_by_role("heading", name=corrected)).to_be_visible()

    page.goto(spaces.url(f"/organisation/engagements?etat=tous&institution={quote(corrected)}"))
    with page.expect_download() as exported:
        page.get_by_role("button", name="Exporter ces engagements (CSV)").click()
    saved = tmp_path / "pledges.csv"
    exported.value.save_as(saved)
    [row] = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert (row["institution_name"], row["email"], row["verification"]) == (corrected, email, "verified")

    page.get_by_role("link", name=corrected).click()
    reason = "Le domaine inscrit était celui d'une autre municipalité."
    page.get_by_label("Raison du refus").fill(reason)
    told = len(sent_emails())
    page.get_by_role("button", name="Refuser et prévenir la personne").click()
    expect(page.get_by_role("status")).to_contain_text("la personne signataire a reçu la raison par courriel.")
    [rejection] = [e for e in sent_emails()[told:] if e.to[0] == email]
    assert reason in rejection.part("text/plain")
    assert_accessible(page, axe, "the pledge rejected")

    page.get_by_label("Raison du retrait").fill("Demande de la direction générale par téléphone.")
    page.get_by_role("button", name="Retirer l'engagement").click()
    expect(page.get_by_role("status")).to_have_text("L'engagement est retiré.")
    expect(page.get_by_role("button", name="Retirer l'engagement")).to_have_count(0)
    assert_accessible(page, axe, "the pledge withdrawn")

    page.get_by_role("link", name="Domaines des institutions").click()
    page.get_by_role("button", name=f"Retirer {domain} ({institution})").click()
    expect(page.get_by_role("status")).to_have_text("Le domaine est retiré de la liste.")
    expect(page.locator("main")).not_to_contain_text(domain)
    assert_accessible(page, axe, "the domain taken off")
