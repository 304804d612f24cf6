"""A realistic case of « Pertinent » / « Pas pertinent » answers, shared by the demo world (local.world) and the
tests of the suggestions: Les Ateliers Mon Choix, a sheltered workshop of Rimouski, has a profile « Entretien
ménager » (the class 761115 and the keywords entretien ménager, conciergerie, janitorial). Its people found the
office and school cleaning relevant, but not the window washing at heights — work from a lift its teams cannot
do — nor a clean-up after a flood. The suggestions: exclude « vitres », or narrow 761115 to 76111501.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from esja.model import Buyer, Category, Classification, Money, RegionEvidence, Regions, Scope, Status, Tender, Text

ENTERPRISE_ID = "ateliers-mon-choix"
PROFILE_ID = "entretien-menager"
CODES = {
    "76111500": Text("Nettoyage et entretien de bureaux et de bâtiments divers"),
    "76111501": Text("Services de nettoyage des bâtiments"),
    "76111504": Text("Nettoyage de vitres ou de stores"),
}


@dataclass(frozen=True, slots=True)
class Answered:
    native_id: str
    title: str
    description: str
    buyer: str
    code: str
    amount: str
    relevant: bool


ANSWERS = (
    Answered(
        "ocds-b5fd17-2026-9101",
        "Entretien ménager des bureaux de la MRC de La Mitis",
        "Entretien ménager quotidien des bureaux administratifs (1 200 m²), salles de bain et cuisinette comprises.",
        "MRC de La Mitis",
        "76111501",
        "68500",
        True,
    ),
    Answered(
        "ocds-b5fd17-2026-9102",
        "Services de conciergerie – École primaire des Beaux-Séjours",
        "Conciergerie de soir, cinq jours par semaine, pour l'année scolaire 2026-2027.",
        "Centre de services scolaire des Phares",
        "76111500",
        "91200",
        True,
    ),
    Answered(
        "ocds-b5fd17-2026-9103",
        "Entretien ménager du centre communautaire de Saint-Anaclet",
        "Nettoyage des planchers, des toilettes et des salles polyvalentes après les activités.",
        "Municipalité de Saint-Anaclet-de-Lessard",
        "76111501",
        "24800",
        True,
    ),
    Answered(
        "ocds-b5fd17-2026-9104",
        "Lavage des vitres extérieures en hauteur – Hôtel de ville",
        "Lavage des vitres extérieures des façades (4 étages) avec nacelle ou plateforme élévatrice; travail en "
        "hauteur.",
        "Ville de Rimouski",
        "76111504",
        "38750",
        False,
    ),
    Answered(
        "ocds-b5fd17-2026-9105",
        "Nettoyage de vitres en hauteur – pavillon principal",
        "Nettoyage des fenêtres et des puits de lumière accessibles seulement par nacelle. Formation au travail en "
        "hauteur exigée.",
        "Cégep de Rimouski",
        "76111504",
        "27300",
        False,
    ),
    Answered(
        "ocds-b5fd17-2026-9106",
        "Entretien des vitres et des façades vitrées – Hôpital régional",
        "Lavage des vitres en hauteur deux fois par année, nacelle fournie par l'entrepreneur.",
        "CISSS du Bas-Saint-Laurent",
        "76111504",
        "52000",
        False,
    ),
    Answered(
        "ocds-b5fd17-2026-9107",
        "Nettoyage après sinistre – bibliothèque municipale",
        "Entretien ménager et assèchement après un dégât d'eau au sous-sol de la bibliothèque.",
        "Ville de Matane",
        "76111500",
        "15400",
        False,
    ),
)


def answered_tenders(now: datetime) -> list[tuple[Tender, bool]]:
    """The tenders as SEAO publishes them (region 01, services), open for three more weeks, and the answer."""
    return [(_tender(answer, now), answer.relevant) for answer in ANSWERS]


def _tender(answer: Answered, now: datetime) -> Tender:
    return Tender(
        source="seao",
        native_id=answer.native_id,
        revision=(now - timedelta(days=12)).strftime("%Y%m%d%H%M%S"),
        title=Text(answer.title),
        description=Text(answer.description),
        status=Status.OPEN,
        buyer=Buyer(Text(answer.buyer)),
        classifications=(Classification("UNSPSC", answer.code, CODES[answer.code]),),
        category=Category.SERVICES,
        published_at=now - timedelta(days=12),
        closing_at=now + timedelta(days=21),
        url=f"https://www.seao.ca/OpportunityPublication/avis/{answer.native_id}",
        value=Money(Decimal(answer.amount)),
        languages=("fr",),
        regions=Regions(Scope.REGIONS, (RegionEvidence("01", f"buyer name {answer.buyer}", 0.9),)),
    )
