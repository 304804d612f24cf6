"""A tender's buyer is recognised as a confirmed signatory by SEAO id, by name, or by an organizer's link."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from esja.digest.signatories import SignatoryIndex, SignatoryLink, buyer_key, signatories_at
from esja.model import Buyer, Text
from esja.pledges.model import Pledge
from tests.digest_builders import LAST_MONDAY, MONDAY, WEEK, in_regions, pledge, tender


def index_of(pledges: list[Pledge], links: list[SignatoryLink], at: datetime) -> SignatoryIndex:
    return SignatoryIndex.build(signatories_at(pledges, at), links)


@pytest.mark.parametrize(
    ("published", "signed"),
    [
        ("VILLE DE RIMOUSKI.", "Ville de Rimouski"),
        ("Ville de Montréal - Service de l'approvisionnement", "Ville de Montréal"),
        ("City of Montreal", "Ville de Montréal"),
        ("Municipalité de Saint-Lambert-de-Lauzon .", "Saint-Lambert-de-Lauzon"),
        (
            "Université de Sherbrooke -Service des ressources financières- Section de l'approvisionnement",
            "Université de Sherbrooke",
        ),
        ("Santé Québec Bas-Saint-Laurent - Service de l’approvisionnement", "Santé Québec – Bas-Saint-Laurent"),
        ("Ville de St-Jérôme", "Ville de Saint-Jérôme"),
        ("Rimouski (Ville de)", "Ville de Rimouski"),
    ],
)
def test_names_written_differently_have_one_key(published: str, signed: str) -> None:
    assert buyer_key(published) == buyer_key(signed)


def test_different_institutions_of_one_town_keep_apart() -> None:
    assert buyer_key("Cégep de Rimouski") != buyer_key("Ville de Rimouski")
    assert buyer_key("MRC de Rimouski-Neigette") != buyer_key("Ville de Rimouski")


def test_a_confirmed_signatory_is_recognised_by_the_name_the_publisher_uses() -> None:
    index = index_of([pledge("p1")], [], WEEK.end)
    published = tender("1", buyer=Buyer(Text("VILLE DE RIMOUSKI."), "OP-74012"))

    found = index.signatory_of(published)

    assert found is not None and found.institution_name == "Ville de Rimouski" and found.pledge_id == "p1"
    assert index.is_signatory(published)


def test_a_canadabuys_entity_is_recognised_by_its_english_or_french_name() -> None:
    index = index_of([pledge("p1", "Agence spatiale canadienne", "16")], [], WEEK.end)
    entity = Buyer(Text("Agence spatiale canadienne", "Canadian Space Agency"))
    english_only = Buyer(Text(None, "Agence spatiale canadienne"))

    assert index.is_signatory(tender("cb", source="canadabuys", buyer=entity))
    assert index.is_signatory(tender("cb2", source="canadabuys", buyer=english_only))


def test_an_organizer_links_a_signatory_to_its_seao_buyer_id_when_names_differ() -> None:
    signed = pledge("p1", "Régie intermunicipale de l'énergie du Bas-Saint-Laurent")
    published = tender("1", buyer=Buyer(Text("RIÉ BSL"), "OP-36518"))
    assert not index_of([signed], [], WEEK.end).is_signatory(published)

    linked = index_of([signed], [SignatoryLink("p1", buyer_id="op-36518 ")], WEEK.end)

    found = linked.signatory_of(published)
    assert found is not None and found.institution_name == signed.details.institution_name


def test_an_organizer_links_a_signatory_to_a_buyer_name() -> None:
    signed = pledge("p1", "Régie intermunicipale de l'énergie du Bas-Saint-Laurent")
    links = [SignatoryLink("p1", buyer_name="Régie de l'énergie BSL")]

    index = index_of([signed], links, WEEK.end)

    assert index.is_signatory(tender("1", buyer=Buyer(Text("RÉGIE DE L'ÉNERGIE BSL - Direction générale"))))


def test_pending_and_withdrawn_pledges_do_not_count_nor_do_their_links() -> None:
    pending = pledge("p1", confirmed_at=None)
    withdrawn = pledge("p2", "Ville de Matane", withdrawn_at=LAST_MONDAY + timedelta(days=1))
    links = [SignatoryLink("p1", buyer_id="OP-1"), SignatoryLink("p2", buyer_id="OP-2")]

    index = index_of([pending, withdrawn], links, WEEK.end)

    assert not index.is_signatory(tender("1"))
    assert not index.is_signatory(tender("2", buyer=Buyer(Text("Ville de Matane"), "OP-2")))
    assert not index.is_signatory(tender("3", buyer=Buyer(Text("Autre"), "OP-1")))


def test_a_pledge_counts_from_its_confirmation_until_its_withdrawal() -> None:
    signed = pledge("p1", confirmed_at=MONDAY, withdrawn_at=MONDAY + timedelta(days=2))

    assert not index_of([signed], [], MONDAY - timedelta(seconds=1)).is_signatory(tender("1"))
    assert index_of([signed], [], MONDAY + timedelta(days=1)).is_signatory(tender("1"))
    assert not index_of([signed], [], WEEK.end).is_signatory(tender("1"))


def test_two_institutions_with_one_name_are_told_apart_by_the_tenders_region() -> None:
    gaspesie = pledge("p1", "Municipalité de Saint-Joseph", "11")
    beauce = pledge("p2", "Municipalité de Saint-Joseph", "12")
    index = index_of([gaspesie, beauce], [], WEEK.end)

    found = index.signatory_of(tender("1", buyer=Buyer(Text("Municipalité de Saint-Joseph")), regions=in_regions("12")))

    assert found is not None and found.pledge_id == "p2"


def test_a_tender_without_a_buyer_has_no_signatory() -> None:
    index = index_of([pledge("p1")], [], WEEK.end)

    assert not index.is_signatory(replace(tender("1"), buyer=None))
