"""The organizers' spreadsheet: the whole list, all or nothing, every error with its line and column."""

from __future__ import annotations

from esja.digest.organizers import Organizer
from esja.digest.organizers_csv import read_organizers_csv
from esja.model import Enterprise
from tests.digest_builders import in_regions, tender

HEADER = "organizer_id,name,email,language,regions\n"


def test_organizers_are_read_with_their_language_and_regions() -> None:
    read = read_organizers_csv(
        "\ufeff"
        + HEADER
        + "esbsl,Économie sociale Bas-Saint-Laurent,sommaire@esbsl.example.org,fr,01\n"
        + 'cesim,"CÉSIM, Montréal",digest@cesim.example.org,English,6; 13\n'
        + "chantier,Chantier de l'économie sociale,info@chantier.example.org,,QC\n"
    )

    assert read.errors == ()
    assert [(o.id, o.name, o.language, o.regions) for o in read.organizers] == [
        ("esbsl", "Économie sociale Bas-Saint-Laurent", "fr", ("01",)),
        ("cesim", "CÉSIM, Montréal", "en", ("06", "13")),
        ("chantier", "Chantier de l'économie sociale", "fr", ("QC",)),
    ]


def test_a_semicolon_separated_file_from_french_excel_is_read() -> None:
    read = read_organizers_csv("organizer_id;name;email;language;regions\nesbsl;ESBSL;a@esbsl.example.org;fr;01\n")

    assert [o.id for o in read.organizers] == ["esbsl"]


def test_every_error_is_listed_and_nothing_is_read() -> None:
    read = read_organizers_csv(
        HEADER
        + "esbsl,ESBSL,a@esbsl.example.org,fr,01\n"
        + "ESBSL 2,,not-an-address,klingon,18\n"
        + "esbsl,Encore,b@esbsl.example.org,fr,CA\n"
    )

    assert read.organizers == ()
    assert [(e.line, e.column) for e in read.errors] == [
        (3, "name"),
        (3, "organizer_id"),
        (3, "email"),
        (3, "language"),
        (3, "regions"),
        (4, "regions"),
    ]
    assert (
        read.errors[1].message("en")
        == "line 3, column organizer_id: invalid id (lower-case letters, digits and hyphens)"
    )


def test_a_duplicate_id_is_an_error() -> None:
    read = read_organizers_csv(HEADER + "esbsl,A,a@esbsl.example.org,fr,01\nesbsl,B,b@esbsl.example.org,fr,01\n")

    assert [(e.line, e.column, e.en) for e in read.errors] == [(3, "organizer_id", "duplicate id")]


def test_missing_and_unknown_columns_are_named() -> None:
    read = read_organizers_csv("organizer_id,name,courriel\nesbsl,ESBSL,a@b.org\n")

    assert {(e.column, e.en) for e in read.errors} == {
        ("courriel", "unknown column"),
        ("email", "missing column"),
        ("language", "missing column"),
        ("regions", "missing column"),
    }
    assert read_organizers_csv("").errors[0].en == "empty file"


def test_an_organizer_covers_the_tenders_located_in_its_regions_and_the_enterprises_serving_them() -> None:
    bsl = Organizer("esbsl", "ESBSL", "a@b.org", "fr", ("01",))
    quebec = Organizer("chantier", "Chantier", "c@d.org", "fr", ("QC",))

    assert bsl.covers_tender(tender("a")) and not bsl.covers_tender(tender("b", regions=in_regions("06")))
    assert quebec.covers_tender(tender("b", regions=in_regions("06")))
    assert not bsl.covers_tender(tender("c", regions=None))
    assert bsl.covers_enterprise(Enterprise("x", "X", regions_served=("01", "11")))
    assert bsl.covers_enterprise(Enterprise("y", "Y", regions_served=("QC",)))
    assert not bsl.covers_enterprise(Enterprise("z", "Z", regions_served=("06",)))
