"""Contracts won, in Chromium: the manager signs in, sees the awards found in the enterprise's name (each run its
own two, recorded as the weekly run records them), denies the namesake's (« ce n'est pas nous ») and confirms its
own. On a desktop and 390 px wide, in French and English, with axe-core on every page."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.digest.outcomes import ContractWon
from esja.model import Text
from esja.store.digest_sources import MatchHistory
from local.feedback_case import ENTERPRISE_ID as MON_CHOIX
from local.world import ENTERPRISE
from tests.browser.conftest import LocalSite, assert_accessible
from tests.browser.test_feedback_pages import sign_in

WORDS = {
    "fr": {"title": "Contrats obtenus", "deny": "Ce n'est pas nous", "confirm": "C'est bien nous",
           "denied": "ce n'est pas nous (non compté)", "confirmed": "c'est bien nous"},
    "en": {"title": "Contracts won", "deny": "Not us", "confirm": "It is us",
           "denied": "not us (not counted)", "confirmed": "it is us"},
}  # fmt: skip


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_manager_denies_a_namesakes_award_and_confirms_its_own(spaces: LocalSite, page: Any, lang: str) -> None:
    words, axe = WORDS[lang], Axe()
    run = f"{lang}-{page.viewport_size['width']}"
    history = MatchHistory(spaces.aws.resources.names["MatchesTable"], spaces.aws.client("dynamodb"))
    now = datetime.now(UTC)
    ours = ContractWon(
        MON_CHOIX, "Les Ateliers Mon Choix", f"seao:ours-{run}", "1", Text(f"Entretien ménager {run}"),
        Text("Ville de Rimouski"), Decimal("45990"), None, "Les Ateliers Mon Choix inc.", "neq", found_at=now,
    )  # fmt: skip
    namesake = replace(ours, tender_key=f"seao:namesake-{run}", title=Text(f"Déménagement {run}"))
    for won in (ours, namesake):
        history.record_won(won, now)
    page.goto(spaces.url(f"/entreprise/contrats?lang={lang}"))
    sign_in(spaces, page, ENTERPRISE.email, lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
    assert_accessible(page, axe, "the contracts won")

    def card(won: ContractWon) -> Any:
        return page.locator("ul.cards > li", has_text=won.title.fr)

    card(namesake).get_by_role("button", name=words["deny"]).click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(card(namesake)).to_contain_text(words["denied"])
    card(ours).get_by_role("button", name=words["confirm"]).click()
    expect(card(ours)).to_contain_text(words["confirmed"])
    assert_accessible(page, axe, "both answered")
