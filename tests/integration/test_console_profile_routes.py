"""An enterprise's alert profiles in the organizers' console, on moto, through the web function's real handler:
the enterprise space's own pages mounted under /organisation/entreprises/profils?entreprise=<id>. An organizer
of the enterprise's region creates (with « Aperçu »), edits, pauses and deletes its profiles with the
spreadsheet's validation, each change audited; every route refuses another region's organizer (404), another
enterprise's person, a signatory (403), nobody, a missing or foreign anti-forgery token, and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from esja.people.roles import Role
from local.runtime import LocalAws
from local.world import NOT_LISTED
from tests.moto_tables import MotoTables
from tests.space_web import SpaceWeb, Visitor, location, main_text

MON_CHOIX = "ateliers-mon-choix"  # the demo's, region 01 (ESBSL's)
COUTURE = "couture"  # one of its profiles in examples/enterprises.csv
ROOT = "/organisation/entreprises/profils"
ONE = f"?entreprise={MON_CHOIX}"
LIST, FORM = f"{ROOT}{ONE}", f"{ROOT}/formulaire{ONE}"
GETS = [LIST, f"{ROOT}/nouveau{ONE}", f"{ROOT}/modifier{ONE}&profil={COUTURE}",
        f"{ROOT}/supprimer{ONE}&profil={COUTURE}", f"{ROOT}/codes{ONE}&q=neige"]  # fmt: skip


@pytest.fixture(scope="module")
def web(aws_world: LocalAws) -> SpaceWeb:
    web = SpaceWeb(aws_world)
    MotoTables(aws_world).publish_recent_tenders(
        (("t-sewing", "Confection de rideaux", "53102700", 3), ("t-paint", "Peinture du garage", "72152500", 5))
    )
    return web


@pytest.fixture(scope="module")
def people(web: SpaceWeb) -> dict[str, Visitor]:
    """ESBSL's organizer (region 01), and who may not: CÉSIM's organizer (Montréal), Les Ateliers Mon Choix's own
    manager, the Coopérative de déneigement du Fjord's manager, the verified signatory."""
    people = web.console_people()
    people["fjord"] = web.session_for(NOT_LISTED.email, Role.ENTERPRISE, "coop-deneigement-fjord")
    return people


@pytest.fixture(scope="module")
def esbsl(people: dict[str, Visitor]) -> Visitor:
    return people["esbsl"]


def stored(web: SpaceWeb) -> dict[str, tuple[object, str]]:
    return {s.profile.id: (s.profile, s.version) for s in web.enterprises.stored_profiles(MON_CHOIX)}


def version(web: SpaceWeb, profile_id: str) -> str:
    return stored(web)[profile_id][1]


def test_the_enterprises_page_links_to_its_profiles_and_they_are_listed_with_its_name(esbsl: Visitor) -> None:
    page = esbsl.get(f"/organisation/entreprises/fiche{ONE}")
    assert f'href="{ROOT}?lang=fr&amp;entreprise={MON_CHOIX}"' in page["body"]
    assert "Ajouter ou modifier ses profils d'alerte" in main_text(page)

    listed = esbsl.get(LIST)
    shown = main_text(listed)
    assert listed["statusCode"] == 200
    assert "Profils d'alerte de Les Ateliers Mon Choix" in shown and "Couture et confection" in shown
    assert f"{ROOT}/modifier?entreprise={MON_CHOIX}&amp;profil={COUTURE}" in listed["body"]
    english = main_text(esbsl.get(f"{LIST}&lang=en"))
    assert "Alert profiles of Les Ateliers Mon Choix" in english


def test_an_organizer_previews_creates_edits_pauses_and_deletes_a_profile_and_the_journal_says_so(
    web: SpaceWeb, esbsl: Visitor
) -> None:
    fields = {"profil": "", "version": "", "profile_name": "Rideaux", "keywords": "rideaux", "regions": ["01"]}

    preview = esbsl.post(FORM, {**fields, "action": "apercu"})
    assert preview["statusCode"] == 200 and "Confection de rideaux" in main_text(preview)
    wrong = esbsl.post(FORM, {**fields, "unspsc": "7611x", "action": "enregistrer"})
    assert wrong["statusCode"] == 422 and "code UNSPSC invalide « 7611x »" in main_text(wrong)
    assert "rideaux" not in stored(web)

    saved = esbsl.post(FORM, {**fields, "action": "enregistrer"})
    assert location(saved) == f"{ROOT}?lang=fr&entreprise={MON_CHOIX}&enregistre=rideaux"
    assert "Profil « Rideaux » enregistré." in main_text(esbsl.get(location(saved)))
    edited = {**fields, "profil": "rideaux", "version": version(web, "rideaux"), "keywords": "rideaux\nstores"}
    assert esbsl.post(FORM, {**edited, "action": "enregistrer"})["statusCode"] == 303
    paused = {"profil": "rideaux", "version": version(web, "rideaux"), "actif": "0"}
    assert location(esbsl.post(f"{ROOT}/pause{ONE}", paused)).endswith("&enregistre=rideaux")
    profile, _ = stored(web)["rideaux"]
    assert profile.keywords == ("rideaux", "stores") and not profile.active  # type: ignore[attr-defined]
    gone = esbsl.post(f"{ROOT}/supprimer{ONE}", {"profil": "rideaux", "version": version(web, "rideaux")})
    assert gone["statusCode"] == 303 and "rideaux" not in stored(web)

    now = datetime.now(UTC)
    records = [r for r in web.audit.between(now - timedelta(minutes=5), now) if r.item.id == f"{MON_CHOIX}/rideaux"]
    assert sorted(r.action for r in records) == ["profile.create", "profile.delete", "profile.pause", "profile.update"]
    assert {(r.actor_role, r.actor_id) for r in records} == {("organizer", "esbsl")}


def test_the_enterprises_own_person_sees_the_profile_an_organizer_saved(
    esbsl: Visitor, people: dict[str, Visitor]
) -> None:
    fields = {"profil": "", "profile_name": "Uniformes", "keywords": "uniformes", "action": "enregistrer"}
    assert esbsl.post(FORM, fields)["statusCode"] == 303
    own = people["enterprise"].get("/entreprise/profils")
    assert own["statusCode"] == 200 and "Uniformes" in main_text(own) and "Vos profils d'alerte" in main_text(own)


def posts(web: SpaceWeb) -> list[tuple[str, dict[str, str | list[str]]]]:
    v = version(web, COUTURE)
    mine = {"profil": COUTURE, "version": v, "profile_name": "Changé", "keywords": "changé"}
    return [
        (FORM, {**mine, "action": "enregistrer"}),
        (FORM, {"profil": "", "profile_name": "Intrus", "keywords": "intrus", "action": "enregistrer"}),
        (FORM, {**mine, "action": "apercu"}),
        (f"{ROOT}/pause{ONE}", {"profil": COUTURE, "version": v, "actif": "0"}),
        (f"{ROOT}/supprimer{ONE}", {"profil": COUTURE, "version": v}),
    ]


@pytest.mark.parametrize("path", GETS)
def test_every_page_refuses_everyone_else(web: SpaceWeb, people: dict[str, Visitor], path: str) -> None:
    assert people["cesim"].get(path)["statusCode"] == 404  # another region's enterprise is never found
    for who in ("enterprise", "fjord", "signatory"):
        assert people[who].get(path)["statusCode"] == 403, who
    nobody = web.get(path)
    assert nobody["statusCode"] == 303 and location(nobody).startswith("/connexion?lang=fr&suite=")


def test_every_post_refuses_everyone_else_and_a_forged_form_and_changes_nothing(
    web: SpaceWeb, people: dict[str, Visitor]
) -> None:
    before, journal = stored(web), web.audit_actions()
    esbsl = people["esbsl"]
    for path, fields in posts(web):
        assert people["cesim"].post(path, fields)["statusCode"] == 404, path
        for who in ("enterprise", "fjord", "signatory"):
            assert people[who].post(path, fields)["statusCode"] == 403, (who, path)
        assert esbsl.post(path, fields, token="")["statusCode"] == 403, path
        assert esbsl.post(path, fields, token=people["cesim"].form_token)["statusCode"] == 403, path
        assert web.post(path, fields)["statusCode"] in (303, 403), path
    assert stored(web) == before and web.audit_actions() == journal


def test_an_enterprise_not_named_or_unknown_or_hostile_is_never_found(web: SpaceWeb, esbsl: Visitor) -> None:
    before = stored(web)
    for enterprise in ("", "inconnue", "x" * 101, "<script>alert(1)</script>"):
        for path in (f"{ROOT}?entreprise={quote(enterprise)}", f"{ROOT}/nouveau?entreprise={quote(enterprise)}"):
            answer = esbsl.get(path)
            assert answer["statusCode"] == 404 and "<script>alert" not in answer["body"], path
        answer = esbsl.post(
            f"{ROOT}/formulaire?entreprise={quote(enterprise)}", {"keywords": "x", "action": "enregistrer"}
        )
        assert answer["statusCode"] == 404
    assert stored(web) == before
