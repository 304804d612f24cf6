"""The alert e-mail in French and English: every field of every tender, the CASL footer, escaped titles."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib import resources

import pytest

from esja.alerts.compose import AlertLinks, compose_alert, join_names
from esja.alerts.model import ConsentRef, Listing, Preferences, ProfileRef
from esja.alerts.plan import AlertPlan, TenderEntry
from esja.config import SenderIdentity
from esja.emails import Email
from esja.l10n import LANGUAGES
from esja.model import (
    FREQUENCIES,
    Buyer,
    Category,
    Classification,
    Consent,
    Money,
    Reason,
    RegionEvidence,
    Regions,
    Scope,
    Status,
    Tender,
    Text,
)

NOW = datetime(2026, 10, 15, 14, 0, tzinfo=UTC)
TENDER = Tender(
    source="seao",
    native_id="ocds-ec9k95-1",
    revision="1",
    title=Text("Entretien ménager des édifices municipaux", "Janitorial services for municipal buildings"),
    status=Status.OPEN,
    buyer=Buyer(Text("Ville de Rimouski")),
    classifications=(Classification("UNSPSC", "76111500", Text("Services de nettoyage", "Cleaning services")),),
    category=Category.SERVICES,
    closing_at=datetime(2026, 10, 22, 14, 0, tzinfo=UTC),  # 10 h in Montréal
    url="https://seao.ca/avis/1",
    value=Money(Decimal("45990")),
    regions=Regions(Scope.REGIONS, (RegionEvidence("01", "code postal G5L", 0.9),)),
)
WHY = (Reason("unspsc", "code UNSPSC 76111500 (Services de nettoyage)", "UNSPSC code 76111500 (Cleaning services)"),)
PROFILE = ProfileRef("coop", "menage", "Entretien ménager")
LISTING = Listing(
    enterprises=(("coop", "Coopérative de propreté"),),
    profiles=(PROFILE,),
    defaults=Preferences("daily", "fr"),
    consents=(ConsentRef("coop", Consent(datetime(2026, 2, 3, 14, 15, tzinfo=UTC), "formulaire web", "c-2026-01")),),
)
LINKS = AlertLinks(
    unsubscribe="https://esja.example.org/desabonnement?jeton=abc&lang=fr",
    one_click="https://esja.example.org/desabonnement/un-clic?jeton=abc",
    preferences="https://esja.example.org/preferences?jeton=def&lang=fr",
)
SENDER = SenderIdentity(
    organisation="L'économie sociale, j'achète!",
    mailing_address="4200, boul. Saint-Laurent, Montréal (Québec)",
    contact_email="info@esja.example.org",
    privacy_officer="Responsable de la vie privée, vieprivee@esja.example.org",
)


def alert(plan: AlertPlan, lang: str = "fr", listing: Listing = LISTING) -> Email:
    return compose_alert(
        plan, to="direction@coop.example.org", listing=listing, lang=lang, links=LINKS, sender=SENDER, now=NOW
    )


def new(*tenders: Tender) -> AlertPlan:
    return AlertPlan(new=tuple(TenderEntry(t, WHY, (PROFILE,)) for t in tenders))


def visible(html: str) -> str:
    """The HTML as a reader sees it: tags dropped, entities left as they are."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def test_french_alert_shows_every_field_of_a_tender_in_both_parts() -> None:
    email = alert(new(TENDER))

    for part in (email.text, visible(email.html)):
        for shown in (
            "Entretien ménager des édifices municipaux",
            "Ville de Rimouski",
            "22 octobre 2026 à 10\u00a0h",
            "dans 7 jours",
            "Services",
            "76111500 – Services de nettoyage",
            "01 Bas-Saint-Laurent",
            "45\u00a0990\u00a0$",
            "code UNSPSC 76111500 (Services de nettoyage)",
            "Entretien ménager",
        ):
            assert shown in part, shown
    assert "https://seao.ca/avis/1" in email.text and 'href="https://seao.ca/avis/1"' in email.html
    assert email.subject == "1 nouvel appel d'offres pour Coopérative de propreté"
    assert email.language == "fr" and '<html lang="fr">' in email.html


def test_english_alert_speaks_english_and_keeps_a_french_only_title_marked_french() -> None:
    french_only = replace(TENDER, title=Text("Déneigement des stationnements"))
    email = alert(new(TENDER, french_only), "en")

    text = email.text
    assert email.subject == "2 new tenders for Coopérative de propreté"
    assert "Janitorial services for municipal buildings" in text and "October 22, 2026 at 10:00 a.m." in text
    assert "in 7 days" in text and "$45,990" in text and "UNSPSC code 76111500 (Cleaning services)" in text
    assert "76111500 – Cleaning services" in text and "Why this notice:" in text
    assert 'lang="fr">Déneigement des stationnements<' in email.html
    assert '<html lang="en">' in email.html


def test_hostile_titles_come_out_escaped_in_html_and_inert_in_text() -> None:
    hostile = replace(
        TENDER,
        title=Text('<script>alert("x")</script><img src=x onerror=alert(1)> & Fils'),
        buyer=Buyer(Text("<b>Ville</b>")),
        url="javascript:alert(1)",
    )
    email = alert(new(hostile))

    assert "<script>" not in email.html and "<img" not in email.html and "<b>Ville" not in email.html
    assert "&lt;script&gt;" in email.html and "&amp; Fils" in email.html
    assert "javascript:" not in email.html and "javascript:" not in email.text
    assert '<script>alert("x")</script><img src=x onerror=alert(1)> & Fils' in email.text  # plain text, as written


def test_footer_identifies_the_sender_says_why_and_links_to_unsubscribe_and_preferences() -> None:
    email = alert(new(TENDER))

    for part in (email.text, visible(email.html).replace("&#39;", "'")):
        assert "L'économie sociale, j'achète\u00a0!" in part
        assert "4200, boul. Saint-Laurent, Montréal (Québec)" in part
        assert "info@esja.example.org" in part and "vieprivee@esja.example.org" in part
        assert "parce que vous avez accepté, le 3 février 2026" in part and "Coopérative de propreté" in part
    assert LINKS.unsubscribe in email.text and LINKS.preferences in email.text
    assert 'href="https://esja.example.org/desabonnement?jeton=abc&amp;lang=fr"' in email.html
    assert 'href="https://esja.example.org/preferences?jeton=def&amp;lang=fr"' in email.html
    assert email.unsubscribe_url == LINKS.one_click  # List-Unsubscribe: the one-click endpoint


def test_changes_and_reminders_have_their_sections_and_subjects() -> None:
    cancelled = TenderEntry(replace(TENDER, status=Status.CANCELLED), change="cancelled")
    amended = TenderEntry(replace(TENDER, native_id="2"), change="amended")
    soon = TenderEntry(replace(TENDER, native_id="3", closing_at=NOW + timedelta(days=1)), WHY, (PROFILE,))

    changes = alert(AlertPlan(updates=(cancelled, amended)))
    reminder = alert(AlertPlan(reminders=(soon,)), "en")

    assert changes.subject == "2 appels d'offres signalés ont changé (Coopérative de propreté)"
    assert "Addenda et annulations (2)" in changes.text and "Annulé par l'acheteur." in changes.text
    assert "Modifié (addenda)" in changes.text
    assert reminder.subject == "Reminder: a tender closes soon (Coopérative de propreté)"
    assert "Closing soon (1)" in reminder.text and "closes tomorrow" in reminder.text


@pytest.mark.parametrize(
    ("lang", "plan", "subject"),
    [
        ("fr", AlertPlan(new=(TenderEntry(TENDER),) * 3), "3 nouveaux appels d'offres pour Coopérative de propreté"),
        ("en", AlertPlan(new=(TenderEntry(TENDER),)), "1 new tender for Coopérative de propreté"),
        (
            "fr",
            AlertPlan(updates=(TenderEntry(TENDER, change="amended"),)),
            "Un appel d'offres signalé a changé (Coopérative de propreté)",
        ),
        (
            "en",
            AlertPlan(reminders=(TenderEntry(TENDER),) * 2),
            "Reminder: 2 tenders close soon (Coopérative de propreté)",
        ),
    ],
)
def test_subject_lines_in_both_languages(lang: str, plan: AlertPlan, subject: str) -> None:
    assert alert(plan, lang).subject == subject


def test_a_reader_of_two_enterprises_sees_each_profile_with_its_enterprise() -> None:
    both = replace(
        LISTING,
        enterprises=(("coop", "Coopérative de propreté"), ("voisins", "Les Voisins")),
        profiles=(PROFILE, ProfileRef("voisins", "vitres", "Vitres")),
    )
    plan = AlertPlan(new=(TenderEntry(TENDER, WHY, (PROFILE, ProfileRef("voisins", "vitres", "Vitres"))),))

    email = alert(plan, listing=both)

    assert email.subject.endswith("pour Coopérative de propreté et Les Voisins")
    assert "Entretien ménager (Coopérative de propreté), Vitres (Les Voisins)" in email.text


def test_names_are_joined_in_the_readers_language() -> None:
    assert join_names(["A", "B", "C"], "fr") == "A, B et C"
    assert join_names(["A", "B"], "en") == "A and B"


def test_every_wording_the_alert_templates_use_exists_in_french_and_english() -> None:
    folder = resources.files("esja") / "templates"
    wording = {
        **json.loads((folder / "i18n" / "alerts.json").read_text(encoding="utf-8")),
        **json.loads((folder / "i18n" / "common.json").read_text(encoding="utf-8")),  # the footer's shared lines
        **json.loads((folder / "i18n" / "feedback.json").read_text(encoding="utf-8")),  # « Pertinent » links
    }
    used = set()
    for name in (
        "email/alert.html",
        "email/alert.txt",
        "email/alert_tender.html",
        "email/alert_tender.txt",
        "pages/unsubscribe.html",
        "pages/unsubscribe_done.html",
        "pages/unsubscribe_link_invalid.html",
        "pages/preferences.html",
    ):
        used |= set(re.findall(r'_\("([a-z0-9_.\-]+)"\s*[,)]', (folder / name).read_text(encoding="utf-8")))
    # Keys put together from a value.
    used |= {f"preferences.frequency.{f}" for f in FREQUENCIES} | {f"preferences.language.{lang}" for lang in LANGUAGES}
    used |= {f"alerts.category.{c.value}" for c in Category} | {"alerts.change.amended", "alerts.change.cancelled"}
    used |= {f"alerts.region.{s.value}" for s in Scope if s is not Scope.REGIONS}
    used |= {f"alerts.subject.{s}.{n}" for s in ("new", "updates", "reminders") for n in ("one", "many")}
    used |= {f"alerts.section.{s}" for s in ("new", "updates", "reminders")}
    used |= {"alerts.section.updates.intro", "alerts.section.reminders.intro"}

    assert all(set(texts) == {"fr", "en"} and all(texts.values()) for texts in wording.values())
    assert used - {"site.name"} <= wording.keys()
