"""The invitation form's code search on moto, through the web function's real handler: the enterprises' profile
form's search (esja.web.code_search) — words searched, a code added, a code's family — without JavaScript, the
form coming back as typed and nothing posted; the script's JSON route behind the signatory's session only;
a code that does not exist still refused beside the field; French and English."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esja.people.roles import Role
from local.runtime import local_aws
from local.world import ENTERPRISE, ORGANIZER
from tests.integration.test_invitation_space_routes import (
    FUZZ,
    HOSTILE,
    LIST,
    MARKUP,
    NEW,
    Signatories,
    fields,
    posted_id,
)
from tests.integration.test_profile_routes import text
from tests.moto_tables import MotoTables
from tests.space_web import location, main_text

CODES = "/signataire/codes"


NEWER = "53102799"  # a code the recent tenders carry that the bundled UNSPSC table lacks


@pytest.fixture(scope="module")
def people() -> Iterator[Signatories]:
    """The signatories, and a tender of last week whose code is newer than the bundled table."""
    with local_aws() as aws:
        MotoTables(aws).publish_recent_tenders((("t-newer", "Confection de tabliers", NEWER, 7),))
        yield Signatories(aws)


def typed(**overrides: Any) -> dict[str, Any]:
    """A draft half typed: a title, a description, no code yet."""
    return fields(**{"title_fr": "Déneigement des stationnements du campus", "codes": "", **overrides})


def test_words_are_searched_without_javascript_and_the_draft_comes_back_as_typed(people: Signatories) -> None:
    before = people.web.audit_actions()

    answer = people.cegep.post(f"{NEW}?lang=fr", {**typed(), "code_query": "déneigement", "action": "chercher"})

    assert answer["statusCode"] == 200
    shown = text(answer)
    assert "72102901 Services de déneigement" in shown and "codes trouvés" in shown
    assert "Ajouter 72102901" in shown and "Voir la classe 72102900" in shown
    body = answer["body"]
    assert 'value="Déneigement des stationnements du campus"' in body and 'value="déneigement"' in body
    assert "Nettoyage hebdomadaire des planchers" in body
    assert "script-src 'self'" in answer["headers"]["Content-Security-Policy"]
    assert '<script src="/static/code-search.js" defer>' in body
    assert 'data-codes="/signataire/codes?lang=fr" data-field="codes"' in body
    assert people.web.audit_actions() == before  # nothing posted
    assert "Déneigement des stationnements" not in main_text(people.cegep.get(LIST))


def test_a_code_added_joins_the_codes_typed_and_is_posted_with_them(people: Signatories) -> None:
    signatory = people.fresh()
    draft = {**typed(codes="76111500"), "code_query": "déneigement"}

    added = signatory.post(f"{NEW}?lang=fr", {**draft, "ajouter": "72102901"})

    assert added["statusCode"] == 200
    assert "Code ajouté aux codes de l'invitation (pas encore publiée)." in text(added)
    assert 'name="codes" value="76111500; 72102901"' in added["body"]
    assert 'value="déneigement"' in added["body"]  # the words searched stay in their field
    again = signatory.post(f"{NEW}?lang=fr", {**draft, "codes": "76111500; 72102901", "ajouter": "72102901"})
    assert 'name="codes" value="76111500; 72102901"' in again["body"]  # added once

    invitation_id = posted_id(signatory.post(f"{NEW}?lang=fr", {**draft, "codes": "76111500; 72102901"}))
    public = people.invitation(invitation_id)
    assert "76111500" in public and "72102901" in public


def test_a_codes_family_shows_its_lineage_and_what_it_holds(people: Signatories) -> None:
    answer = people.cegep.post(f"{NEW}?lang=fr", {**typed(), "code_query": "déneigement", "famille": "721029"})

    assert answer["statusCode"] == 200
    shown = text(answer)
    assert "Ce que contient 72102900" in shown
    lineage = shown[shown.index("c'est prendre tout ce qu'il contient") :]
    assert lineage.index("72000000") < lineage.index("72100000") < lineage.index("72102900")
    assert "72102901" in lineage and "72102903" in lineage
    assert 'id="famille"' in answer["body"]


def test_the_search_speaks_english_on_the_english_form(people: Signatories) -> None:
    answer = people.cegep.post(f"{NEW}?lang=en", {**typed(), "code_query": "snow removal", "action": "chercher"})
    shown = text(answer)
    assert answer["statusCode"] == 200 and "72102901 Snow removal services" in shown and "codes found" in shown
    assert "Add 72102901" in shown

    added = text(people.cegep.post(f"{NEW}?lang=en", {**typed(), "ajouter": "72102901"}))
    assert "Code added to the invitation's codes (not posted yet)." in added


def test_searching_with_no_words_brings_the_form_back_and_posts_nothing(people: Signatories) -> None:
    before = people.web.audit_actions()
    answer = people.cegep.post(f"{NEW}?lang=fr", {**fields(), "code_query": " ", "action": "chercher"})
    assert answer["statusCode"] == 200 and "codes trouvés" not in text(answer)
    assert people.web.audit_actions() == before


def test_a_code_that_does_not_exist_is_still_refused_beside_the_field(people: Signatories) -> None:
    signatory = people.fresh()
    added = signatory.post(f"{NEW}?lang=fr", {**typed(codes="76111500"), "ajouter": "99999999"})
    assert 'name="codes" value="76111500; 99999999"' in added["body"]

    refused = signatory.post(f"{NEW}?lang=fr", typed(codes="76111500; 99999999"))

    assert refused["statusCode"] == 422 and 'id="codes-error"' in refused["body"]
    assert "Le code UNSPSC « 99999999 » n'existe pas" in text(refused)
    english = signatory.post(f"{NEW}?lang=en", typed(codes="99999999"))
    assert 'The UNSPSC code "99999999" does not exist' in text(english)
    assert "Déneigement des stationnements" not in main_text(signatory.get(LIST))


def test_a_code_the_recent_tenders_carry_is_found_and_taken_though_the_table_lacks_it(people: Signatories) -> None:
    found = json.loads(people.cegep.get(f"{CODES}?q={NEWER}&lang=fr")["body"])
    assert [e["code"] for e in found["entries"]] == [NEWER] and found["entries"][0]["title"] == "Vêtements"

    invitation_id = posted_id(people.fresh().post(f"{NEW}?lang=fr", typed(codes=NEWER)))

    assert NEWER in people.invitation(invitation_id)


def test_amending_searches_too_and_changes_nothing_until_posted(people: Signatories) -> None:
    signatory = people.fresh()
    invitation_id = people.post(signatory, title_fr="Déneigement de la cour arrière")
    before = people.web.audit_actions()

    answer = signatory.post(
        f"{LIST}/{invitation_id}?lang=fr", {**fields(title_fr="Titre pas encore enregistré"), "ajouter": "72102901"}
    )

    assert answer["statusCode"] == 200 and 'name="codes" value="76111500; 72102901"' in answer["body"]
    assert 'value="Titre pas encore enregistré"' in answer["body"]
    assert f'formaction="/signataire/invitations/{invitation_id}?lang=fr#codes-field"' in answer["body"]
    assert people.web.audit_actions() == before
    assert "Déneigement de la cour arrière" in people.invitation(invitation_id)
    assert "72102901" not in people.invitation(invitation_id)


def test_another_signatory_cannot_search_on_an_invitation_not_theirs(people: Signatories) -> None:
    invitation_id = people.post(people.fresh(), title_fr="Déneigement du garage municipal")

    answer = people.matane.post(f"{LIST}/{invitation_id}?lang=fr", {**fields(), "ajouter": "72102901"})

    assert answer["statusCode"] == 404 and "Déneigement du garage municipal" not in answer["body"]


def test_the_scripts_search_answers_the_signatory_in_json_and_no_one_else(people: Signatories) -> None:
    answer = people.cegep.get(f"{CODES}?q=snow%20removal&lang=en")
    found = json.loads(answer["body"])
    assert answer["statusCode"] == 200 and answer["headers"]["Content-Type"].startswith("application/json")
    assert found["entries"][0]["code"] == "72102901" and found["entries"][0]["title"] == "Snow removal services"
    french = json.loads(people.cegep.get(f"{CODES}?q=déneigement&lang=fr")["body"])
    assert french["entries"][0]["title"] == "Services de déneigement"

    organizer = people.web.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim")
    enterprise = people.web.session_for(ENTERPRISE.email, Role.ENTERPRISE, "ateliers-mon-choix")
    for visitor in (organizer, enterprise):
        refused = visitor.get(f"{CODES}?q=neige")
        assert refused["statusCode"] == 403 and "application/json" not in refused["headers"]["Content-Type"]
    nobody = people.web.get(f"{CODES}?q=neige")
    assert nobody["statusCode"] == 303 and location(nobody).startswith("/connexion?lang=fr&suite=")
    assert people.cegep.get("/entreprise/codes?q=neige")["statusCode"] == 403  # and the enterprises' is theirs


@FUZZ
@given(name=st.sampled_from(["code_query", "ajouter", "famille", "action"]), value=HOSTILE)
def test_the_code_search_takes_anything_without_a_5xx_and_never_shows_it_raw(
    people: Signatories, name: str, value: str
) -> None:
    sent = {**typed(), "action": "chercher", name: value}
    answers = [people.cegep.post(f"{NEW}?lang=fr", sent), people.cegep.get(f"{CODES}?q={value[:40]}")]
    for answer in answers:
        assert answer["statusCode"] < 500, answer.get("body", "")[:500]
        assert not [probe for probe in MARKUP if probe in value and probe in (answer.get("body") or "")]
