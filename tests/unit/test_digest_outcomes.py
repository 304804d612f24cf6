"""Contracts won: real SEAO award releases whose supplier is a registered enterprise, by NEQ or by name."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from esja.digest.outcomes import SupplierDirectory, contracts_won, name_key, total_amount
from esja.model import Award, Money, Supplier, Tender
from esja.sources.seao import parse_seao
from tests.digest_builders import enterprise, tender

WEEKLY = "seao/hebdo_20260914_20260920_excerpt.json"
NOW = datetime(2026, 9, 21, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def awarded(shared_data: Path) -> list[Tender]:
    parsed = parse_seao((shared_data / WEEKLY).read_bytes(), now=NOW)
    return [t for t in parsed.tenders if t.awards]


def test_an_award_to_a_registered_enterprise_is_a_contract_won_with_its_exact_amount(awarded: list[Tender]) -> None:
    directory = SupplierDirectory([enterprise("goupil", "François Goupil développement", neq="1166326976")])

    [won] = contracts_won(awarded, directory)

    assert won.tender_key == "seao:ocds-ec9k95-20007385"
    assert won.amount == Decimal("689237.10")
    assert won.buyer.fr == "Sûreté du Québec"
    assert won.awarded_on is not None and won.awarded_on.date().isoformat() == "2026-08-17"
    assert (won.enterprise_id, won.recognised_by) == ("goupil", "neq")
    assert won.supplier_name == "FRANÇOIS GOUPIL DEVELOPPEMENT DE MARCHÉS INC."
    assert won.record_key == "won#seao:ocds-ec9k95-20007385#20165911"


def test_without_a_neq_the_enterprise_is_recognised_by_its_name(awarded: list[Tender]) -> None:
    # The real supplier « Déneigement Hivernis » (Université Laval, 100 000 $), registered without its NEQ.
    directory = SupplierDirectory([enterprise("hivernis", "Déneigement Hivernis inc.")])

    [won] = contracts_won(awarded, directory)

    assert (won.tender_key, won.amount, won.recognised_by) == (
        "seao:ocds-ec9k95-20171370",
        Decimal("100000.00"),
        "name",
    )


def test_a_supplier_without_a_neq_is_recognised_by_name(awarded: list[Tender]) -> None:
    # « Titan Process Equipment Ltd » has no NEQ in SEAO (an Ontario supplier).
    directory = SupplierDirectory([enterprise("titan", "TITAN PROCESS EQUIPMENT", neq="1111111111")])

    [won] = contracts_won(awarded, directory)

    assert (won.amount, won.recognised_by) == (Decimal("29794.00"), "name")


def test_the_same_name_with_another_neq_is_another_enterprise(awarded: list[Tender]) -> None:
    directory = SupplierDirectory([enterprise("homonyme", "Déneigement Hivernis", neq="1999999999")])

    assert contracts_won(awarded, directory) == []


def test_unregistered_suppliers_win_nothing_here(awarded: list[Tender]) -> None:
    assert len(awarded) > 20
    assert contracts_won(awarded, SupplierDirectory([enterprise("x", "Coop inconnue", neq="1000000000")])) == []


def test_an_ocds_neq_identifier_counts_as_the_neq() -> None:
    supplier = Supplier("Recyclage Neigette inc.", "CA-NEQ-1171234568")
    item = tender("1", awards=(Award("a", "active", NOW, Money(Decimal("27480.75")), (supplier,)),))

    [won] = contracts_won([item], SupplierDirectory([enterprise("rn", "Autre nom", neq="1171234568")]))

    assert won.recognised_by == "neq"


def test_a_cancelled_award_is_no_contract_won() -> None:
    supplier = Supplier("Coop", neq="1140000017")
    item = tender("1", awards=(Award("a", "cancelled", NOW, Money(Decimal(5)), (supplier,)),))

    assert contracts_won([item], SupplierDirectory([enterprise("c", neq="1140000017")])) == []


def test_an_award_shared_by_two_registered_enterprises_counts_once_in_the_total() -> None:
    suppliers = (Supplier("A", neq="1000000001"), Supplier("B", neq="1000000002"))
    item = tender("1", awards=(Award("a", "active", NOW, Money(Decimal("1000")), suppliers),))
    directory = SupplierDirectory([enterprise("a", neq="1000000001"), enterprise("b", neq="1000000002")])

    won = contracts_won([item], directory)

    assert [w.enterprise_id for w in won] == ["a", "b"]
    assert total_amount(won) == Decimal("1000")


def test_legal_forms_and_accents_do_not_tell_names_apart() -> None:
    assert name_key("Les Ateliers Mon Choix inc.") == name_key("ATELIERS MON CHOIX") == "ateliers mon choix"
    assert name_key("Coopérative de solidarité Bois-Francs") == name_key("Solidarité Bois-Francs, coop")
