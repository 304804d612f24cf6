"""French typography: one rule (esja.typography.typeset), applied by the renderer to everything rendered in French.

A non-breaking space (U+00A0) before « : ; ? ! », « $ » and « % », inside « », inside times (« 15 h 20 »)
and between the digit groups of amounts; never inside a tag, an attribute, inline CSS or an address.
Checked on the rule itself, then on a real alert, confirmation e-mail, digest and pages, both parts.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from esja import l10n
from esja.alerts.compose import compose_alert
from esja.alerts.plan import AlertPlan, TenderEntry
from esja.config import SenderIdentity
from esja.digest.compose import archive_page, compose_digest
from esja.emails import Email
from esja.geo.regions import region_name
from esja.pledges.confirmation_email import compose_confirmation
from esja.pledges.form import read_pledge_form
from esja.pledges.links import PATHS
from esja.pledges.model import CONSENT_VERSION, Pledge, PledgeDetails, PledgeStatus, RegistryInstitution, Signatory
from esja.pledges.model import InstitutionType as Type
from esja.pledges.summary import summary
from esja.typography import NBSP, typeset
from esja.web.pages import page
from esja.web.pledge_routes import _form_choices
from tests.pledge_builders import pledge_fields
from tests.unit.test_alert_rendering import LINKS, LISTING, TENDER, new
from tests.unit.test_digest_rendering import ARCHIVE_URL, digest

TEMPLATES = resources.files("esja") / "templates"
SENDER = SenderIdentity(
    organisation="Chantier de l'économie sociale",
    mailing_address="4200, boul. Saint-Laurent, Montréal (Québec)",
    contact_email="info@esja.example.org",
    privacy_officer="vieprivee@esja.example.org",
)
# What typography leaves alone, for the checks below: tags, references, addresses.
_NOT_PROSE = re.compile(
    r"<!--.*?-->|<[a-z/!][^>]*>|&(?:#[0-9]+|[a-z]+);|https?://[^\s<>\"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I | re.S
)
# A French reader's faults: an ordinary space, or none, where a non-breaking one belongs.
_FAULTS = re.compile(
    r"(?: [:;?!»]|« |[0-9] [$%]|[0-9][$%]|[0-9] h\b|\bh [0-9]{2}\b|\b[0-9]{1,3} [0-9]{3}\b"
    r"|[^\s:;?!«(\[][:;?!](?=\s|$))"
)


def faults(text: str) -> list[str]:
    """Every place of the text whose French typography is wrong, with a few characters around it."""
    found = []
    for prose in _NOT_PROSE.split(text):
        found += [prose[max(0, m.start() - 15) : m.end() + 15] for m in _FAULTS.finditer(prose or "")]
    return found


def assert_typeset(text: str) -> None:
    assert NBSP in text
    assert faults(text) == [], faults(text)


def assert_markup_untouched(html: str) -> None:
    """Tags, attributes and inline CSS (« margin:0; ») exactly as written: no non-breaking space in them."""
    tags = re.findall(r"<[^>]+>", html)
    assert tags and not [t for t in tags if NBSP in t]
    assert not [u for u in re.findall(r'href="([^"]*)"', html) if NBSP in u]


# --- The rule ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "typeset_"),
    [
        ("Par exemple : 418 555-0123", "Par exemple~: 418~555-0123"),
        ("Rappel: un appel", "Rappel~: un appel"),
        ("Confirmez-vous?", "Confirmez-vous~?"),
        ("Quoi?!", "Quoi~?!"),
        ("L'économie sociale, j'achète!", "L'économie sociale, j'achète~!"),
        ("biens ; services", "biens~; services"),
        ("« Ville de Rimouski »", "«~Ville de Rimouski~»"),
        ("«Ville de Rimouski»", "«~Ville de Rimouski~»"),
        ("45 990 $", "45~990~$"),
        ("45\u202f990$", "45~990~$"),  # Babel's other locales write a narrow one: the same rule
        ("1 234,50 $", "1~234,50~$"),
        ("15 %", "15~%"),
        ("à 15 h 20", "à 15~h~20"),
        ("à 10 h, puis", "à 10~h, puis"),
        ("à 10h", "à 10~h"),
        ("10:30, 3:1, 24 heures", "10:30, 3:1, 24 heures"),  # not punctuation, not a time as we write it
    ],
)
def test_the_rule(written: str, typeset_: str) -> None:
    assert typeset(written, "fr").replace(NBSP, "~") == typeset_


def test_applying_it_twice_changes_nothing() -> None:
    once = typeset("Rappel : « 45 990 $ » à 15 h 20 ; vraiment ? Oui !", "fr")

    assert typeset(once, "fr") == once


def test_tags_attributes_inline_css_references_and_addresses_are_left_as_they_are() -> None:
    html = (
        '<p style="margin:0 0 8px;color:#0b5e55">Rappel : <a href="https://x.example/?a=b:c;d&amp;e=f">lien</a>'
        " l&#39;avis ; https://x.example/p?q=1 ou info@x.example.org</p><!-- note: ici -->"
    )

    assert typeset(html, "fr") == html.replace("Rappel :", f"Rappel{NBSP}:").replace("avis ;", f"avis{NBSP};")


def test_a_tag_written_over_several_lines_is_left_as_it_is() -> None:
    html = '<input type="text" id="x"\n value="Quoi ? Oui !"\n title="a: b">Rappel : x\n<p\n>Quoi?</p>'

    assert typeset(html, "fr") == html.replace("Rappel :", f"Rappel{NBSP}:").replace("Quoi?<", f"Quoi{NBSP}?<")


def test_english_is_left_as_it_is() -> None:
    assert typeset("Reminder: $45,990 at 3:20 p.m.? Yes!", "en") == "Reminder: $45,990 at 3:20 p.m.? Yes!"


def test_babels_spacing_goes_through_the_same_rule() -> None:
    moment = datetime(2026, 10, 22, 19, 20, tzinfo=UTC)

    assert l10n.money(Decimal("45990"), "fr") == f"45{NBSP}990{NBSP}$"
    assert l10n.count(12345, "fr") == f"12{NBSP}345"
    assert l10n.date_time(moment, "fr") == f"22 octobre 2026 à 15{NBSP}h{NBSP}20"


def test_templates_and_catalogues_hold_no_hand_written_non_breaking_space() -> None:
    """Typography is the rule's job: a space typed by hand would be a second way, and would drift."""
    folders = [Path(str(TEMPLATES / folder)) for folder in ("pages", "email", "i18n")]
    files = [f for folder in folders for f in folder.rglob("*") if f.is_file()]
    written = {f.name: f.read_text(encoding="utf-8") for f in files}

    assert written and not [name for name, text in written.items() if "\u00a0" in text or "\u202f" in text]
    # An empty table cell of the e-mails keeps its &nbsp; (layout, not typography); never next to a word.
    assert not [name for name, text in written.items() if re.search(r"\w&nbsp;|&nbsp;\w|&#160;", text)]


# --- Real e-mails and pages, both parts --------------------------------------------------------------


def test_a_french_alert_subject_html_and_text() -> None:
    at_twenty_past = replace(TENDER, closing_at=datetime(2026, 10, 22, 19, 20, tzinfo=UTC))
    email = compose_alert(
        new(at_twenty_past), to="a@coop.example.org", listing=LISTING, lang="fr", links=LINKS, sender=SENDER,
        now=datetime(2026, 10, 15, 14, 0, tzinfo=UTC),
    )  # fmt: skip

    for part in (email.text, email.html):
        assert_typeset(part)
        assert f"22 octobre 2026 à 15{NBSP}h{NBSP}20" in part and f"45{NBSP}990{NBSP}$" in part
    assert_markup_untouched(email.html)
    assert LINKS.unsubscribe in email.text and LINKS.preferences in email.text  # addresses whole


def test_a_french_reminder_subject() -> None:
    email = compose_alert(
        AlertPlan(reminders=(TenderEntry(TENDER),)), to="a@coop.example.org", listing=LISTING, lang="fr",
        links=LINKS, sender=SENDER, now=datetime(2026, 10, 15, 14, 0, tzinfo=UTC),
    )  # fmt: skip

    assert email.subject.startswith(f"Rappel{NBSP}: ")


def test_a_french_pledge_confirmation_subject_html_and_text() -> None:
    email = _confirmation("fr")

    assert email.subject == f"Confirmez votre engagement — L'économie sociale, j'achète{NBSP}!"
    for part in (email.text, email.html):
        assert_typeset(part)
        assert f"Vous n'avez rien signé{NBSP}?" in part and f"15{NBSP}%" in part
        assert f"avant le 6 novembre 2026 à 10{NBSP}h{NBSP}20" in part
    assert_markup_untouched(email.html)
    assert "https://esja.example.org/engagement/retrait?jeton=def&lang=fr\n" in email.text


def test_the_english_confirmation_is_left_in_english_typography() -> None:
    email = _confirmation("en")

    assert NBSP not in email.text and NBSP not in email.html and NBSP not in email.subject
    assert "Institution: Ville de Rimouski" in email.text


def test_a_french_digest_subject_html_text_and_archived_page() -> None:
    email = compose_digest(digest(), archive_url=ARCHIVE_URL, sender=SENDER)
    page_ = archive_page(digest(), sender=SENDER)

    for part in (email.text, email.html, page_):
        assert_typeset(part)
        assert f"118{NBSP}452,60{NBSP}$" in part
    assert_markup_untouched(email.html)
    assert ARCHIVE_URL in email.text


@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("pages/landing.html", {}),
        ("pages/pledge_form.html", "form"),
        ("pages/registry.html", "registry"),
        ("pages/pledge_confirm.html", "confirm"),
        ("pages/error.html", {"message_key": "error.server"}),
    ],
)
def test_french_pages(template: str, context: str | dict[str, object]) -> None:
    body = page(template, "fr", sender=SENDER, **_page_context(context)).body
    assert isinstance(body, str)

    assert_typeset(body)
    assert_markup_untouched(body)
    assert f"Responsable de la protection des renseignements personnels{NBSP}: vieprivee@" in body  # the footer


def _details() -> PledgeDetails:
    fields = {k: [v] if isinstance(v, str) else list(v) for k, v in pledge_fields().items()}
    details = read_pledge_form(fields).details
    assert details is not None
    return details


def _confirmation(lang: str) -> Email:
    pledge = Pledge(
        "p1", _details(), lang, PledgeStatus.PENDING, datetime(2026, 11, 3, 15, 20, tzinfo=UTC), CONSENT_VERSION
    )
    base = "https://esja.example.org/engagement"
    confirm, withdraw = f"{base}/confirmation?jeton=abc&lang={lang}", f"{base}/retrait?jeton=def&lang={lang}"
    return compose_confirmation(pledge, confirm_url=confirm, withdraw_url=withdraw, sender=SENDER)


def _page_context(context: str | dict[str, object]) -> dict[str, Any]:
    common: dict[str, object] = {"paths": PATHS, "token_field": "jeton", "region_name": region_name}
    if isinstance(context, dict):
        return {**common, **context}
    if context == "form":
        # What was typed goes back into value="…" attributes: punctuation there stays as typed.
        errors = read_pledge_form({"institution_name": ["Ville de Québec : oui ? non !"], "email": ["x"]})
        return {
            **common,
            **_form_choices("fr"),
            "values": errors.values,
            "errors": errors.errors,
            "field_errors": {e.field: e for e in errors.errors},
            "notice": "",
            "form_token": "t",
        }
    if context == "registry":
        since = datetime(2026, 11, 3, 15, 20, tzinfo=UTC)
        institution = RegistryInstitution(
            "Ville de Rimouski", Type.MUNICIPALITY, "01", (Signatory("Marie Tremblay", "Directrice", since),)
        )
        return {**common, "institutions": [institution, replace(institution, name="Cégep de Rimouski")]}
    details = _details()
    return {**common, "details": details, "summary": summary(details, "fr"), "token": "t"}
