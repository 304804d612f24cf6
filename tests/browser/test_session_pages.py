"""One's open sessions (/compte/sessions) and an organizer ending anyone's (/organisation/sessions) in Chromium,
with two browser contexts for two devices — the one acting, on a desktop or 390 px wide, and the other one on the
other kind: what the session ended shows on the acting device, and the other device is sent to sign in at its
next request, even from a page it still had open. axe-core on every page of the way."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.people.roles import Role
from local.world import COACH, ENTERPRISE, NOT_LISTED
from tests.browser.conftest import DEVICES, Devices, LocalSite, assert_accessible, sign_in_here
from tests.space_web import SpaceWeb

OTHER = {"desktop": "phone", "phone": "desktop"}
TO_SIGN_IN = r"/connexion\?lang=fr&suite=%2F"


@dataclass(frozen=True, slots=True)
class World:
    site: LocalSite
    web: SpaceWeb  # opens sessions straight in the Sessions table: signing in is test_sign_in_pages'

    def session(self, email: str, role: Role, item_id: str, *, age: timedelta = timedelta()) -> str:
        return self.web.session_for(email, role, item_id, age=age).session_id


@pytest.fixture(scope="module")
def world(spaces: LocalSite) -> World:
    return World(spaces, SpaceWeb(spaces.aws, people=False))


@pytest.mark.parametrize("device", list(DEVICES))
def test_a_person_ends_their_other_sessions_and_the_other_device_is_signed_out(
    world: World, devices: Devices, device: str
) -> None:
    axe, enterprise = Axe(), (ENTERPRISE.email, Role.ENTERPRISE, "ateliers-mon-choix")
    on_the_laptop = world.session(*enterprise, age=timedelta(minutes=20))
    laptop, here = (
        devices.open(OTHER[device], world.site, on_the_laptop),
        devices.open(device, world.site, world.session(*enterprise)),
    )
    laptop.goto(world.site.url("/compte/sessions?lang=fr"))
    expect(laptop.locator("main tbody tr")).to_have_count(2)
    here.goto(world.site.url("/compte/sessions?lang=fr"))

    expect(here.get_by_role("heading", level=1)).to_have_text("Mes sessions ouvertes")
    rows = here.locator("main tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("(celle-ci)")
    expect(here.locator("main")).to_contain_text("après 30 minutes sans activité")
    assert_accessible(here, axe, "one's sessions")

    here.get_by_role("button", name="Fermer les autres sessions").click()

    expect(here.get_by_role("status")).to_have_text("Sessions fermées : 1.")
    expect(rows).to_have_count(1)
    expect(here.get_by_role("button", name="Fermer les autres sessions")).to_have_count(0)
    assert_accessible(here, axe, "one's sessions, the others ended")
    # The laptop still shows its page: its button, pressed now, ends nothing and sends it to sign in — and back
    # to that page once signed in again.
    laptop.get_by_role("button", name="Fermer les autres sessions").click()
    expect(laptop).to_have_url(re.compile(TO_SIGN_IN + "compte%2Fsessions$"))
    here.reload()
    expect(rows).to_have_count(1)
    sign_in_here(laptop, ENTERPRISE.email)
    expect(laptop).to_have_url(re.compile(r"/compte/sessions$"))
    expect(laptop.locator("main tbody tr")).to_have_count(2)

    for device_page in (laptop, here):
        device_page.get_by_role("button", name="Se déconnecter").click()
        expect(device_page.get_by_role("status")).to_contain_text("Vous êtes déconnecté")


@pytest.mark.parametrize("device", list(DEVICES))
def test_an_organizer_ends_a_persons_sessions_and_that_person_is_signed_out(
    world: World, devices: Devices, device: str
) -> None:
    axe = Axe()
    person = devices.open(
        OTHER[device],
        world.site,
        world.session(NOT_LISTED.email, Role.ENTERPRISE, "coop-deneigement-fjord"),
    )
    person.goto(world.site.url("/entreprise/?lang=fr"))
    expect(person.locator("header .who")).to_contain_text(NOT_LISTED.email)
    organizer = devices.open(device, world.site, world.session(COACH.email, Role.ORGANIZER, "esbsl"))
    organizer.goto(world.site.url("/organisation/sessions?lang=fr"))
    expect(organizer.get_by_role("heading", level=1)).to_have_text("Fermer les sessions d'une personne")
    assert_accessible(organizer, axe, "ending a person's sessions")

    # Not an address: said beside the field, and nobody's session ends.
    organizer.get_by_label("Adresse courriel").fill("steve.simard at fjord")
    organizer.get_by_role("button", name="Fermer ses sessions").click()
    email = organizer.get_by_label("Adresse courriel")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(organizer.locator("#email-error")).to_have_text(re.compile("^Entrez une adresse courriel valide"))
    expect(email).to_have_value("steve.simard at fjord")
    assert_accessible(organizer, axe, "a person's sessions: not an address")
    person.reload()
    expect(person.locator("header .who")).to_contain_text(NOT_LISTED.email)

    email.fill(NOT_LISTED.email)
    organizer.get_by_role("button", name="Fermer ses sessions").click()

    expect(organizer.get_by_role("status")).to_have_text("Sessions fermées : 1.")
    expect(organizer.get_by_label("Adresse courriel")).to_have_value("")
    person.get_by_role("link", name="Accueil").click()
    expect(person).to_have_url(re.compile(TO_SIGN_IN + "entreprise%2F"))
    # The journal says who ended how many sessions of whom — never the address.
    organizer.goto(world.site.url("/organisation/journal?action=sessions.end-all&lang=fr"))
    latest = organizer.locator("main tbody tr").first
    expect(latest).to_contain_text("sessions.end-all")
    expect(latest).to_contain_text("count=1")
    expect(latest).to_contain_text("esbsl")
    expect(organizer.locator("main")).not_to_contain_text(NOT_LISTED.email)
    assert_accessible(organizer, axe, "the journal of ended sessions")
