"""Section 7: contracts won by registered enterprises (count, $), and awards by signatory buyers."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from esja.config import SenderIdentity
from esja.digest.compose import compose_digest
from esja.digest.facts import WeekFacts
from esja.digest.sections import Amount, Figure, build_digest, outcomes
from esja.l10n import day
from esja.model import Buyer, Supplier, Text
from tests.digest_builders import CESIM, ESBSL, LAST_MONDAY, MONDAY, awarded, enterprise, pledge, seen, week_data

MON_CHOIX = Supplier("Les Ateliers Mon Choix", "FO-1140000017", "1140000017")
STRANGER = Supplier("Entretien Ménager Neigette inc.", "FO-1172204418", "1172204418")
MATANE = Buyer(Text("Ville de Matane"), "OP-08053")


def test_contracts_won_and_signatories_awards_this_week_beside_last_week() -> None:
    data = week_data(
        awarded_=(
            seen(awarded("rdl", MON_CHOIX, "118452.60", buyer=Buyer(Text("Ville de Rivière-du-Loup")))),
            seen(awarded("rim", STRANGER, "48960.00")),  # Rimouski signed; a supplier not registered
            seen(awarded("rim2", MON_CHOIX, "1000.00")),  # Rimouski, to a registered enterprise
            seen(awarded("old", MON_CHOIX, "5000", buyer=MATANE), LAST_MONDAY),
        ),
        enterprises=(enterprise("monchoix", "Les Ateliers Mon Choix", neq="1140000017"),),
        pledges=(pledge("p1", confirmed_at=MONDAY),),  # Rimouski, since this week
    )

    section = outcomes(WeekFacts(data), ESBSL)

    assert [w.tender_key for w in section.won] == ["seao:rdl", "seao:rim2"]
    assert section.won_count == Figure(2, 1)
    assert section.won_amount == Amount(Decimal("119452.60"), Decimal("5000"))
    assert section.signatory_awards == Figure(2, 0)
    assert section.signatory_amount == Amount(Decimal("49960.00"), Decimal(0))
    assert section.signatory_to_registered == Figure(1, 0)


def test_the_list_holds_the_organizers_enterprises_the_counts_all_of_quebec() -> None:
    data = week_data(
        awarded_=(seen(awarded("rdl", MON_CHOIX, "118452.60")),),
        enterprises=(enterprise("monchoix", "Les Ateliers Mon Choix", neq="1140000017", regions=("01",)),),
    )

    section = outcomes(WeekFacts(data), CESIM)

    assert section.won == ()
    assert section.won_count == Figure(1, 0)


def test_a_contract_published_long_after_its_award_counts_in_the_week_found_and_says_when_it_was_awarded() -> None:
    # SEAO's weekly files mostly hold contracts awarded weeks or years before (real 2026-09-14 file: 2023).
    months_ago = MONDAY - timedelta(days=120)
    late = awarded("late", MON_CHOIX, "118452.60", buyer=Buyer(Text("Ville de Rivière-du-Loup")))
    late = replace(late, awards=(replace(late.awards[0], date=months_ago),))
    data = week_data(
        awarded_=(seen(late),),  # found this week
        enterprises=(enterprise("monchoix", "Les Ateliers Mon Choix", neq="1140000017"),),
    )
    digest = build_digest(WeekFacts(data), ESBSL)

    assert digest.outcomes.won_count == Figure(1, 0)
    for lang, organizer, found, awarded_on in (
        ("fr", ESBSL, "Contrats de vos entreprises repérés cette semaine", f"octroyé le {day(months_ago, 'fr')}"),
        ("en", CESIM, "Your enterprises' contracts found this week", f"awarded {day(months_ago, 'en')}"),
    ):
        text = compose_digest(
            replace(digest, organizer=replace(organizer, regions=("01",))), archive_url="", sender=SenderIdentity()
        ).text
        assert found in text, lang
        [line] = [line for line in text.splitlines() if "Les Ateliers Mon Choix –" in line]
        assert line.endswith(awarded_on), line
        assert ("repéré" if lang == "fr" else "found") in text.split("7. ")[1].splitlines()[1]
