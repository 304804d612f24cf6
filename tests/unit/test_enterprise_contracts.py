"""Contracts won, on fakes: the enterprise's people see the awards found in its name, confirm one or deny it
(« ce n'est pas nous ») and may change their mind; a denied award counts neither in the digest nor in the
programme report; another enterprise, another role, an answer no button sends: refused, nothing changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest

from esja.digest.facts import WeekFacts
from esja.digest.outcomes import ContractWon
from esja.digest.service import DigestService
from esja.enterprise_space.contracts import CONFIRMED, DENIED, ContractsWon
from esja.model import Supplier, Text
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from tests.digest_builders import WEEK, awarded, enterprise, seen, week_data
from tests.space_builders import ESBSL, JULIE, MARC, MON_CHOIX, NOW, People

ours = ContractWon(
    MON_CHOIX.id, MON_CHOIX.name, "seao:ours", "1", Text("Entretien ménager"), Text("Ville de Rimouski"),
    Decimal("45990"), None, "Les Ateliers Mon Choix inc.", "neq", found_at=datetime(2026, 11, 3, 15, tzinfo=NOW.tzinfo),
)  # fmt: skip
NAMESAKE = replace(ours, tender_key="seao:namesake", title=Text("Déménagement"), recognised_by="name")


@pytest.fixture
def people() -> People:
    people = People()
    for won in (ours, NAMESAKE):
        people.world.matches.record_won(won, NOW)
    return people


def test_the_enterprise_sees_its_awards_and_confirms_or_denies_each(people: People) -> None:
    space = people.world.build(ContractsWon)
    julie = people.actor(JULIE.email, Role.ENTERPRISE, MON_CHOIX.id)

    assert {w.key for w in space.list(julie)} == {ours.record_key, NAMESAKE.record_key}
    space.answer(julie, ours.record_key, CONFIRMED)
    space.answer(julie, NAMESAKE.record_key, CONFIRMED)
    space.answer(julie, NAMESAKE.record_key, DENIED)  # changed their mind

    assert {w.key: w.verdict for w in space.list(julie)} == {ours.record_key: CONFIRMED, NAMESAKE.record_key: DENIED}
    assert people.world.audit_log.actions() == ["contract.confirm", "contract.confirm", "contract.deny"]
    activity = people.world.matches.activity_of(MON_CHOIX.id)
    assert [w.tender_key for w in activity.won] == ["seao:ours"] and activity.denied == {("seao:namesake", "1")}


def test_another_enterprise_another_role_and_an_answer_no_button_sends_change_nothing(people: People) -> None:
    space = people.world.build(ContractsWon)
    fjord = people.actor(MARC.email, Role.ENTERPRISE, "coop-fjord")

    assert space.list(fjord) == ()
    with pytest.raises(NotAllowed) as hidden:
        space.answer(fjord, ours.record_key, DENIED)
    assert hidden.value.hidden
    with pytest.raises(NotAllowed):
        space.list(people.actor(ESBSL.email, Role.ORGANIZER, "esbsl"))
    with pytest.raises(NotAllowed):
        space.answer(people.actor(JULIE.email, Role.ENTERPRISE, MON_CHOIX.id), ours.record_key, "peut-être")
    assert people.world.matches.verdicts == {} and people.world.audit_log.actions() == []


def test_the_digest_counts_no_award_the_enterprise_denied() -> None:
    supplier = Supplier("Les Ateliers Mon Choix", neq="1140000017")
    data = week_data(
        awarded_=(seen(awarded("ours", supplier, "45990")), seen(awarded("namesake", supplier, "12400"))),
        enterprises=(enterprise(MON_CHOIX.id, MON_CHOIX.name, neq="1140000017"),),
    )

    denied = WeekFacts(replace(data, denied=frozenset({(MON_CHOIX.id, "seao:namesake", "A1")})))

    assert [w.tender_key for w in WeekFacts(data).won_this] == ["seao:namesake", "seao:ours"]
    assert [w.tender_key for w in denied.won_this] == ["seao:ours"]


def test_the_digest_reads_the_denied_awards_with_the_enterprises_matches(people: People) -> None:
    julie = people.actor(JULIE.email, Role.ENTERPRISE, MON_CHOIX.id)
    people.world.build(ContractsWon).answer(julie, NAMESAKE.record_key, DENIED)

    data = people.world.build(DigestService, links=None, archive=None, mailer=None).gather(WEEK)

    assert data.denied == {(MON_CHOIX.id, "seao:namesake", "1")}
