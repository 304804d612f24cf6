"""The pledge pages in Chromium, as people use them: in French and in English, with the mouse and with
the keyboard, errors and all; then the e-mailed link, and the registry — once an organizer verified the pledge
(the console's part: tests/browser/test_pledge_verification_pages.py). A screenshot of the form is kept in
out/artifacts/."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from local.outbox import sent_emails
from local.runtime import ROOT
from tests.browser.conftest import LocalSite
from tests.pledge_builders import WebClient, links_in

ARTIFACTS = ROOT / "out" / "artifacts"
# The form refuses what is sent less than 3 s after it was shown (a bot's speed).
TIME_TRAP_SECONDS = 3.2


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-CA")
    context.set_default_timeout(15_000)
    yield context
    context.close()


def wait_since(opened: float) -> None:
    time.sleep(max(0.0, TIME_TRAP_SECONDS - (time.monotonic() - opened)))


def new_email_since(count: int) -> Any:
    emails = sent_emails()
    assert len(emails) == count + 1, "one confirmation e-mail was expected"
    return emails[-1]


def assert_every_field_is_labelled(page: Any) -> None:
    fields = page.locator("input:not([type=hidden]), select, textarea")
    assert fields.count() > 10
    for n in range(fields.count()):
        field_id = fields.nth(n).get_attribute("id")
        assert field_id, "a field without id cannot be labelled"
        assert page.locator(f'label[for="{field_id}"]').count() == 1, field_id


def assert_errors_are_linked(page: Any, expected: set[str]) -> None:
    invalid = page.locator("[aria-invalid=true]")
    names = set()
    for n in range(invalid.count()):
        field = invalid.nth(n)
        names.add(field.get_attribute("name"))
        described = (field.get_attribute("aria-describedby") or "").split()
        messages = [page.locator(f"#{i}").inner_text() for i in described if i.endswith("-error")]
        assert messages and all(m.strip() for m in messages), field.get_attribute("id")
    assert names == expected
    summary = page.locator("#error-summary")
    assert summary.is_visible() and summary.get_attribute("role") == "alert"
    assert summary.locator("a").count() == len(expected)


def test_french_signatory_sees_errors_signs_confirms_and_appears_on_the_registry_once_verified(
    site: LocalSite, context: Any
) -> None:
    page = context.new_page()
    page.goto(site.url("/engagement"))
    opened = time.monotonic()

    assert page.locator("html").get_attribute("lang") == "fr"
    assert_every_field_is_labelled(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pledge-form-fr.png"), full_page=True)

    page.get_by_label("Nom de l'institution").fill("Ville de Rimouski")
    page.get_by_label("Courriel professionnel").fill("pas-une-adresse")
    page.get_by_role("button", name="Signer l'engagement").click()

    expect(page.locator("#error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile("^Erreur"))
    assert_errors_are_linked(
        page, {"institution_type", "region", "signatory_name", "signatory_title", "email", "declaration"}
    )
    assert page.get_by_label("Nom de l'institution").input_value() == "Ville de Rimouski"  # kept
    page.screenshot(path=str(ARTIFACTS / "pledge-form-errors-fr.png"), full_page=True)

    page.get_by_label("Type d'institution").select_option("municipality")
    page.get_by_label("Région administrative").select_option("01")
    page.get_by_label("Nom de la personne signataire").fill("Marie Tremblay")
    page.get_by_role("textbox", name="Fonction").fill("Directrice de l'approvisionnement")
    page.get_by_label("Courriel professionnel").fill("marie.tremblay@ville.rimouski.example.org")
    page.get_by_label("Biens").check()
    page.get_by_label("J'accepte la Déclaration d'engagement", exact=False).check()
    page.get_by_label("J'accepte que le nom de mon institution", exact=False).check()
    sent = len(sent_emails())
    wait_since(opened)
    page.get_by_role("button", name="Signer l'engagement").click()

    expect(page.get_by_role("heading", name="Vérifiez vos courriels")).to_be_visible()
    page.goto(site.url(links_in(new_email_since(sent))["confirm"]))
    page.get_by_role("button", name="Je confirme l'engagement").click()
    expect(page.get_by_role("heading", name="Merci ! L'engagement est confirmé")).to_be_visible()
    expect(page.get_by_text("Un organisateur du programme vérifiera maintenant")).to_be_visible()
    page.goto(site.url("/registre"))
    expect(page.get_by_role("heading", name="Ville de Rimouski")).to_have_count(0)  # not verified yet
    WebClient(site.aws).verify_waiting()
    page.reload()
    entry = page.locator("ol.registry > li").filter(has=page.get_by_role("heading", name="Ville de Rimouski"))
    expect(entry).to_contain_text("Marie Tremblay")
    expect(entry).to_contain_text("Bas-Saint-Laurent")


def test_english_signatory_fills_and_sends_the_form_with_the_keyboard_alone(site: LocalSite, browser: Any) -> None:
    context = browser.new_context(locale="en-CA")
    page = context.new_page()
    page.goto(site.url("/engagement"))
    opened = time.monotonic()
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_label("Name of the institution").focus()
    page.keyboard.type("Cégep de Rimouski")
    page.keyboard.press("Tab")  # type of institution
    page.keyboard.press("End")  # … the last choice, other public body; then back up to CEGEP
    for _ in range(4):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Tab")  # region
    page.keyboard.press("ArrowDown")  # 01 Bas-Saint-Laurent
    page.keyboard.press("Tab")
    page.keyboard.type("Alex Gagnon")
    page.keyboard.press("Tab")
    page.keyboard.type("Purchasing manager")
    page.keyboard.press("Tab")
    page.keyboard.type("alex.gagnon@cegep-rimouski.example.org")
    for _ in range(6):  # phone, target, three categories, to the declaration
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # registry consent
    assert page.get_by_label("Type of institution").input_value() == "cegep"
    assert page.get_by_label("Administrative region").input_value() == "01"
    assert page.locator("#declaration").is_checked() and page.locator("#registry_consent").is_checked()
    sent = len(sent_emails())
    wait_since(opened)
    page.keyboard.press("Tab")  # the button: the honeypot is out of the tab order
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    email = new_email_since(sent)
    assert email.subject.startswith("Confirm your pledge")
    page.goto(site.url(links_in(email)["confirm"]))
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="I confirm the pledge").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Thank you! The pledge is confirmed")).to_be_visible()
    expect(page.get_by_text("An organizer of the programme will now verify")).to_be_visible()
    WebClient(site.aws).verify_waiting()
    page.goto(site.url("/registre"))  # the language is remembered
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("ol.registry > li").filter(has_text="Cégep de Rimouski")).to_contain_text("Alex Gagnon")
    page.screenshot(path=str(ARTIFACTS / "registry-en.png"), full_page=True)
    context.close()


def test_english_errors_are_announced_and_linked_to_their_fields(site: LocalSite, context: Any) -> None:
    page = context.new_page()
    page.goto(site.url("/engagement"))
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_label("Work e-mail").fill("nobody@")
    page.get_by_label("Work e-mail").press("Enter")  # implicit submission from a text field
    expect(page.locator("#error-summary")).to_be_visible()

    assert_errors_are_linked(
        page,
        {"institution_name", "institution_type", "region", "signatory_name", "signatory_title", "email", "declaration"},
    )
    assert "Enter a valid e-mail address" in page.locator("#email-error").inner_text()
    page.locator("#error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "institution_name"


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(site: LocalSite, context: Any) -> None:
    page = context.new_page()
    page.goto(site.url("/engagement"))

    honeypot = page.locator("#website")
    assert not honeypot.is_visible() or honeypot.bounding_box()["x"] < 0
    assert honeypot.get_attribute("tabindex") == "-1"
    assert page.locator(".honeypot").get_attribute("aria-hidden") == "true"
