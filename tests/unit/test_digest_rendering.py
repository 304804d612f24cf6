"""The digest e-mail in French and English: HTML with bars that need no image, plain text, the archive
page; whatever a feed or a spreadsheet wrote is shown as written, never as markup."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from esja.config import SenderIdentity
from esja.digest.compose import archive_page, bars, compose_digest
from esja.digest.facts import WeekFacts
from esja.digest.organizers import Organizer
from esja.digest.sections import Digest, build_digest
from esja.digest.week_data import BOUNCE, SubscriptionEvent
from esja.digest.weeks import Week
from esja.l10n import money
from esja.model import Buyer, Supplier, Text
from esja.rendering import catalogue
from tests.digest_builders import (
    CESIM,
    ESBSL,
    LAST_MONDAY,
    MONDAY,
    WEEK,
    awarded,
    enterprise,
    matched,
    pledge,
    seen,
    tender,
    week_data,
)
from tests.words import plain

SENDER = SenderIdentity(mailing_address="4200, boul. Saint-Laurent, Montréal", contact_email="info@esja.example.org")
HOSTILE = '<script>alert("x")</script> & <b>gras</b>'
ARCHIVE_URL = "https://esja.example.org/sommaire?jeton=abc&lang=fr"


def digest(organizer=ESBSL, title: str = "Entretien ménager des édifices") -> Digest:  # type: ignore[no-untyped-def]
    soon = tender("soon", title, closing_at=WEEK.end + timedelta(days=2), buyer=Buyer(Text(HOSTILE)))
    won = awarded("won", Supplier("Les Ateliers Mon Choix", neq="1140000017"), "118452.60")
    data = week_data(
        new=(seen(soon), seen(tender("a")), seen(tender("b"), LAST_MONDAY)),
        closing=(seen(soon),),
        awarded_=(seen(won),),
        matches=(matched("monchoix", soon), matched("monchoix", tender("b"), LAST_MONDAY)),
        enterprises=(enterprise("monchoix", "Les Ateliers Mon Choix", neq="1140000017"), enterprise("evil", HOSTILE)),
        pledges=(pledge("p1", confirmed_at=MONDAY),),
        events=(SubscriptionEvent(BOUNCE, MONDAY),),
    )
    return build_digest(WeekFacts(data), organizer)


def test_the_french_digest_names_the_week_and_every_section() -> None:
    email = compose_digest(digest(), archive_url=ARCHIVE_URL, sender=SENDER)

    assert email.subject == "Sommaire ESJA de la semaine du 16 au 22 novembre 2026 – Économie sociale Bas-Saint-Laurent"
    assert email.language == "fr" and email.to == ESBSL.email
    text = email.text
    assert "Sommaire de la semaine du 16 au 22 novembre 2026" in text
    for number in range(1, 9):
        assert f"\n{number}. " in text
    assert money(Decimal("118452.60"), "fr") in text
    assert "Contrats obtenus par des entreprises inscrites : 1 (semaine précédente : 0, écart : +1)" in plain(text)
    assert ARCHIVE_URL in text


def test_the_english_digest_says_the_same_in_english() -> None:
    email = compose_digest(digest(CESIM), archive_url=ARCHIVE_URL, sender=SENDER)

    assert email.subject == "ESJA digest for the week of November 16 to 22, 2026 – CÉSIM"
    assert email.language == "en"
    assert "Digest for the week of November 16 to 22, 2026" in email.text
    assert "Contracts won by registered enterprises: 1 (previous week: 0, change: +1)" in email.text
    assert "$118,452.60" in email.text
    assert "Sommaire" not in email.html


def test_every_wording_the_digest_uses_exists_in_both_languages() -> None:
    for key, texts in catalogue().items():
        if key.startswith("digest."):
            assert texts["fr"].strip() and texts["en"].strip(), key


def test_hostile_names_are_escaped_in_the_html_and_kept_as_written_in_the_text() -> None:
    organizer = replace(ESBSL, name=HOSTILE)
    email = compose_digest(digest(organizer, title=HOSTILE), archive_url=ARCHIVE_URL, sender=SENDER)

    assert "<script>" not in email.html and "<b>gras</b>" not in email.html
    assert "&lt;script&gt;" in email.html
    assert HOSTILE in email.text  # text/plain is never read as markup


def test_the_charts_are_bars_of_table_cells_scaled_to_the_largest_figure() -> None:
    drawn = bars([("SEAO", 40, 20), ("CanadaBuys", 10, 0), ("autre", 0, 0)], "fr")

    assert [(b.this_width, b.last_width) for b in drawn] == [(100, 50), (25, 0), (0, 0)]
    html = compose_digest(digest(), archive_url=ARCHIVE_URL, sender=SENDER).html
    assert re.search(r'<td width="100%" style="background:#0b5e55;height:10px', html)
    assert "<img" not in html and "<style" not in html and "<script" not in html


def test_money_bars_show_amounts() -> None:
    [bar] = bars([("won", Decimal("118452.60"), Decimal(0))], "fr", money=True)

    assert (bar.this, bar.last, bar.this_width, bar.last_width) == (
        money(Decimal("118452.60"), "fr"),
        money(0, "fr"),
        100,
        0,
    )


def test_the_sender_is_identified_and_the_digest_is_a_service_message() -> None:
    email = compose_digest(digest(), archive_url=ARCHIVE_URL, sender=SENDER)

    assert "4200, boul. Saint-Laurent, Montréal" in email.text and "info@esja.example.org" in email.text
    assert "Message de service" in email.text
    assert email.unsubscribe_url is None  # staff e-mail: no List-Unsubscribe


def test_the_archive_page_is_the_digest_without_a_link_to_itself() -> None:
    page = archive_page(digest(), sender=SENDER)

    assert "Copie archivée" in page and "jeton=" not in page
    assert "Sommaire de la semaine du 16 au 22 novembre 2026" in page


@pytest.mark.parametrize(
    ("week", "organizer", "words"),
    [
        ("2026-W49", ESBSL, "semaine du 30 novembre au 6 décembre 2026"),
        ("2026-W49", CESIM, "week of November 30 to December 6, 2026"),
        ("2026-W01", ESBSL, "semaine du 29 décembre 2025 au 4 janvier 2026"),
        ("2026-W01", CESIM, "week of December 29, 2025 to January 4, 2026"),
        ("2027-W09", ESBSL, "semaine du 1er au 7 mars 2027"),
    ],
)
def test_the_week_is_named_by_its_days_in_the_subject_and_the_title_never_by_its_iso_number(
    week: str, organizer: Organizer, words: str
) -> None:
    data = replace(week_data(), week=Week.parse(week))
    digest = build_digest(WeekFacts(data), organizer)

    email = compose_digest(digest, archive_url=ARCHIVE_URL, sender=SENDER)
    page = archive_page(digest, sender=SENDER)

    assert words in email.subject
    assert re.search(rf"<h1[^>]*>[^<]*{words}</h1>", email.html) and re.search(rf"<h1[^>]*>[^<]*{words}</h1>", page)
    assert f"<title>{email.subject}</title>" in page
    for shown in (email.subject, email.text, email.html, page):
        assert week not in shown and not re.search(r"\d{4}-W\d\d", shown)


@pytest.mark.parametrize("organizer", [ESBSL, CESIM])
def test_an_empty_week_renders_in_both_languages(organizer) -> None:  # type: ignore[no-untyped-def]
    email = compose_digest(build_digest(WeekFacts(week_data()), organizer), archive_url="", sender=SENDER)

    assert "8. " in email.text and "</html>" in email.html


def test_an_organizer_who_lists_no_region_reads_every_regions_digest_as_the_console_shows_them() -> None:
    everywhere = compose_digest(digest(replace(ESBSL, regions=())), archive_url=ARCHIVE_URL, sender=SENDER)
    all_of_quebec = compose_digest(digest(replace(ESBSL, regions=("QC",))), archive_url=ARCHIVE_URL, sender=SENDER)
    one_region = compose_digest(digest(ESBSL), archive_url=ARCHIVE_URL, sender=SENDER)

    assert "tout le Québec" in plain(everywhere.text)
    assert everywhere.text == all_of_quebec.text and everywhere.text != one_region.text
