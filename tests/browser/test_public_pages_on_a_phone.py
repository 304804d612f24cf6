"""The public pages in Chromium as a phone and a keyboard use them: the phone number as the hint writes
it, the registry and every page at 390 px without sideways scrolling, the skip link, a focus ring that
shows (3:1 at least), the invalid state of text inputs, and axe-core (bundled, offline) on every page."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.pledges.form import read_pledge_form
from esja.pledges.model import BY_ORGANIZER, CONSENT_VERSION, Pledge, PledgeStatus, Verdict, Verification
from esja.store.pledges import PledgeStore
from local.outbox import sent_emails
from tests.browser.conftest import LocalSite
from tests.pledge_builders import pledge_fields

PHONE = {"width": 390, "height": 844}  # a current phone, in CSS pixels
DESKTOP = {"width": 1280, "height": 900}
TIME_TRAP_SECONDS = 3.2
ERROR_RED = "rgb(164, 0, 15)"  # --error in site.css
LONG_NAME = "Centre intégré universitaire de santé et de services sociaux de la Mauricie-et-du-Centre-du-Québec"
PAGES = ["/", "/engagement", "/engagement/envoye", "/registre", "/nulle-part", "/engagement/confirmation?jeton=x"]


@pytest.fixture(scope="module")
def registry(site: LocalSite) -> LocalSite:
    """Three people of one institution, one of another with a very long name, two of a third."""
    store = PledgeStore(site.aws.resources.names["PledgesTable"], site.aws.client("dynamodb"))
    municipality, health = ("municipality", "01"), ("health-body", "11")  # « Gaspésie–Îles-de-la-Madeleine »
    signed = [
        ("Ville de Rimouski", "Marie Tremblay", "Directrice de l'approvisionnement", municipality),
        ("Ville de Rimouski", "Luc Bérubé", "Conseiller en approvisionnement responsable", municipality),
        ("VILLE DE RIMOUSKI", "Ana Roy", "Greffière", municipality),
        (LONG_NAME, "Jean-François Desrosiers-Beauchemin", "Directeur des ressources matérielles", health),
        ("MRC de La Mitis", "Sophie Gagnon", "Directrice générale", municipality),
        ("MRC de La Mitis", "Paul Ouellet", "Préfet", municipality),
    ]
    now = datetime.now(UTC)
    for n, (institution, name, title, (kind, region)) in enumerate(signed):
        fields = pledge_fields(
            institution_name=institution,
            institution_type=kind,
            region=region,
            signatory_name=name,
            signatory_title=title,
            email=f"p{n}@example.org",
        )
        details = read_pledge_form({k: [v] if isinstance(v, str) else list(v) for k, v in fields.items()}).details
        assert details is not None
        pledge = Pledge(
            f"seed{n}", details, "fr", PledgeStatus.PENDING, now, CONSENT_VERSION,
            token_digest="seed", token_expires_at=now + timedelta(hours=1), purge_at=now + timedelta(days=30),
        )  # fmt: skip
        store.add(pledge)
        at = now + timedelta(seconds=n)  # confirmed, and verified by an organizer: only then on the registry
        store.confirm(pledge, at, Verdict(Verification.VERIFIED, at, "esbsl", BY_ORGANIZER))
    return site


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-CA", viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-CA", viewport=DESKTOP)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def assert_no_sideways_scrolling(page: Any) -> None:
    """Against the device's width: a phone browser widens its layout viewport (innerWidth) to content
    that overflows, and zooms out: innerWidth alone would hide the fault."""
    widths = page.evaluate(
        "({document: document.documentElement.scrollWidth, body: document.body.scrollWidth, viewport: innerWidth})"
    )
    device = page.viewport_size["width"]
    assert max(widths.values()) <= device, (page.url, device, widths)


def rgb(css: str) -> tuple[float, float, float]:
    r, g, b = (float(v) for v in re.findall(r"[\d.]+", css)[:3])
    return r, g, b


def contrast(first: str, second: str) -> float:
    """WCAG 2.2's contrast ratio of two CSS colours."""

    def luminance(css: str) -> float:
        channels = [c / 255 for c in rgb(css)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


FOCUS_RING = """() => {
  const element = document.activeElement, style = getComputedStyle(element);
  let around = element.parentElement, background = 'rgb(255, 255, 255)';
  for (; around; around = around.parentElement) {
    const colour = getComputedStyle(around).backgroundColor;
    if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') { background = colour; break; }
  }
  return {tag: element.tagName, id: element.id, type: element.type || '', colour: style.outlineColor,
          width: parseFloat(style.outlineWidth), style: style.outlineStyle, background};
}"""


def assert_focus_ring_shows(page: Any) -> dict[str, Any]:
    ring: dict[str, Any] = page.evaluate(FOCUS_RING)
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    assert contrast(ring["colour"], ring["background"]) >= 3, ring
    return ring


def sign_with_phone(page: Any, lang: str, phone_number: str) -> None:
    page.get_by_label("Nom de l'institution" if lang == "fr" else "Name of the institution").fill("Ville de Matane")
    page.locator("#institution_type").select_option("municipality")
    page.locator("#region").select_option("01")
    page.locator("#signatory_name").fill("Marie Tremblay")
    page.locator("#signatory_title").fill("Directrice")
    page.locator("#email").fill(f"marie.{lang}@ville.matane.example.org")
    page.locator("#phone").fill(phone_number)
    page.locator("#declaration").check()


# --- 1. The phone number as the hint writes it ----------------------------------------------------------


@pytest.mark.parametrize(("lang", "sent_heading"), [("fr", "Vérifiez vos courriels"), ("en", "Check your e-mail")])
def test_the_phone_number_written_as_the_hint_shows_it_is_accepted(
    site: LocalSite, phone: Any, lang: str, sent_heading: str
) -> None:
    phone.goto(site.url(f"/engagement?lang={lang}"))
    opened = time.monotonic()
    hint = phone.locator("#phone-hint").inner_text()
    example = re.split(r":\s*", hint, maxsplit=1)[1]  # « Par exemple : 418 555-0123, poste 12 »

    sign_with_phone(phone, lang, example)
    before = len(sent_emails())
    time.sleep(max(0.0, TIME_TRAP_SECONDS - (time.monotonic() - opened)))
    phone.locator("button[type=submit]").click()

    expect(phone.get_by_role("heading", name=sent_heading)).to_be_visible()
    assert len(sent_emails()) == before + 1
    assert_no_sideways_scrolling(phone)


# --- 2. The registry on a phone -------------------------------------------------------------------------


def test_the_registry_reads_on_a_phone_one_entry_per_institution(registry: LocalSite, phone: Any) -> None:
    phone.goto(registry.url("/registre?lang=fr"))

    assert_no_sideways_scrolling(phone)
    entries = phone.locator("ol.registry > li")
    assert entries.count() == 3
    expect(phone.locator("#registry-count")).to_have_text(re.compile(r"^3\s+institutions signataires$"))
    rimouski = entries.filter(has=phone.get_by_role("heading", name=re.compile("rimouski", re.I)))
    expect(rimouski).to_contain_text("Marie Tremblay")
    expect(rimouski).to_contain_text("Luc Bérubé")
    expect(rimouski).to_contain_text("Ana Roy")
    long_entry = entries.filter(has_text=LONG_NAME).bounding_box()
    assert long_entry and long_entry["x"] >= 0 and long_entry["x"] + long_entry["width"] <= PHONE["width"]
    phone.screenshot(path=str(_artifacts() / "registry-390.png"), full_page=True)


# --- 7. Every page: 390 px, skip link, focus ring, invalid state, axe-core ------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_reads_at_390_px_without_sideways_scrolling(registry: LocalSite, phone: Any, lang: str) -> None:
    for path in PAGES:
        phone.goto(registry.url(f"{path}{'&' if '?' in path else '?'}lang={lang}"))
        assert_no_sideways_scrolling(phone)
        expect(phone.locator("footer.site")).to_be_visible()
    phone.goto(registry.url(f"/engagement?lang={lang}"))
    phone.locator("button[type=submit]").click()  # every error shown at once
    expect(phone.locator("#error-summary")).to_be_visible()
    assert_no_sideways_scrolling(phone)


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(site: LocalSite, desktop: Any) -> None:
    desktop.goto(site.url("/engagement?lang=fr"))
    skip = desktop.locator("a.skip")
    assert (skip.bounding_box() or {"y": -1})["y"] < 0  # out of sight until focused

    desktop.keyboard.press("Tab")

    assert desktop.evaluate("document.activeElement.className") == "skip"
    expect(skip).to_have_text("Aller au contenu")
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["x"] >= 0  # shown when focused
    assert_focus_ring_shows(desktop)
    desktop.keyboard.press("Enter")
    assert desktop.evaluate("document.activeElement.id") == "content"
    desktop.keyboard.press("Tab")  # the next stop is inside the content: the first field, not the header
    assert desktop.evaluate("document.activeElement.closest('main') !== null")
    assert desktop.evaluate("document.activeElement.id") == "institution_name"


def test_the_focus_ring_shows_with_at_least_3_to_1_contrast_on_every_kind_of_control(
    site: LocalSite, desktop: Any
) -> None:
    desktop.goto(site.url("/engagement?lang=fr"))
    seen: list[Any] = []
    desktop.keyboard.press("Tab")
    while desktop.evaluate("document.activeElement !== document.body") and len(seen) < 40:
        ring = assert_focus_ring_shows(desktop)  # every stop: the skip link, links, fields, boxes, the button
        seen.append(ring["type"] or ring["tag"])
        desktop.keyboard.press("Tab")

    assert {"A", "text", "select-one", "email", "tel", "checkbox", "submit"} <= set(seen)
    assert seen[-1] == "A"  # the footer's contact link, after the form


def test_text_inputs_show_their_invalid_state_as_selects_do(site: LocalSite, desktop: Any) -> None:
    desktop.goto(site.url("/engagement?lang=fr"))
    desktop.locator("button[type=submit]").click()
    expect(desktop.locator("#error-summary")).to_be_visible()

    def border(selector: str) -> tuple[str, str]:
        found: tuple[str, str] = desktop.eval_on_selector(
            selector, "e => [getComputedStyle(e).borderTopColor, getComputedStyle(e).borderTopWidth]"
        )
        return tuple(found)  # type: ignore[return-value]

    select = border("#region")
    assert select == (ERROR_RED, "2px")
    for field in ("#institution_name", "#signatory_name", "#signatory_title", "#email"):
        assert desktop.locator(field).get_attribute("aria-invalid") == "true"
        assert border(field) == select, field
    assert border("#phone") != select  # an optional field left empty is not in error
    assert contrast(ERROR_RED, "rgb(255, 255, 255)") >= 3


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_axe_core_finds_no_violation_on_any_page(registry: LocalSite, request: Any, viewport: str) -> None:
    page = request.getfixturevalue(viewport)
    axe = Axe()
    found = {}
    for lang in ("fr", "en"):
        for path in [*PAGES, "/engagement?erreurs"]:
            if path == "/engagement?erreurs":
                page.goto(registry.url(f"/engagement?lang={lang}"))
                page.locator("button[type=submit]").click()
                expect(page.locator("#error-summary")).to_be_visible()
            else:
                page.goto(registry.url(f"{path}{'&' if '?' in path else '?'}lang={lang}"))
            violations = axe.run(page).response["violations"]
            if violations:
                found[f"{lang} {path}"] = [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    assert found == {}


def _artifacts() -> Any:
    from local.runtime import ROOT

    folder = ROOT / "out" / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
