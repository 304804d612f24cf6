"""Alert rendering: 10,000 e-mails of five tenders each, HTML and plain text, in French and English.

What is timed is `compose_alert`: every tender put into words (dates, money, regions, reasons), both
templates rendered, the subject. Baseline measured in the same run: a trivial template from the same
Jinja environment (autoescaped), rendered once per e-mail with its five titles — the least any
templated e-mail costs. Budget: 10,000 e-mails in 3 s or less of CPU time (process time: what the
machine's other work cannot inflate; wall time is printed too, the same on an idle machine).
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "esja")]

from esja.alerts.compose import AlertLinks, compose_alert  # noqa: E402 - after the path set-up above
from esja.alerts.model import ConsentRef, Listing, Preferences, ProfileRef  # noqa: E402
from esja.alerts.plan import AlertPlan, TenderEntry  # noqa: E402
from esja.config import SenderIdentity  # noqa: E402
from esja.model import (  # noqa: E402
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
from esja.rendering import environment  # noqa: E402

EMAILS = 10_000
PER_EMAIL = 5
BUDGET_SECONDS = 3.0
TRIVIAL = "<h1>{{ lang }}</h1><ul>{% for title in titles %}<li>{{ title }}</li>{% endfor %}</ul>"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TITLES = (
    "Entretien ménager des édifices municipaux",
    "Déneigement, sablage et enlèvement de la neige — secteur Est",
    "Fourniture de repas pour les services de garde scolaires",
    "Services de traiteur pour événements <spéciaux> & réceptions",
    "Réfection des sentiers du parc régional",
    "Acquisition de postes de travail et de moniteurs",
)
BUYERS = ("Ville de Rimouski", "Centre de services scolaire des Phares", "MRC de La Mitis", "Cégep de Matane")
SENDER = SenderIdentity(
    mailing_address="4200, boul. Saint-Laurent, Montréal (Québec)",
    contact_email="info@esja.example.org",
    privacy_officer="Responsable de la vie privée, vieprivee@esja.example.org",
)
LINKS = AlertLinks(
    unsubscribe="https://esja.example.org/desabonnement?jeton=eyJzIjoiSjN3VXNldEtMa2F4dWxjbE1BdVlDUSJ9.aw.QE&lang=fr",
    one_click="https://esja.example.org/desabonnement/un-clic?jeton=eyJzIjoiSjN3VXNldEtMa2F4dWxjbE1BdVlDUSJ9.aw.QE",
    preferences="https://esja.example.org/preferences?jeton=eyJzIjoiSjN3VXNldEtMa2F4dWxjbE1BdVlDUSJ9.aw.QF&lang=fr",
)


def tenders(count: int) -> list[Tender]:
    found = []
    for n in range(count):
        found.append(
            Tender(
                source="seao",
                native_id=f"ocds-ec9k95-{20_000_000 + n}",
                revision="20261116150000",
                title=Text(f"{TITLES[n % len(TITLES)]} ({n})", None if n % 3 else f"Tender number {n}"),
                status=Status.OPEN,
                buyer=Buyer(Text(BUYERS[n % len(BUYERS)])),
                classifications=(Classification("UNSPSC", "76111500", Text("Services de nettoyage", "Cleaning")),),
                category=(Category.SERVICES, Category.GOODS, Category.WORKS)[n % 3],
                closing_at=NOW + timedelta(days=2 + n % 30, hours=n % 9),
                url=f"https://seao.ca/OpportunityPublication/avis/{n}",
                value=Money(Decimal(10_000 + 137 * n)) if n % 2 else None,
                regions=Regions(Scope.REGIONS, (RegionEvidence(f"{1 + n % 17:02d}", "code postal", 0.9),)),
            )
        )
    return found


def plans(pool: list[Tender], rng: random.Random) -> list[tuple[AlertPlan, str]]:
    why = (
        Reason("unspsc", "code UNSPSC 76111500 (Services de nettoyage)", "UNSPSC code 76111500 (Cleaning)"),
        Reason("keyword", "mot-clé « entretien ménager » dans le titre", "keyword “entretien ménager” in the title"),
        Reason("region", "région 01 Bas-Saint-Laurent", "region 01 Bas-Saint-Laurent"),
    )
    profile = (ProfileRef("coop", "menage", "Entretien ménager"),)
    made = []
    for n in range(EMAILS):
        chosen = rng.sample(pool, PER_EMAIL)
        entries = tuple(TenderEntry(t, why, profile) for t in chosen[:4])
        update = (TenderEntry(replace(chosen[4], status=Status.CANCELLED), change="cancelled"),)
        made.append((AlertPlan(new=entries, updates=update), "en" if n % 4 == 0 else "fr"))
    return made


def main() -> int:
    rng = random.Random(20261120)
    pool = tenders(500)
    work = plans(pool, rng)
    listing = Listing(
        enterprises=(("coop", "Coopérative de propreté Solidaire"),),
        profiles=(ProfileRef("coop", "menage", "Entretien ménager"),),
        defaults=Preferences("daily", "fr"),
        consents=(ConsentRef("coop", Consent(datetime(2026, 2, 3, tzinfo=UTC), "formulaire web", "c-2026-01")),),
    )
    compose_alert(work[0][0], to="a@example.org", listing=listing, lang="fr", links=LINKS, sender=SENDER, now=NOW)
    # Templates compiled and Babel's locale data loaded before timing, as in a warm Lambda container.

    trivial = environment().from_string(TRIVIAL)
    start = time.process_time()
    for plan, lang in work:
        trivial.render(lang=lang, titles=[e.tender.title.any() for e in (*plan.new, *plan.updates)])
    baseline = time.process_time() - start

    start, wall = time.process_time(), time.perf_counter()
    size = 0
    for plan, lang in work:
        email = compose_alert(plan, to="a@example.org", listing=listing, lang=lang, links=LINKS, sender=SENDER, now=NOW)
        size += len(email.html) + len(email.text)
    seconds, wall = time.process_time() - start, time.perf_counter() - wall

    print(f"trivial template, 5 titles (baseline): {baseline:.3f} s CPU for {EMAILS:,} e-mails")
    print(f"compose_alert, HTML + text, {PER_EMAIL} tenders each: {seconds:.3f} s CPU ({wall:.3f} s wall)")
    print(f"  per e-mail {seconds / EMAILS * 1e6:.0f} µs, ×{seconds / baseline:.1f} the baseline")
    print(f"  average e-mail {size / EMAILS / 1024:.1f} KiB (both parts); budget {BUDGET_SECONDS:.1f} s")
    if seconds > BUDGET_SECONDS:
        print(f"over budget: {seconds:.2f} s > {BUDGET_SECONDS:.1f} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
