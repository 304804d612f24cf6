"""An alert card as its reader reads it, built from the project's sample feeds and its example profiles
(matched for real): the notice page in the reader's language, the specific region of a federal notice,
each code once with its words in the reader's language, where a keyword was found, one kind of dash."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache

import pytest

from esja.alerts.compose import AlertLinks, compose_alert
from esja.alerts.model import ConsentRef, Listing, Preferences, ProfileRef
from esja.alerts.plan import AlertPlan, TenderEntry
from esja.config import SenderIdentity
from esja.emails import Email
from esja.geo import RegionInferrer
from esja.matching.brute_force import brute_force_match
from esja.matching.profiles_csv import read_profiles_csv
from esja.model import Consent, Language, Tender
from esja.sources.formats import parse
from esja.sources.notice_pages import notice_page
from local.runtime import ROOT
from tests.words import plain

SAMPLES = ROOT / "local" / "sample_feeds"
NOW = datetime(2026, 11, 27, 15, tzinfo=UTC)  # the sample week (local/sample_feeds/README.md)
MON_CHOIX = "ateliers-mon-choix"
LINKS = AlertLinks("https://esja.example.org/desabonnement", "https://esja.example.org/un-clic", "https://p")
CB_227 = "canadabuys:cb-227-40918356"  # Institut Maurice-Lamontagne, Mont-Joli: document shredding
CB_418 = "canadabuys:cb-418-73520941"  # Federal building, Rimouski: janitorial services
SEAO_CLEANING = "seao:ocds-ec9k95-20198412"  # Ville de Rimouski: French only


@cache
def sample_tenders() -> dict[str, Tender]:
    inferrer = RegionInferrer()
    files = [SAMPLES / "canadabuys/newTenderNotice-nouvelAvisAppelOffres.csv", *sorted(SAMPLES.glob("seao/*.json"))]
    tenders = [inferrer.with_regions(t) for f in files for t in parse(f.read_bytes(), now=NOW).tenders]
    return {t.key: t for t in tenders}


@cache
def alert(enterprise_id: str, lang: Language) -> Email:
    """The enterprise's alert for the sample week: every tender its example profiles match."""
    imported = read_profiles_csv((ROOT / "examples/enterprises.csv").read_text(encoding="utf-8"))
    profiles = [p for p in imported.profiles if p.enterprise_id == enterprise_id]
    tenders = sample_tenders()
    found: dict[str, list] = {}  # type: ignore[type-arg]
    for match in brute_force_match(profiles, tenders.values(), NOW):
        found.setdefault(match.tender_key, []).append(match)
    named = {p.id: ProfileRef(enterprise_id, p.id, p.name) for p in profiles}
    entries = tuple(
        TenderEntry(
            tenders[key],
            tuple(dict.fromkeys(r for m in matches for r in m.reasons)),
            tuple(named[m.profile_id] for m in matches),
        )
        for key, matches in sorted(found.items())
    )
    consent = ConsentRef(enterprise_id, Consent(NOW, "formulaire web", "c-1"))
    listing = Listing(
        ((enterprise_id, "Les Ateliers Mon Choix"),), tuple(named.values()), Preferences("daily", lang), (consent,)
    )
    return compose_alert(
        AlertPlan(new=entries),
        to="x@example.org",
        listing=listing,
        lang=lang,
        links=LINKS,
        sender=SenderIdentity(),
        now=NOW,
    )


def card(email: Email, key: str) -> str:
    """The plain-text card of one tender."""
    title = sample_tenders()[key].title.read_in(email.language)[0]
    cards = email.text.split("\n* ")
    [found] = [c for c in cards if c.startswith(title)]
    return plain(found.split("\n--\n")[0])


def html_card(email: Email, key: str) -> str:
    title = sample_tenders()[key].title.read_in(email.language)[0]
    [found] = [
        c
        for c in email.html.split(
            '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 6px;'
        )
        if title in c
    ]
    return found


@pytest.mark.parametrize(
    ("lang", "page"),
    [
        ("fr", "https://canadabuys.canada.ca/fr/occasions-de-marche/appels-d-offres/cb-227-40918356"),
        ("en", "https://canadabuys.canada.ca/en/tender-opportunities/tender-notice/cb-227-40918356"),
    ],
)
def test_a_canadabuys_notice_links_to_its_page_in_the_readers_language(lang: str, page: str) -> None:
    email = alert(MON_CHOIX, lang)

    assert page in card(email, CB_227)
    assert f'href="{page}"' in html_card(email, CB_227)
    other = "/en/" if lang == "fr" else "/fr/"
    assert f"canadabuys.canada.ca{other}" not in email.text + email.html


def test_notice_pages_of_other_publishers_stay_as_they_are_and_only_web_addresses_are_links() -> None:
    merx = "https://www.merx.com/public/solicitations/12345/abstract?language=EN"
    assert notice_page(merx, "fr") == "https://www.merx.com/public/solicitations/12345/abstract?language=FR"
    assert notice_page(merx, "en") == merx
    seao = "https://seao.gouv.qc.ca/avis-resultat-recherche/consulter?ItemId=ed75b135"
    assert notice_page(seao, "en") == seao
    fr_page = "https://canadabuys.canada.ca/fr/occasions-de-marche/appels-d-offres/cb-1-2"
    assert notice_page(fr_page, "en") == "https://canadabuys.canada.ca/en/tender-opportunities/tender-notice/cb-1-2"
    assert notice_page("javascript:alert(1)", "fr") == "" and notice_page(None, "fr") == ""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_federal_notice_naming_a_town_in_quebec_shows_that_towns_region(lang: str) -> None:
    for key in (CB_227, CB_418):
        text = card(alert(MON_CHOIX, lang), key)

        [region] = [line for line in text.splitlines() if line.strip().startswith(("Région", "Region"))]
        assert "01 Bas-Saint-Laurent" in region, region
        assert "Québec" not in region


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_code_appears_once_on_a_card(lang: str) -> None:
    email = alert(MON_CHOIX, lang)
    for key in (CB_227, CB_418, SEAO_CLEANING):
        text = card(email, key)
        codes = {c.code for c in sample_tenders()[key].classifications}
        for code in codes | {"01"}:  # the region's code too (« 01 Bas-Saint-Laurent »)
            assert len(re.findall(rf"\b{code}\b", text)) == 1, (code, text)
        assert len(re.findall(r"\b01\b", html_card(email, key))) == 1


def test_a_code_of_the_readers_profile_is_marked_where_the_card_lists_it() -> None:
    french, english = card(alert(MON_CHOIX, "fr"), CB_227), card(alert(MON_CHOIX, "en"), CB_227)

    assert "80161508 – Services de destruction de documents (✓ votre code)" in french
    assert "80161508 – Document destruction services (✓ your code)" in english
    assert "Région : 01 Bas-Saint-Laurent (✓ votre région)" in french


def test_a_keyword_found_only_in_the_other_languages_title_says_so() -> None:
    french, english = card(alert(MON_CHOIX, "fr"), CB_227), card(alert(MON_CHOIX, "en"), CB_227)

    assert "mot-clé « shredding » dans le titre anglais" in french
    assert "mot-clé « déchiquetage » dans le titre\n" in french
    assert "keyword “déchiquetage” in the French title" in english
    assert "keyword “shredding” in the title\n" in english


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_alert_uses_one_kind_of_dash(lang: str) -> None:
    email = alert(MON_CHOIX, lang)

    assert "–" in email.text and "—" not in email.text
    assert "—" not in email.html and "&mdash;" not in email.html


def test_an_english_reader_reads_a_french_only_notices_codes_in_english() -> None:
    english = card(alert(MON_CHOIX, "en"), SEAO_CLEANING)
    french = card(alert(MON_CHOIX, "fr"), SEAO_CLEANING)

    assert "76111500 – General building and office cleaning and maintenance services" in english
    assert "Window or window blind cleaning services" in english
    assert "Nettoyage et entretien de bureaux" not in english
    assert "76111500 – Nettoyage et entretien de bureaux et de bâtiments divers" in french
    assert 'lang="fr"' not in html_card(alert(MON_CHOIX, "en"), SEAO_CLEANING).split("UNSPSC")[1]
