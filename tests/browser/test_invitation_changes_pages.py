"""After an invitation is posted, in Chromium, as a signatory and the enterprises notice it: amended, then cancelled
from the space — the enterprise already told gets the addendum, then the cancellation, in the outbox, and the public
page shows the change, then the cancellation; and « Qui convient » — the signatory has ESJA send the invitation to the
listed enterprise that fits it: the e-mail lands at the address the enterprise shows in the directory, the page says
it was sent, and offers no second sending. On a desktop and 390 px wide, with axe-core on every page of the way.

Each test has an institution of its own (conftest.a_verified_signatory): an institution may post only a few
invitations a day, and a notice goes once per enterprise and tender."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.clock import TIME_ZONE
from local.world import ENTERPRISE
from tests.browser.conftest import LocalSite, a_verified_signatory, assert_accessible, landed, post_invitation
from tests.browser.test_feedback_pages import sign_in

LISTED_CONTACT = "info@ateliersmonchoix.example.org"  # what Les Ateliers Mon Choix shows in the directory
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def invitation_posted(site: LocalSite, page: Any, institution: str, title: str) -> str:
    """A signatory of `institution` signs in, posts an invitation the demo enterprise's profile matches, and the
    enterprise's alert lands: the institution's name, as the pages show it."""
    width = page.viewport_size["width"]
    email = f"achats.{width}@{re.sub(r'[^a-z]+', '-', institution.lower()).strip('-')}.example.org"
    shown = f"{institution} ({width})"
    a_verified_signatory(site, email, shown)
    page.goto(site.url("/signataire/invitations?lang=fr"))
    sign_in(site, page, email, "fr")
    post_invitation(page, title)
    landed(site, ENTERPRISE.email, f"Invitation de {shown}", title)
    return shown


def test_amending_then_cancelling_tells_the_enterprise_told_and_changes_the_public_page(
    spaces: LocalSite, page: Any
) -> None:
    axe, width = Axe(), page.viewport_size["width"]
    title = f"Entretien ménager de l'aréna ({width})"
    invitation_posted(spaces, page, "Municipalité du Bic", title)

    page.locator("li", has=page.get_by_role("heading", name=title)).get_by_role(
        "link", name="Modifier ou annuler"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier l'invitation")
    expect(page.get_by_label("Titre en français")).to_have_value(title)
    assert_accessible(page, axe, "the invitation to amend")
    amended = f"Entretien ménager de l'aréna et des vestiaires ({width})"
    later = (datetime.now(UTC) + timedelta(days=22)).astimezone(TIME_ZONE).date()
    page.get_by_label("Titre en français").fill(amended)
    page.locator("#closing_date").fill(later.isoformat())
    page.get_by_role("button", name="Enregistrer la modification").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Invitation modifiée ; les entreprises déjà avisées le sont de nouveau")
    assert_accessible(page, axe, "the list, the invitation amended")
    landed(spaces, ENTERPRISE.email, "Modifié (addenda)", amended)

    status.get_by_role("link", name=amended).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(amended)
    main = page.locator("main")
    expect(main).to_contain_text("Modifiée le")
    expect(main).to_contain_text(f"{later.day} {MONTHS[later.month - 1]} {later.year} à 14 h")  # the new deadline
    expect(page.get_by_role("heading", name="Comment répondre")).to_be_visible()
    assert_accessible(page, axe, "the public page, amended")

    page.go_back()
    page.locator("li", has=page.get_by_role("heading", name=amended)).get_by_role(
        "link", name="Modifier ou annuler"
    ).click()
    page.get_by_role("button", name="Annuler l'invitation").click()
    expect(status).to_contain_text("Invitation annulée ; les entreprises déjà avisées en sont informées")
    cancelled = page.locator("li", has=page.get_by_role("heading", name=amended))
    expect(cancelled).to_contain_text("Annulée")
    expect(cancelled.get_by_role("link", name="Modifier ou annuler")).to_have_count(0)
    assert_accessible(page, axe, "the list, the invitation cancelled")
    landed(spaces, ENTERPRISE.email, "Annulé par l'acheteur", amended)

    status.get_by_role("link", name=amended).click()
    expect(page.get_by_role("status")).to_contain_text("Cette invitation a été annulée le")
    expect(page.get_by_role("heading", name="Comment répondre")).to_have_count(0)  # nothing to answer any more
    assert_accessible(page, axe, "the public page, cancelled")


def test_who_fits_sends_the_invitation_once_to_the_listed_enterprise_that_fits(spaces: LocalSite, page: Any) -> None:
    axe, width = Axe(), page.viewport_size["width"]
    title = f"Entretien ménager de la caserne ({width})"
    institution = invitation_posted(spaces, page, "Municipalité de Saint-Valérien", title)

    page.get_by_role("navigation").get_by_role("link", name="Qui convient").click()
    fitting = page.locator("section.fitting", has=page.get_by_role("heading", name=title))
    expect(fitting).to_contain_text("Votre invitation")
    expect(fitting).to_contain_text("Les Ateliers Mon Choix")
    send = fitting.get_by_role("button", name="Envoyer l'avis à Les Ateliers Mon Choix")
    assert_accessible(page, axe, "who fits the invitation")
    send.click()

    expect(page.get_by_role("status")).to_have_text("L'avis est envoyé.")
    notice = landed(spaces, LISTED_CONTACT, f"{institution} vous signale un appel d'offres", title)
    expect(fitting).to_contain_text("Avis déjà envoyé à cette entreprise.")
    expect(send).to_have_count(0)  # no second sending to the same enterprise
    assert_accessible(page, axe, "who fits, the notice sent")
    page.reload()
    expect(fitting.get_by_role("button")).to_have_count(0)

    link = re.search(r"http://\S+/invitations/\S+", notice)
    assert link, "the notice links to the invitation's public page"
    page.goto(link[0])
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
