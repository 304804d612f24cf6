"""« Recevoir les alertes » in Chromium, as people use it: an enterprise asks to join from the home page (its
errors beside the fields first), then CÉSIM's organizer signs in and approves it from the console — and a second
request under the same NEQ is refused, naming the enterprise registered. On a desktop and 390 px wide, with
axe-core on every page of the way."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.joining.model import CONSENT_WORDING, PENDING_RETENTION, JoinRequest
from esja.store.join_requests import JoinRequestStore
from local.outbox import sent_emails
from local.world import JOINING, ORGANIZER
from tests.browser.conftest import LocalSite, assert_accessible, link_to

TIME_TRAP_SECONDS = 3.2  # the form refuses what is sent less than 3 s after it was shown


def test_an_enterprise_asks_to_join_and_an_organizer_approves_it(spaces: LocalSite, page: Any) -> None:
    axe, width = Axe(), page.viewport_size["width"]
    name, neq = f"Coopérative de vélos {width}", f"116000{width:04d}"  # one enterprise per width: one NEQ each
    page.goto(spaces.url("/?lang=fr"))
    page.get_by_role("link", name="Recevoir les alertes").click()
    opened = time.monotonic()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recevoir les alertes")
    assert_accessible(page, axe, "the form")

    page.get_by_label("Nom de l'entreprise").fill(name)
    page.get_by_label("Numéro d'entreprise du Québec (NEQ)").fill("12")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator("#error-summary")).to_contain_text("erreurs empêchent l'envoi du formulaire")
    expect(page.locator("#neq-error")).to_contain_text("10 chiffres")
    expect(page.locator("#neq")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, axe, "the form with its errors")

    page.get_by_label("Numéro d'entreprise du Québec (NEQ)").fill(neq)
    page.get_by_label("Forme juridique").select_option("coop")
    page.get_by_label("Région").select_option("06")
    page.get_by_label("Nom de la personne-ressource").fill("Sam Roy")
    page.get_by_label("Courriel", exact=True).fill(f"sam{width}@velos.example.org")
    page.get_by_label("Langue des courriels").select_option("fr")
    page.get_by_label("J'accepte de recevoir les alertes par courriel.").check()
    time.sleep(max(0.0, TIME_TRAP_SECONDS - (time.monotonic() - opened)))
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande reçue")
    assert_accessible(page, axe, "request received")

    page.goto(spaces.url("/organisation/adhesions?lang=fr"))
    page.get_by_label("Adresse courriel").fill(ORGANIZER.email)
    before = len(sent_emails())
    page.get_by_role("button", name="Recevoir un lien de connexion").click()
    page.goto(link_to(ORGANIZER.email, before))
    page.get_by_role("button", name="Ouvrir ma session").click()
    expect(page).to_have_url(re.compile(r"/organisation/adhesions"))
    request = page.locator("li", has=page.get_by_role("heading", name=name))
    expect(request).to_contain_text(neq)
    assert_accessible(page, axe, "the requests")
    request.get_by_role("button", name="Accepter et inscrire l'entreprise").click()
    expect(page.get_by_role("status")).to_contain_text("Entreprise inscrite")
    expect(page.locator("main")).not_to_contain_text(name)
    assert_accessible(page, axe, "the request approved")

    again = replace(JOINING, enterprise_name=f"Vélos {width} (doublon)", neq=neq, region="06")
    asked = datetime.now(UTC)
    requests = JoinRequestStore(spaces.aws.resources.names["DirectoryTable"], spaces.aws.client("dynamodb"))
    requests.add(JoinRequest(f"doublon{width}", again, asked, CONSENT_WORDING, asked + PENDING_RETENTION))
    page.goto(spaces.url("/organisation/adhesions?lang=fr"))
    twin = page.locator("li", has=page.get_by_role("heading", name=again.enterprise_name))
    twin.get_by_role("button", name="Accepter et inscrire l'entreprise").click()
    refusal = page.locator("li", has=page.get_by_role("heading", name=again.enterprise_name)).get_by_role("alert")
    expect(refusal).to_contain_text(f"ce NEQ est déjà celui d'une entreprise inscrite\u00a0: {name}")
    assert_accessible(page, axe, "a request under a NEQ registered already")
