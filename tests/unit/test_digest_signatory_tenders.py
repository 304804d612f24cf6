"""Section 5: the new tenders of signatory buyers, and the enterprises they fit."""

from __future__ import annotations

from datetime import timedelta

from esja.digest.facts import WeekFacts
from esja.digest.sections import Figure, signatory_tenders
from esja.digest.signatories import SignatoryLink
from esja.model import Buyer, Text
from tests.digest_builders import (
    CESIM,
    ESBSL,
    LAST_MONDAY,
    MONDAY,
    enterprise,
    in_regions,
    matched,
    pledge,
    seen,
    tender,
    week_data,
)


def test_new_tenders_of_signatories_with_the_enterprises_that_fit_them() -> None:
    rimouski = tender("rim", buyer=Buyer(Text("VILLE DE RIMOUSKI."), "OP-74012"))
    by_id = tender("rie", buyer=Buyer(Text("RIÉ BSL"), "OP-36518"))
    not_signed = tender("matane", buyer=Buyer(Text("Ville de Matane"), "OP-08053"))
    last_week = tender("rim-old")
    data = week_data(
        new=(seen(rimouski), seen(by_id), seen(not_signed), seen(last_week, LAST_MONDAY)),
        pledges=(pledge("p1"), pledge("p2", "Régie intermunicipale de l'énergie")),
        links=(SignatoryLink("p2", buyer_id="OP-36518"),),
        matches=(matched("coop", rimouski),),
        enterprises=(enterprise("coop", "Coop de propreté"),),
    )

    section = signatory_tenders(WeekFacts(data), ESBSL)

    assert [(line.tender.key, line.signatory, line.enterprises) for line in section.tenders] == [
        ("seao:rie", "Régie intermunicipale de l'énergie", ()),
        ("seao:rim", "Ville de Rimouski", ("Coop de propreté",)),
    ]
    assert section.count == Figure(2, 1)


def test_a_pledge_confirmed_during_the_week_does_not_count_for_the_week_before() -> None:
    data = week_data(
        new=(seen(tender("new")), seen(tender("old"), LAST_MONDAY)), pledges=(pledge("p1", confirmed_at=MONDAY),)
    )

    assert signatory_tenders(WeekFacts(data), ESBSL).count == Figure(1, 0)


def test_a_signatory_of_the_organizers_region_buying_elsewhere_still_shows() -> None:
    montreal_signatory = pledge("p1", "Ville de Montréal", "06")
    away = tender("away", buyer=Buyer(Text("Ville de Montréal")), regions=in_regions("15"))
    local_buyer_of_another_region = tender("rim", regions=in_regions("06"))
    data = week_data(
        new=(seen(away), seen(local_buyer_of_another_region)),
        pledges=(montreal_signatory, pledge("p2")),
        as_of=MONDAY + timedelta(days=1),
    )

    assert {line.tender.key for line in signatory_tenders(WeekFacts(data), CESIM).tenders} == {"seao:away", "seao:rim"}
