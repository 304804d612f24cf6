"""Real SEAO releases (Données Québec excerpts): the regions of known buyers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from esja.geo import RegionInferrer
from esja.model import Address, Buyer, Regions, Scope, Status, Tender, Text

INFER = RegionInferrer()


def tender_of(release: dict[str, Any]) -> Tender:
    """A minimal Tender built straight from a release, as SEAO writes it (no delivery region)."""
    buyer_id = release["buyer"]["id"]
    party = next(p for p in release["parties"] if p["id"] == buyer_id)
    raw = party.get("address")
    address = (
        Address(
            raw.get("streetAddress"),
            raw.get("locality"),
            raw.get("region"),
            raw.get("postalCode"),
            raw.get("countryName"),
        )
        if raw
        else None
    )
    return Tender(
        "seao",
        release["ocid"],
        release["id"],
        Text(release["tender"]["title"]),
        Status.OPEN,
        buyer=Buyer(Text(release["buyer"]["name"]), buyer_id, address),
    )


def releases(shared_data: Path) -> list[tuple[Path, dict[str, Any]]]:
    files = sorted((shared_data / "seao").glob("hebdo_*.json"))
    return [(f, release) for f in files for release in json.loads(f.read_text(encoding="utf-8"))["releases"]]


@pytest.fixture(scope="module")
def by_ocid(shared_data: Path) -> dict[str, Regions]:
    return {release["ocid"]: INFER.infer(tender_of(release)) for _, release in releases(shared_data)}


@pytest.fixture(scope="module")
def by_buyer(shared_data: Path, by_ocid: dict[str, Regions]) -> dict[str, Regions]:
    return {release["buyer"]["name"]: by_ocid[release["ocid"]] for _, release in releases(shared_data)}


@pytest.mark.parametrize(
    ("buyer", "code"),
    [
        ("Ville de Salaberry-de-Valleyfield", "16"),
        ("Ville de Dolbeau-Mistassini.", "02"),
        ("MRC de Bellechasse", "12"),
        ("Municipalité de Saint-Lambert-de-Lauzon .", "12"),
        ("Centre de services scolaire des Patriotes", "16"),
        ("Centre de services scolaire de Laval.", "13"),
        ("Santé Québec Chaudière-Appalaches", "12"),
        ("Université Laval", "03"),
        ("Régie régionale de gestion des matières résiduelles de Portneuf", "03"),
        ("Ville de Québec", "03"),
        ("Municipalité de Brigham.", "05"),
    ],
)
def test_known_seao_buyers_are_placed_in_their_region(by_buyer: dict[str, Regions], buyer: str, code: str) -> None:
    regions = by_buyer[buyer]
    assert regions.scope is Scope.REGIONS
    assert regions.codes == (code,)
    assert regions.evidence[0].confidence >= 0.8


def test_surete_du_quebec_is_montreal_only_by_its_head_office_so_weakly(by_buyer: dict[str, Regions]) -> None:
    regions = by_buyer["Sûreté du Québec"]
    assert regions.codes == ("06",)
    assert regions.evidence[0].how == "buyer address: Montréal H2K"
    assert regions.evidence[0].confidence < 0.5


def test_provincial_agency_work_address_in_the_title_beats_its_head_office(by_buyer: dict[str, Regions]) -> None:
    # « Réfection des ascenseurs … 930, chemin Sainte-Foy … G1S 2L4 » by the SQI (head office G1R).
    regions = by_buyer["Société québécoise des infrastructures"]
    assert regions.codes == ("03",)
    assert "postal code G1S" in regions.evidence[0].how


def test_buyer_without_any_place_in_its_name_address_or_title_stays_unknown(by_buyer: dict[str, Regions]) -> None:
    assert by_buyer["Régie incendie de l'Alliance des Grandes-Seigneuries"].scope is Scope.UNKNOWN


def test_every_release_gets_a_region_or_an_honest_unknown(by_ocid: dict[str, Regions]) -> None:
    for regions in by_ocid.values():
        assert (regions.scope is Scope.UNKNOWN) == (regions.codes == ())
        assert all(0 < e.confidence <= 1 for e in regions.evidence)


def test_tenders_from_the_seao_parser_get_the_same_regions(shared_data: Path, by_ocid: dict[str, Regions]) -> None:
    seao = pytest.importorskip("esja.sources.seao")
    for path in sorted((shared_data / "seao").glob("hebdo_*.json")):
        for tender in seao.parse_seao(path.read_bytes(), now=datetime(2026, 9, 21, tzinfo=UTC)).tenders:
            assert INFER.infer(tender) == by_ocid[tender.native_id], tender.native_id
