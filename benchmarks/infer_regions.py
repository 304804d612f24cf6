"""Region inference for a SEAO-sized week (5,500 tenders, a distinct buyer address each: the worst case).

Baseline in the same run: hashing the same tenders (`Tender.content_hash`), a per-tender cost every
poll already pays. Budget: inference for the week well under 1 s after the gazetteer is loaded.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "esja")]


from esja.geo import Gazetteer, RegionInferrer  # noqa: E402 - after the path set-up above
from esja.model import Address, Buyer, Status, Tender, Text  # noqa: E402

BUYERS = (
    ("Ville de Rimouski", None, None),
    ("Municipalité de Saint-Isidore", None, "G0S 2S0"),
    ("MRC de Témiscouata", None, None),
    ("Santé Québec - Lanaudière", "Joliette", "J6E 6J2"),
    ("Centre de services scolaire des Patriotes", "Saint-Bruno-de-Montarville", "J3V3R3"),
    ("Société québécoise des infrastructures", "Québec", "G1R5S9"),
    ("Sûreté du Québec", "Montréal", "H2K0C7"),
    ("Régie incendie de l'Alliance des Grandes-Seigneuries", None, None),
    ("Université de Montréal - Direction des immeubles", "Montréal", "H3T1J4"),
    ("Cégep de Sept-Îles", "Sept-Îles", "G4R 5B7"),
)
TITLES = (
    "Construction de l'hôpital de Mont-Laurier",
    "SERVICE DE CONCIERGERIE POUR LE BÂTIMENT MUNICIPAL SITUÉ AU 835 2ÈME AVENUE",
    "Réfection des ascenseurs - 930, chemin Sainte-Foy, Québec G1S 2L4",
    "Déneigement, sablage et enlèvement de la neige - Sacré-Coeur de Gracefield",
    "Acquisition de deux cents (200) modules pour ÉPI (écrans plats interactifs)",
    "Travaux de fauchage et débroussaillage des routes municipales 2026",
)
DESCRIPTION = (
    "Les travaux comprennent la fourniture de la main-d'oeuvre, des matériaux et de l'équipement "
    "nécessaires à la réfection de la toiture du pavillon principal, secteur Chicoutimi, ainsi que "
    "la disposition des rebuts conformément aux exigences du ministère."
)


def weekly_file(count: int = 5_500) -> list[Tender]:
    tenders = []
    for n in range(count):
        name, locality, postal = BUYERS[n % len(BUYERS)]
        # A distinct street per tender defeats the per-buyer cache: the worst case.
        address = Address(f"{n} rue Principale", locality, "QC", postal, "CAN") if locality or postal else None
        tenders.append(
            Tender(
                "seao",
                f"ocds-ec9k95-{n}",
                "1",
                Text(f"{TITLES[n % len(TITLES)]} - lot {n}"),
                Status.OPEN,
                description=Text(DESCRIPTION if n % 3 == 0 else None),
                buyer=Buyer(Text(name), f"OP-{n}", address),
            )
        )
    return tenders


def best_of(runs: int, action: Callable[[], object]) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> int:
    started = time.perf_counter()
    inferrer = RegionInferrer(Gazetteer.bundled())
    load = time.perf_counter() - started
    tenders = weekly_file()
    baseline = best_of(3, lambda: [t.content_hash() for t in tenders])
    inference = best_of(3, lambda: [inferrer.infer(t) for t in tenders])
    print(f"gazetteer load       {load * 1000:8.0f} ms")
    print(f"content_hash ×5,500  {baseline * 1000:8.0f} ms (baseline)")
    print(f"infer ×5,500         {inference * 1000:8.0f} ms  (×{inference / baseline:.1f} the baseline; budget < 1 s)")
    return 0 if inference < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
