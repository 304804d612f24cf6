"""The organizers' digest on a phone: the e-mail and the archived page, in Chromium 390 px wide, read
without scrolling sideways, in French and in English. Screenshots are kept in out/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from esja.config import SenderIdentity
from esja.digest.compose import archive_page, compose_digest
from esja.digest.facts import WeekFacts
from esja.digest.links import DigestLinks, archive_key
from esja.digest.organizers import Organizer
from esja.digest.sections import Digest, build_digest
from esja.model import Buyer, Classification, Supplier, Text
from esja.tokens import SigningKeys
from local.runtime import ROOT
from local.serve import LOCAL_SIGNING_KEYS
from tests.browser.conftest import LocalSite
from tests.digest_builders import (
    CESIM,
    ESBSL,
    LAST_MONDAY,
    MONDAY,
    WEEK,
    awarded,
    enterprise,
    in_regions,
    matched,
    pledge,
    seen,
    tender,
    week_data,
)

ARTIFACTS = ROOT / "out" / "artifacts"
PHONE = {"width": 390, "height": 844}
SENDER = SenderIdentity(
    mailing_address="Chantier de l'économie sociale, 4200, boul. Saint-Laurent, Montréal (Québec)",
    contact_email="info@esja.example.org",
)
# What real notices and spreadsheets hold: long titles and names, big amounts, many regions.
LONG_TITLE = (
    "Service de collecte et de déchiquetage sécurisé de documents confidentiels pour les établissements "
    "scolaires et le centre administratif (contrat de trois ans avec deux années d'option)"
)
LONG_NAME = "Coopérative de solidarité en entretien ménager et services environnementaux du Bas-Saint-Laurent"
BUYER = Buyer(Text("Centre de services scolaire des Monts-et-Marées - Service des ressources matérielles"))
FAMILY = Classification("UNSPSC", "80161508", Text("Services de destruction de documents"))


def realistic_digest(organizer: Organizer) -> Digest:
    soon = tender("soon", LONG_TITLE, closing_at=WEEK.end + timedelta(days=2), buyer=BUYER)
    nobody = tender("nobody", LONG_TITLE, classifications=(FAMILY,), regions=in_regions("01", "11", "09"))
    won = awarded("won", Supplier(LONG_NAME, neq="1140000017"), "1184520.60", buyer=BUYER, title=Text(LONG_TITLE))
    names = [LONG_NAME, "Les Ateliers Mon Choix", "Espace collaboratif ouvert ECO (LLio)", "Verger patrimonial"]
    enterprises = tuple(enterprise(f"e{n}", name, neq="1140000017" if n == 0 else None) for n, name in enumerate(names))
    data = week_data(
        new=(seen(soon), seen(nobody), *(seen(tender(f"n{n}", regions=in_regions(f"{n:02d}"))) for n in range(1, 18))),
        closing=(seen(soon), seen(nobody)),
        awarded_=(seen(won),),
        matches=(*(matched(e.id, soon) for e in enterprises), matched("e1", tender("b"), LAST_MONDAY)),
        enterprises=enterprises,
        pledges=(pledge("p1", "Centre de services scolaire des Monts-et-Marées", confirmed_at=MONDAY),),
    )
    return build_digest(WeekFacts(data), replace(organizer, regions=("01", "11", "09")))


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    yield context.new_page()
    context.close()


def assert_no_sideways_scrolling(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-390px.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    wider = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .slice(0, 5).map(e => e.tagName + ': ' + (e.textContent || '').trim().slice(0, 60))"""
    )
    assert width <= PHONE["width"] and not wider, f"{name}: {width}px wide; too wide: {wider}"


@pytest.mark.parametrize("organizer", [ESBSL, CESIM], ids=["fr", "en"])
def test_the_digest_email_reads_on_a_phone_without_scrolling_sideways(phone: Any, organizer: Organizer) -> None:
    email = compose_digest(realistic_digest(organizer), archive_url="https://esja.example.org/sommaire", sender=SENDER)

    phone.set_content(email.html)

    assert_no_sideways_scrolling(phone, f"digest-email-{organizer.language}")


@pytest.mark.parametrize("organizer", [ESBSL, CESIM], ids=["fr", "en"])
def test_the_archived_digest_page_reads_on_a_phone_without_scrolling_sideways(
    phone: Any, site: LocalSite, organizer: Organizer
) -> None:
    page = archive_page(realistic_digest(organizer), sender=SENDER)
    bucket = site.aws.resources.names["ArchiveBucket"]
    site.aws.client("s3").put_object(Bucket=bucket, Key=archive_key(organizer.id, WEEK), Body=page.encode())
    links = DigestLinks(site.base_url, SigningKeys(LOCAL_SIGNING_KEYS))
    url = links.archive_url(organizer.id, WEEK, organizer.language)

    response = phone.goto(url)

    assert response.status == 200
    assert_no_sideways_scrolling(phone, f"digest-archive-{organizer.language}")
