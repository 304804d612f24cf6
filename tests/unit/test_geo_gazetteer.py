"""The reference data: the official MAMH répertoire, and the compact tables ESJA ships from it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from esja.geo import Gazetteer, GazetteerError, RegionInferrer, all_regions, region_name
from esja.geo.derive import derive
from esja.geo.names import name_key
from esja.model import Buyer, Status, Tender, Text

MUN = "geo/mamh/MUN_repertoire_municipalites_2026-03.csv"
ARR = "geo/mamh/ARR_arrondissements_2026-03.csv"


@pytest.fixture(scope="module")
def official(shared_data: Path) -> Gazetteer:
    return Gazetteer.from_mamh((shared_data / MUN).read_bytes(), (shared_data / ARR).read_bytes())


def test_official_mamh_file_loads_every_municipality_with_its_region(official: Gazetteer) -> None:
    assert len(official.municipalities) == 1281
    assert {m.region for m in official.municipalities} == {f"{n:02d}" for n in range(1, 18)}
    rimouski = next(m for m in official.municipalities if m.name == "Rimouski")
    assert (rimouski.region, rimouski.mrc) == ("01", "MRC Rimouski-Neigette")


def test_official_borough_file_loads_the_boroughs(official: Gazetteer) -> None:
    assert len(official.boroughs) == 41
    assert official.places("Chicoutimi")[0].region == "02"


def test_bundled_tables_agree_with_the_official_file_on_every_municipality(official: Gazetteer) -> None:
    assert Gazetteer.bundled().municipalities == official.municipalities
    assert Gazetteer.bundled().boroughs == official.boroughs


def test_regions_found_from_the_official_file_equal_those_from_the_bundled_tables(official: Gazetteer) -> None:
    tender = Tender(
        "seao", "x", "1", Text("Réfection à Mont-Laurier"), Status.OPEN, buyer=Buyer(Text("Ville de Prévost"))
    )
    assert RegionInferrer(official).infer(tender) == RegionInferrer(Gazetteer.bundled()).infer(tender)


def test_a_file_that_is_not_the_mamh_format_is_refused_clearly() -> None:
    with pytest.raises(GazetteerError, match="missing column"):
        Gazetteer.from_mamh(b"name,region\nRimouski,01\n")


def test_windows_1252_copy_of_the_repertoire_is_read() -> None:
    header = '"mcode","munnom","mdes","regadm","mrc","mpopul"\n'
    row = '"10043","Rimouski","Ville","Bas-Saint-Laurent (01)","MRC Rimouski-Neigette (100)","48664"\n'
    gazetteer = Gazetteer.from_mamh((header + row).encode("cp1252"))
    assert gazetteer.places("rimouski")[0].region == "01"


def test_names_shared_by_towns_of_several_regions_are_all_kept(official: Gazetteer) -> None:
    assert {p.region for p in official.places("Saint-Isidore")} == {"12", "16"}
    assert {p.region for p in official.places("L'Ange-Gardien")} == {"03", "07"}


def test_placeholder_names_of_unnamed_territories_are_not_places(official: Gazetteer) -> None:
    assert official.places("Toponyme à venir") == ()


def test_name_keys_ignore_case_accents_hyphens_apostrophes_and_saint_spelling() -> None:
    assert name_key("Val-d’Or.") == name_key("VAL D'OR") == "val d or"
    assert name_key("Ste-Anne-des-Monts") == name_key("Sainte-Anne-des-Monts")
    assert name_key("Sacré-Cœur") == name_key("SACRE COEUR")
    assert name_key("Saint-Louis-du-Ha! Ha!") == "saint louis du ha ha"


def test_postal_prefix_lookup_accepts_any_spacing_and_case() -> None:
    gazetteer = Gazetteer.bundled()
    assert gazetteer.fsa_regions("g5l 4x2") == gazetteer.fsa_regions("G5L4X2") == (("01", 1.0),)
    assert gazetteer.fsa_regions("K1A 0S5") == ()


def test_region_names_read_with_their_code() -> None:
    assert region_name("01", "fr") == "01 Bas-Saint-Laurent"
    assert region_name("15", "en") == "15 Laurentides"
    assert region_name("99") == "99"
    assert [r.code for r in all_regions()] == [f"{n:02d}" for n in range(1, 18)]


def test_bundled_tables_stay_compact() -> None:
    data = Path(__file__).resolve().parents[2] / "layers/esja/esja/geo/data"
    assert sum(f.stat().st_size for f in data.glob("*.csv")) < 150_000
    assert (data / "municipalities.csv").stat().st_size < 100_000


def test_shipped_tables_are_exactly_what_derive_makes_from_the_publishers_files(shared_data: Path) -> None:
    data = Path(__file__).resolve().parents[2] / "layers/esja/esja/geo/data"
    for name, text in derive(shared_data).items():
        assert (data / name).read_text(encoding="utf-8") == text, f"{name}: run python -m esja.geo.derive"


def test_region_names_are_the_official_ones(shared_data: Path) -> None:
    with (shared_data / "regions/quebec_admin_regions.csv").open(encoding="utf-8") as f:
        official = {row["official_code"]: row["official_name_fr"] for row in csv.DictReader(f) if row["official_code"]}
    assert {r.code: r.name_fr for r in all_regions()} == official
