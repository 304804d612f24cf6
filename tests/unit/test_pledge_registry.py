"""The public registry's entries: one per institution, whoever and however many signed for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from esja.pledges.model import InstitutionType, RegistryEntry, by_institution

DAY = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)


def entry(name: str, person: str, days: int, region: str = "01") -> RegistryEntry:
    return RegistryEntry(name, InstitutionType.MUNICIPALITY, region, person, "Directrice", DAY + timedelta(days=days))


def test_people_of_one_institution_are_grouped_under_it_first_signatory_first() -> None:
    [rimouski] = by_institution([entry("Ville de Rimouski", "Luc", 2), entry("Ville de Rimouski", "Marie", 0)])

    assert [s.name for s in rimouski.signatories] == ["Marie", "Luc"]
    assert rimouski.since == DAY  # pledged since its first confirmation


def test_one_name_however_it_is_written_is_one_institution_shown_as_most_wrote_it() -> None:
    [levis] = by_institution(
        [entry("Ville de Lévis", "Marie", 0), entry("VILLE DE LEVIS", "Luc", 1), entry("Ville de Lévis", "Ana", 2)]
    )
    [tie] = by_institution([entry("Ville de Levis", "Marie", 0), entry("Ville de Lévis", "Luc", 1)])

    assert levis.name == "Ville de Lévis" and len(levis.signatories) == 3
    assert tie.name == "Ville de Lévis"  # the latest, on a tie: a correction comes after the slip


def test_the_same_name_in_two_regions_is_two_institutions_in_order_of_name() -> None:
    institutions = by_institution(
        [entry("Saint-Joseph", "A", 0, "12"), entry("Cégep de Rimouski", "B", 0), entry("Saint-Joseph", "C", 0, "16")]
    )

    assert [(i.name, i.region) for i in institutions] == [
        ("Cégep de Rimouski", "01"),
        ("Saint-Joseph", "12"),
        ("Saint-Joseph", "16"),
    ]
