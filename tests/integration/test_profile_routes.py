"""The enterprises' own profiles on moto, through the web function: the list, the form with its code search
and « Aperçu », saving, pausing, deleting — each change in the audit log — and every route refused to
another enterprise's session, to no session, to a form without this session's token; hostile values in
every field never give a 5xx nor come back as markup."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esja.people.roles import Role
from local.runtime import LocalAws
from local.world import COACH, ENTERPRISE, ORGANIZER
from tests.moto_tables import MotoTables
from tests.space_web import SpaceWeb, Visitor, location

MINE = "ateliers-mon-choix"
LIST, FORM = "/entreprise/profils", "/entreprise/profils/formulaire"
COUTURE = "couture"  # one of Les Ateliers Mon Choix's profiles in examples/enterprises.csv


@pytest.fixture
def web(aws: LocalAws) -> SpaceWeb:
    """The demo's people, and tenders of the last weeks in the recent tenders' snapshot."""
    web = SpaceWeb(aws)
    MotoTables(aws).publish_recent_tenders(
        (
            ("t-sewing", "Confection de rideaux", "53102700", 3),
            ("t-uniforms", "Couture d'uniformes", "53102700", 10),
            ("t-paint", "Peinture du garage municipal", "72152500", 5),
            ("t-old", "Couture de drapeaux", "53102700", 70),  # outside the 60 days
        )
    )
    return web


@pytest.fixture
def julie(web: SpaceWeb) -> Visitor:
    return web.session_for(ENTERPRISE.email, Role.ENTERPRISE, MINE)


def text(answer: dict[str, Any]) -> str:
    """The page's content as a reader reads it: tags out, entities decoded, spaces as spaces."""
    body: str = answer["body"]
    words = html.unescape(re.sub(r"<[^>]+>", " ", body[body.index("<main") :])).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", words).replace(" ,", ",").replace("( ", "(").replace(" )", ")")


def form_of(web: SpaceWeb, profile_id: str) -> dict[str, str | list[str]]:
    """The form as its page fills it for the stored profile."""
    [stored] = [s for s in web.enterprises.stored_profiles(MINE) if s.profile.id == profile_id]
    p = stored.profile
    return {
        "profil": p.id,
        "version": stored.version,
        "profile_name": p.name,
        "unspsc": "\n".join(p.unspsc),
        "keywords": "\n".join(p.keywords),
        "excluded": "\n".join(p.excluded),
        "regions": list(p.regions),
        "categories": [c.value for c in p.categories],
    }


def test_the_list_shows_the_enterprises_profiles_and_only_its_own(julie: Visitor) -> None:
    answer = julie.get(LIST)
    shown = text(answer)
    assert answer["statusCode"] == 200
    assert "Couture et confection" in shown and "Emballage et assemblage à forfait" in shown
    assert "Gestion de parc" not in shown  # Parc Kiskotuk's
    assert "Profils d'alerte" in answer["body"]  # in the space's navigation


def test_a_new_profile_is_previewed_then_saved_and_the_journal_says_so(web: SpaceWeb, julie: Visitor) -> None:
    fields = {
        "profil": "",
        "version": "",
        "profile_name": "Rideaux",
        "keywords": "rideaux\ncurtains",
        "regions": ["01"],
    }

    preview = julie.post(FORM, {**fields, "action": "apercu"})
    shown = text(preview)
    assert preview["statusCode"] == 200
    assert "Ce profil aurait trouvé 1 appels d'offres" in shown and "Confection de rideaux" in shown
    assert "mot-clé « rideaux » dans le titre" in shown
    assert "script-src 'self'" in preview["headers"]["Content-Security-Policy"]

    saved = julie.post(FORM, {**fields, "action": "enregistrer"})
    assert saved["statusCode"] == 303 and location(saved) == "/entreprise/profils?lang=fr&enregistre=rideaux"
    assert "Profil « Rideaux » enregistré." in text(julie.get(location(saved)))
    [stored] = [s.profile for s in web.enterprises.stored_profiles(MINE) if s.profile.id == "rideaux"]
    assert stored.keywords == ("rideaux", "curtains") and stored.regions == ("01",) and stored.active
    assert web.audit_actions()[-1] == "profile.create"


def test_an_edit_previews_what_it_gains_and_loses_then_saves(web: SpaceWeb, julie: Visitor) -> None:
    edited = {**form_of(web, COUTURE), "unspsc": "", "keywords": "peinture"}

    preview = text(julie.post(FORM, {**edited, "action": "apercu"}))
    assert "Gagnés par rapport au profil enregistré : 1" in preview and "Peinture du garage municipal" in preview
    assert "Perdus par rapport au profil enregistré : 2" in preview and "Couture d'uniformes" in preview
    assert "Couture de drapeaux" not in preview  # 70 days ago

    saved = julie.post(FORM, {**edited, "action": "enregistrer"})
    assert saved["statusCode"] == 303
    [stored] = [s.profile for s in web.enterprises.stored_profiles(MINE) if s.profile.id == COUTURE]
    assert stored.keywords == ("peinture",) and stored.unspsc == ()
    [record] = [
        r
        for r in web.audit.between(datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC))
        if r.action == "profile.update"
    ][-1:]
    assert record.item.id == f"{MINE}/{COUTURE}" and record.details == {"changed": "unspsc keywords"}
    assert record.regions == ("01",) and record.actor_id == MINE


def test_a_form_with_problems_says_each_beside_its_field_and_saves_nothing(web: SpaceWeb, julie: Visitor) -> None:
    before = web.enterprises.stored_profiles(MINE)
    answer = julie.post(
        FORM, {"profil": "", "profile_name": "X", "unspsc": "7611x", "min_value": "abc", "action": "enregistrer"}
    )

    assert answer["statusCode"] == 422
    shown = text(answer)
    assert "2 éléments sont à corriger" in shown
    assert "Codes UNSPSC : code UNSPSC invalide « 7611x »" in shown and "montant invalide « abc »" in shown
    assert 'aria-describedby="unspsc-hint unspsc-error" aria-invalid="true">7611x</textarea>' in answer["body"]
    assert web.enterprises.stored_profiles(MINE) == before


def test_a_profile_that_would_match_nothing_says_so_before_it_is_saved(julie: Visitor) -> None:
    shown = text(julie.post(FORM, {"profil": "", "keywords": "xylophones", "action": "apercu"}))
    assert "n'aurait trouvé aucun appel d'offres en 60 jours" in shown


def test_codes_are_found_by_words_browsed_by_family_and_added_without_javascript(julie: Visitor) -> None:
    draft = {"profil": "", "profile_name": "Hiver", "keywords": "neige"}

    found = julie.post(FORM, {**draft, "code_query": "snow removal", "action": "chercher"})
    assert found["statusCode"] == 200 and "72102901 Services de déneigement" in text(found)

    family = text(julie.post(FORM, {**draft, "code_query": "snow removal", "famille": "721029"}))
    assert "Ce que contient 72102900" in family and "72102903" in family and "72102901" in family

    added = julie.post(FORM, {**draft, "code_query": "snow removal", "ajouter": "72102900"})
    assert "Code ajouté" in text(added) and '<textarea id="unspsc"' in added["body"]
    assert 'aria-describedby="unspsc-hint">72102900</textarea>' in added["body"]
    assert (
        'name="keywords" rows="4" spellcheck="false" aria-describedby="keywords-hint">neige</textarea>' in added["body"]
    )


def test_the_scripts_code_search_answers_json_in_the_persons_language(julie: Visitor) -> None:
    answer = julie.get("/entreprise/codes?q=snow%20removal&lang=en")
    found = json.loads(answer["body"])
    assert answer["statusCode"] == 200 and answer["headers"]["Content-Type"].startswith("application/json")
    assert found["entries"][0]["code"] == "72102901" and found["entries"][0]["title"] == "Snow removal services"
    assert [a["code"] for a in found["entries"][0]["lineage"]] == ["72000000", "72100000", "72102900", "72102901"]
    script = julie.get("/static/code-search.js")
    assert script["statusCode"] == 200 and script["headers"]["Content-Type"].startswith("text/javascript")


def test_pausing_resuming_and_deleting_are_written_and_in_the_journal(web: SpaceWeb, julie: Visitor) -> None:
    version = form_of(web, COUTURE)["version"]
    paused = julie.post("/entreprise/profils/pause", {"profil": COUTURE, "version": version, "actif": "0"})
    assert paused["statusCode"] == 303
    assert "Couture et confection (en pause : aucune alerte)" in text(julie.get(LIST))

    stale = julie.post("/entreprise/profils/supprimer", {"profil": COUTURE, "version": version})
    assert location(stale) == f"{LIST}?lang=fr&change={COUTURE}"  # changed since: nothing deleted
    assert "modifié ou supprimé par quelqu'un d'autre" in text(julie.get(location(stale)))

    confirm = julie.get(f"/entreprise/profils/supprimer?profil={COUTURE}")
    assert "Supprimer le profil « Couture et confection » ?" in text(confirm)
    deleted = julie.post(
        "/entreprise/profils/supprimer", {"profil": COUTURE, "version": form_of(web, COUTURE)["version"]}
    )
    assert deleted["statusCode"] == 303
    assert COUTURE not in [s.profile.id for s in web.enterprises.stored_profiles(MINE)]
    assert web.audit_actions()[-2:] == ["profile.pause", "profile.delete"]


# --- Every route, as someone else, as nobody, with a forged form ---------------------------------------------

GETS = [LIST, "/entreprise/profils/nouveau", f"/entreprise/profils/modifier?profil={COUTURE}",
        f"/entreprise/profils/supprimer?profil={COUTURE}", "/entreprise/codes?q=neige"]  # fmt: skip


def posts(web: SpaceWeb) -> list[tuple[str, dict[str, str | list[str]]]]:
    mine = form_of(web, COUTURE)
    return [
        (FORM, {**mine, "keywords": "changé", "action": "enregistrer"}),
        (FORM, {**mine, "action": "apercu"}),
        ("/entreprise/profils/pause", {"profil": COUTURE, "version": str(mine["version"]), "actif": "0"}),
        ("/entreprise/profils/supprimer", {"profil": COUTURE, "version": str(mine["version"])}),
    ]


def test_another_enterprises_session_never_sees_nor_changes_these_profiles(web: SpaceWeb) -> None:
    kiskotuk = web.session_for(COACH.email, Role.ENTERPRISE, "parc-kiskotuk")
    before, journal = web.enterprises.stored_profiles(MINE), web.audit_actions()

    for path in GETS[2:4]:
        assert kiskotuk.get(path)["statusCode"] == 404, path
    assert "Couture" not in text(kiskotuk.get(LIST))
    for path, fields in posts(web):
        assert kiskotuk.post(path, fields)["statusCode"] == 404, path

    assert web.enterprises.stored_profiles(MINE) == before and web.audit_actions() == journal


def test_a_person_of_another_space_is_refused_every_page(web: SpaceWeb) -> None:
    organizer = web.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim")
    before = web.enterprises.stored_profiles(MINE)
    for path in GETS:
        assert organizer.get(path)["statusCode"] == 403, path
    for path, fields in posts(web):
        assert organizer.post(path, fields)["statusCode"] == 403, path
    assert web.enterprises.stored_profiles(MINE) == before


@pytest.mark.parametrize("path", GETS)
def test_every_page_without_a_session_sends_to_sign_in_and_back(web: SpaceWeb, path: str) -> None:
    answer = web.get(path)
    assert answer["statusCode"] == 303 and location(answer).startswith("/connexion?lang=fr&suite=%2Fentreprise%2F")


def test_every_post_without_or_with_a_foreign_token_is_refused_and_changes_nothing(
    web: SpaceWeb, julie: Visitor
) -> None:
    other = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, MINE)  # the same person, another session
    before, journal = web.enterprises.stored_profiles(MINE), web.audit_actions()
    for path, fields in posts(web):
        assert julie.post(path, fields, token="")["statusCode"] == 403, path
        assert julie.post(path, fields, token=other.form_token)["statusCode"] == 403, path
        assert web.post(path, fields)["statusCode"] == 303, path  # no session at all
    assert web.enterprises.stored_profiles(MINE) == before and web.audit_actions() == journal


# --- Hostile values: never a 5xx, never unescaped -------------------------------------------------------------

MARKUP = ("<script>alert(1)</script>", "'\"><img src=x onerror=alert(1)>")
HOSTILE = st.one_of(st.text(max_size=200), st.sampled_from([*MARKUP, "\x00", "é" * 300, "; ;", "7611x", "-5"]))
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ACTIONS = st.sampled_from(["apercu", "enregistrer", "chercher", "", "x"])


@FUZZ
@given(value=HOSTILE, other=HOSTILE, action=ACTIONS)
def test_the_profile_form_takes_anything_in_any_field_without_a_5xx(
    julie: Visitor, value: str, other: str, action: str
) -> None:
    for column in ("profile_name", "unspsc", "keywords", "excluded", "regions", "categories", "min_value", "max_value",
                   "buyers_allow", "buyers_deny", "code_query", "ajouter", "famille", "profil", "version"):  # fmt: skip
        answer = julie.post(FORM, {column: value, "keywords": other, "action": action})
        assert answer["statusCode"] in (200, 303, 400, 404, 409, 422), (column, answer["statusCode"])
        body = answer.get("body") or ""
        assert not [probe for probe in MARKUP if probe in (value, other) and probe in body], column


@FUZZ
@given(value=HOSTILE)
def test_the_other_routes_take_anything_without_a_5xx(julie: Visitor, value: str) -> None:
    quoted = value.replace("%", "%25").replace("#", "%23").replace("&", "%26").replace("+", "%2B")
    answers = [
        julie.get(f"/entreprise/profils/modifier?profil={quoted}"),
        julie.get(f"/entreprise/profils/supprimer?profil={quoted}"),
        julie.get(f"/entreprise/codes?q={quoted}"),
        julie.get(f"/entreprise/profils?enregistre={quoted}&change={quoted}"),
        julie.post("/entreprise/profils/pause", {"profil": value, "version": value, "actif": value}),
        julie.post("/entreprise/profils/supprimer", {"profil": value, "version": value}),
    ]
    for answer in answers:
        assert answer["statusCode"] < 500
        body = answer.get("body") or ""
        assert not [probe for probe in MARKUP if probe == value and probe in body]
