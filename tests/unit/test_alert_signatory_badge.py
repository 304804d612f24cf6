"""An alert marks the tenders whose buyer signed the declaration, in both parts and both languages."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from esja.alerts.compose import AlertLinks, compose_alert
from esja.alerts.model import Listing, Preferences
from esja.alerts.plan import AlertPlan, TenderEntry
from esja.config import SenderIdentity
from esja.digest.signatories import Signatory, SignatoryIndex, SignatoryLink
from esja.model import Buyer, Text
from tests.digest_builders import tender

NOW = datetime(2026, 11, 18, 14, tzinfo=UTC)
LISTING = Listing((("coop", "Coop de propreté"),), (), Preferences("daily", "fr"), ())
LINKS = AlertLinks("https://e.org/d?jeton=a", "https://e.org/u?jeton=a", "https://e.org/p?jeton=a")
SIGNED, OTHER = (
    tender("signed", "Entretien ménager"),
    tender("other", "Déneigement", buyer=Buyer(Text("Ville de Matane"))),
)


def alert(lang: str, signed: frozenset[str]) -> tuple[str, str]:
    plan = AlertPlan(new=(TenderEntry(SIGNED), TenderEntry(OTHER)))
    email = compose_alert(
        plan, to="a@e.org", listing=LISTING, lang=lang, links=LINKS, sender=SenderIdentity(), now=NOW, signed=signed
    )
    return email.html, email.text


def test_the_badge_marks_only_the_tenders_of_signatories_in_french_and_english() -> None:
    html, text = alert("fr", frozenset({SIGNED.key}))
    html_en, text_en = alert("en", frozenset({SIGNED.key}))

    assert html.count("Acheteur signataire de la Déclaration d'engagement") == 1
    assert text.index("[Acheteur signataire") < text.index("Déneigement")  # under its own tender
    assert html_en.count("This buyer signed the Declaration of commitment") == 1
    assert "[This buyer signed" in text_en


def test_no_badge_without_a_signatory() -> None:
    html, text = alert("fr", frozenset())

    assert "signataire" not in html and "signataire" not in text


def test_the_alerts_ask_the_signatory_index_by_name_or_linked_buyer_id() -> None:
    rimouski = Signatory("p1", "Ville de Rimouski", "01", NOW - timedelta(days=3))
    index = SignatoryIndex.build([rimouski], [SignatoryLink("p1", buyer_id="OP-1")])

    assert index.is_signatory(SIGNED)
    assert index.is_signatory(replace(OTHER, buyer=Buyer(Text("Régie"), "OP-1")))
    assert not index.is_signatory(OTHER)
