"""Contracts won on moto, through the web function: the enterprise's page lists the awards found in its name; its
buttons confirm one or deny it, and the digest's and the report's reading of the enterprise's Matches items leaves
a denied award out; another enterprise's session, another role, nobody, no anti-forgery token: refused, nothing
changed; hostile values never give a 5xx nor come back unescaped."""

from __future__ import annotations

import re

from hypothesis import given

from esja.people.roles import Role
from esja.store.contracts_won import WinStore
from esja.store.digest_sources import MatchHistory
from local import feedback_case
from local.world import COACH, ENTERPRISE, ORGANIZER
from tests.integration.test_space_routes import FUZZ, HOSTILE, assert_escaped
from tests.space_web import SpaceWeb, location, main_text

MON_CHOIX = feedback_case.ENTERPRISE_ID
LIST, ANSWER = "/entreprise/contrats", "/entreprise/contrats/reponse"
NAMESAKE = "won#seao:ocds-b5fd17-2026-9377#1"  # local.world.contracts_to_confirm: found by the name only
OURS = "won#seao:ocds-b5fd17-2026-9199#1"


def verdicts(web: SpaceWeb) -> dict[str, str | None]:
    store = WinStore(web.aws.resources.names["MatchesTable"], web.aws.client("dynamodb"))
    return {w.key: w.verdict for w in store.wins_of(MON_CHOIX)}


def test_the_enterprise_confirms_one_award_and_denies_the_other_which_is_then_not_counted(web: SpaceWeb) -> None:
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, MON_CHOIX)
    page = main_text(julie.get(LIST))
    assert "Déménagement de mobilier de bureau" in page and "45 990 $" in re.sub(r"\s", " ", page)

    confirmed = julie.post(ANSWER, {"contrat": OURS, "reponse": "confirmed"})
    denied = julie.post(ANSWER, {"contrat": NAMESAKE, "reponse": "denied"})

    assert confirmed["statusCode"] == denied["statusCode"] == 303
    assert location(denied) == f"{LIST}?fait=denied&lang=fr"
    assert verdicts(web) == {OURS: "confirmed", NAMESAKE: "denied"}
    activity = MatchHistory(web.aws.resources.names["MatchesTable"], web.aws.client("dynamodb")).activity_of(MON_CHOIX)
    assert [w.tender_key for w in activity.won] == ["seao:ocds-b5fd17-2026-9199"]
    assert activity.denied == {("seao:ocds-b5fd17-2026-9377", "1")}
    assert {"contract.confirm", "contract.deny"} <= set(web.audit_actions())


def test_another_enterprise_another_role_nobody_and_no_token_change_nothing(web: SpaceWeb) -> None:
    before = verdicts(web)
    park = web.session_for(COACH.email, Role.ENTERPRISE, "parc-kiskotuk")
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, MON_CHOIX)
    organizer = web.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim")
    answer = {"contrat": OURS, "reponse": "denied"}

    assert "Entretien ménager de l'hôtel de ville" not in main_text(park.get(LIST))
    assert park.post(ANSWER, answer)["statusCode"] == 404
    assert organizer.get(LIST)["statusCode"] == organizer.post(ANSWER, answer)["statusCode"] == 403
    assert julie.post(ANSWER, answer, token="")["statusCode"] == 403
    assert julie.post(ANSWER, answer, token=park.form_token)["statusCode"] == 403
    assert location(web.get(LIST)).startswith("/connexion?lang=fr&suite=")
    assert verdicts(web) == before


@FUZZ
@given(contract=HOSTILE, answer=HOSTILE)
def test_hostile_values_never_give_a_5xx_nor_come_back_unescaped(web: SpaceWeb, contract: str, answer: str) -> None:
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, MON_CHOIX)

    answered = julie.post(ANSWER, {"contrat": contract, "reponse": answer})

    assert answered["statusCode"] < 500
    assert_escaped(answered, contract, answer)
