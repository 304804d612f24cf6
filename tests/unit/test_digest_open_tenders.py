"""Sections 3 and 4: open tenders in the organizer's regions closing within 7 days (with the enterprises
they matched), and those that matched no enterprise, by UNSPSC family."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from esja.config import SenderIdentity
from esja.digest.compose import compose_digest
from esja.digest.facts import WeekFacts, family_descriptions
from esja.digest.sections import NO_FAMILY, Figure, build_digest, closing_soon, unmatched
from esja.model import Classification, Status, Text
from tests.digest_builders import (
    CESIM,
    ESBSL,
    LAST_MONDAY,
    MONDAY,
    WEEK,
    enterprise,
    in_regions,
    matched,
    seen,
    tender,
    week_data,
)

END = WEEK.end  # the digest's « now »
CESIM_IN_01 = replace(CESIM, regions=("01",))  # an English reader


def unspsc(code: str, words: str = "") -> tuple[Classification, ...]:
    return (Classification("UNSPSC", code, Text(words or None)),)


def test_open_tenders_closing_within_7_days_with_the_enterprises_they_matched() -> None:
    soon = tender("soon", closing_at=END + timedelta(days=3))
    sooner = tender("sooner", closing_at=END + timedelta(days=1))
    later = tender("later", closing_at=END + timedelta(days=10))
    elsewhere = tender("mtl", closing_at=END + timedelta(days=2), regions=in_regions("06"))
    cancelled = tender("gone", closing_at=END + timedelta(days=2), status=Status.CANCELLED)
    closed_last_week = tender("done", closing_at=WEEK.start + timedelta(days=2), status=Status.CLOSED)
    closing = (
        seen(soon),
        seen(sooner),
        seen(later),
        seen(elsewhere),
        seen(cancelled, LAST_MONDAY, MONDAY),
        seen(closed_last_week, LAST_MONDAY, WEEK.start + timedelta(days=2)),
    )
    data = week_data(
        closing=closing,
        matches=(matched("coop", soon), matched("verger", soon), matched("coop", later)),
        enterprises=(enterprise("coop", "Coop de propreté"), enterprise("verger", "Verger patrimonial")),
    )

    section = closing_soon(WeekFacts(data), ESBSL)

    assert [line.tender.key for line in section.tenders] == ["seao:sooner", "seao:soon"]
    assert section.tenders[1].enterprises == ("Coop de propreté", "Verger patrimonial")
    assert section.tenders[0].enterprises == ()
    # Last week's: what was open at its end and closed within the 7 days after (« done »); « gone » was
    # open then too, but closes later, and is cancelled since.
    assert section.count == Figure(2, 1)


def test_open_tenders_that_matched_nobody_are_grouped_by_unspsc_family() -> None:
    told = tender("told", classifications=unspsc("76111500"))
    cleaning = tender("clean", classifications=unspsc("76111501", "Nettoyage de bâtiments"))
    cleaning_too = tender("clean2", classifications=unspsc("76110000", "Services de nettoyage et d'entretien"))
    shredding = tender("shred", classifications=unspsc("80161508", "Déchiquetage de documents"))
    no_code = tender("nocode", classifications=())
    last_week_only = tender("old", classifications=unspsc("80161508"), closing_at=WEEK.start + timedelta(days=3))
    closing = (
        seen(told),
        seen(cleaning, LAST_MONDAY),
        seen(cleaning_too),
        seen(shredding),
        seen(no_code),
        seen(last_week_only, LAST_MONDAY, last_week_only.closing_at),
    )
    data = week_data(closing=closing, matches=(matched("coop", told),), enterprises=(enterprise("coop"),))

    section = unmatched(WeekFacts(data), ESBSL)

    assert section.count == Figure(4, 2)
    assert [(f.code, f.count) for f in section.families] == [
        ("7611", Figure(2, 1)),
        ("8016", Figure(1, 1)),
        (NO_FAMILY, Figure(1, 0)),
    ]
    cleaning_family = section.families[0]
    assert cleaning_family.description == Text("Nettoyage et entretien", "Cleaning and janitorial services")
    assert [t.key for t in cleaning_family.tenders] == ["seao:clean", "seao:clean2"]
    assert section.families[1].description == Text(
        "Services d'administration d'entreprise", "Business administration services"
    )


def test_a_match_recorded_after_the_weeks_end_does_not_count_for_that_week() -> None:
    late = tender("late")
    data = week_data(closing=(seen(late),), matches=(matched("coop", late, END + timedelta(hours=2)),))

    assert unmatched(WeekFacts(data), ESBSL).count == Figure(1, 0)


def test_a_family_the_code_list_lacks_takes_the_title_of_its_broadest_code_seen_the_most_frequent() -> None:
    titles = family_descriptions(
        [
            Classification("UNSPSC", "72191501", Text("Réparation")),
            Classification("UNSPSC", "721915", Text("Services de soutien")),
            Classification("UNSPSC", "72192900", Text("Entretien d'installations")),
            Classification("UNSPSC", "72192900", Text("Entretien d'installations")),
            Classification("GSIN", "7219", Text("autre schéma")),
            Classification("UNSPSC", "72160000", Text(None, "Tool maintenance")),  # the list has only French
        ]
    )

    assert titles == {
        "7219": Text("Entretien d'installations"),
        "7216": Text("Service d'entretien et de réparation d'outils", "Tool maintenance"),
    }


def test_an_english_reader_sees_a_french_only_notices_family_in_english() -> None:
    seao = tender("clean", classifications=unspsc("76111501", "Services de nettoyage des bâtiments"))
    data = week_data(closing=(seen(seao),))

    email = compose_digest(build_digest(WeekFacts(data), CESIM_IN_01), archive_url="", sender=SenderIdentity())

    assert "7611 – Cleaning and janitorial services (1)" in email.text
    assert "Nettoyage" not in email.text.split("4. ")[1].split("5. ")[0]
