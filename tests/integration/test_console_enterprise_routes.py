"""The console's enterprises on moto, through the web function's real handler: an organizer lists, adds, edits,
imports (a dry run, then the import), exports and removes the enterprises of their regions; every route refuses
another region's organizer (404 for its enterprises), an enterprise's person, a signatory, nobody, a missing or
foreign anti-forgery token, and changes nothing; a file that is not CSV, too big or in the wrong encoding is a
clear 4xx; hostile values never a 5xx."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esja.feedback.model import Vote
from esja.matching.profiles_csv import write_profiles_csv
from esja.model import Enterprise, Status, Tender, Text
from esja.store.feedback import FeedbackStore
from local.world import ENTERPRISE
from tests.space_web import SpaceWeb, Visitor, location, main_text

LIST = "/organisation/entreprises"
MON_CHOIX = "ateliers-mon-choix"  # the demo's, region 01 (ESBSL's)
ONE = f"{LIST}/fiche?entreprise={MON_CHOIX}"
REMOVAL = f"{LIST}/retrait?entreprise={MON_CHOIX}"
GETS = [LIST, f"{LIST}/nouvelle", ONE, REMOVAL, f"{LIST}/import"]
POSTS = [f"{LIST}/nouvelle", ONE, REMOVAL, f"{LIST}/import", f"{LIST}/import/confirmation", f"{LIST}/export"]


@pytest.fixture(scope="module")
def esbsl(people: dict[str, Visitor]) -> Visitor:
    """The Bas-Saint-Laurent's organizer (region 01)."""
    return people["esbsl"]


@pytest.fixture(scope="module")
def others(people: dict[str, Visitor]) -> dict[str, Visitor]:
    """CÉSIM's organizer (Montréal), Les Ateliers Mon Choix's manager, the verified signatory."""
    return {who: people[who] for who in ("cesim", "enterprise", "signatory")}


def stored(web: SpaceWeb) -> tuple[list[Enterprise], object]:
    return web.enterprises.load()


def exported(web: SpaceWeb, visitor: Visitor) -> str:
    answer = visitor.post(f"{LIST}/export")
    assert answer["statusCode"] == 200
    return str(answer["body"])


def held_id(answer: dict[str, Any]) -> str:
    found = re.search(r'name="televersement" value="([^"]+)"', answer["body"])
    assert found, main_text(answer)[:2000]
    return found[1]


def test_an_organizer_lists_their_regions_enterprises_with_profiles_and_subscribers(
    esbsl: Visitor, others: dict[str, Visitor]
) -> None:
    mine, theirs = main_text(esbsl.get(LIST)), main_text(others["cesim"].get(LIST))

    assert "Les Ateliers Mon Choix" in mine and ENTERPRISE.email in mine
    assert "Emballage et assemblage à forfait" in mine  # one of its profiles
    assert "Coopérative de propreté Solidaire Montréal" not in mine  # Montréal's
    assert "Coopérative de propreté Solidaire Montréal" in theirs and "Les Ateliers Mon Choix" not in theirs
    assert "Espace collaboratif ouvert ECO (LLio)" in theirs  # it serves all of Québec
    english = main_text(esbsl.get(f"{LIST}?lang=en"))
    assert "Import a spreadsheet" in english and "Bas-Saint-Laurent" in english


@pytest.mark.parametrize("path", GETS)
def test_every_page_refuses_everyone_else(web: SpaceWeb, others: dict[str, Visitor], path: str) -> None:
    answers = {who: visitor.get(path) for who, visitor in others.items()}
    nobody = web.get(path)

    expected = 404 if "entreprise=" in path else 200  # another region's enterprise is never found
    assert answers["cesim"]["statusCode"] == expected
    assert answers["enterprise"]["statusCode"] == answers["signatory"]["statusCode"] == 403
    assert "ne donne pas accès" in main_text(answers["enterprise"])
    assert nobody["statusCode"] == 303 and location(nobody).startswith("/connexion?lang=fr&suite=")


@pytest.mark.parametrize("path", POSTS)
def test_every_post_refuses_everyone_else_and_a_forged_form_and_changes_nothing(
    web: SpaceWeb, esbsl: Visitor, others: dict[str, Visitor], path: str
) -> None:
    before, journal = stored(web), web.audit_actions()
    fields = {"enterprise_id": "intrus", "enterprise_name": "Intrus", "regions_served": "01", "televersement": "x"}

    answers = [visitor.post(path, fields) for visitor in others.values()]
    missing, foreign = esbsl.post(path, fields, token=""), esbsl.post(path, fields, token=others["cesim"].form_token)
    nobody = web.post(path, fields)
    upload = esbsl.upload(path, {"fichier": ("e.csv", b"enterprise_id\n")}, token="")

    expected = [404 if "entreprise=" in path else 403, 403, 403]
    if path.endswith("/export"):
        expected[0] = 200  # CÉSIM exports its own enterprises (audited below)
    if path.endswith(("/nouvelle", "/import", "/confirmation")):
        expected[0] = {"/nouvelle": 422, "/import": 422, "/confirmation": 410}[path[path.rindex("/") :]]
    assert [a["statusCode"] for a in answers] == expected, path
    assert missing["statusCode"] == foreign["statusCode"] == upload["statusCode"] == 403
    assert "rien n'a été fait" in main_text(missing)
    assert nobody["statusCode"] in (303, 403)
    assert stored(web) == before
    assert web.audit_actions()[len(journal) :] == (["enterprises.export"] if path.endswith("/export") else [])


def test_an_organizer_adds_an_enterprise_then_edits_it_beside_each_error(web: SpaceWeb, esbsl: Visitor) -> None:
    person = {
        "abonne-1-subscriber_email": "nina@verger.example.org",
        "abonne-1-subscriber_name": "Nina Roy",
        "abonne-1-consent_at": "2026-11-02",
        "abonne-1-consent_how": "formulaire web",
        "abonne-1-consent_wording": "consentement-2026-01",
    }
    wrong = {"enterprise_id": "verger-du-fleuve", "enterprise_name": "", "neq": "12", "regions_served": "06", **person}

    refused = esbsl.post(f"{LIST}/nouvelle", wrong)
    outside = esbsl.post(f"{LIST}/nouvelle", {**wrong, "enterprise_name": "Verger du fleuve", "neq": ""})
    assert refused["statusCode"] == outside["statusCode"] == 422
    assert web.enterprises.enterprise("verger-du-fleuve") is None
    added = esbsl.post(
        f"{LIST}/nouvelle", {**wrong, "enterprise_name": "Verger du fleuve", "neq": "", "regions_served": "01"}
    )
    shown = esbsl.get(location(added))

    errors = main_text(refused)
    assert "2 erreurs : rien n'a été enregistré" in errors and "NEQ : NEQ invalide « 12 » (10 chiffres)" in errors
    assert "choisissez au moins une de vos régions" in main_text(outside)
    assert 'aria-invalid="true"' in refused["body"] and 'id="neq-error"' in refused["body"]
    assert added["statusCode"] == 303 and "L'entreprise est ajoutée." in main_text(shown)
    enterprise = web.enterprises.enterprise("verger-du-fleuve")
    assert enterprise is not None and enterprise.managers[0].email == "nina@verger.example.org"

    version = re.search(r'name="version" value="([^"]+)"', shown["body"])
    assert version
    edit = {**person, "enterprise_name": "Verger du Fleuve", "regions_served": "01", "version": version[1]}
    edit |= {"abonne-1-manages_space": "oui"}
    saved = esbsl.post(f"{LIST}/fiche?entreprise=verger-du-fleuve", edit)
    stale = esbsl.post(f"{LIST}/fiche?entreprise=verger-du-fleuve", {**edit, "enterprise_name": "Autre"})

    assert saved["statusCode"] == 303 and web.enterprises.enterprise("verger-du-fleuve").name == "Verger du Fleuve"  # type: ignore[union-attr]
    assert stale["statusCode"] == 409 and "Quelqu'un a modifié l'entreprise" in main_text(stale)
    assert web.audit_actions()[-2:] == ["enterprise.create", "enterprise.update"]


def test_an_enterprise_registered_under_the_same_neq_is_named_beside_the_field_and_nothing_is_saved(
    web: SpaceWeb, esbsl: Visitor
) -> None:
    journal = web.audit_actions()
    fields = {"enterprise_id": "choix-bis", "enterprise_name": "Mon Choix bis", "regions_served": "01"}
    fields |= {"neq": "1140 000 017"}  # Les Ateliers Mon Choix's

    french = esbsl.post(f"{LIST}/nouvelle?lang=fr", fields)
    english = esbsl.post(f"{LIST}/nouvelle?lang=en", fields)

    assert french["statusCode"] == english["statusCode"] == 422
    error = re.search(r'<p class="error" id="neq-error">([^<]+)</p>', french["body"])
    assert error and html.unescape(error[1]) == (
        "ce NEQ est déjà celui d'une entreprise inscrite\u00a0: Les Ateliers Mon Choix (ateliers-mon-choix)"
    )
    assert 'aria-describedby="neq-hint neq-error" aria-invalid="true"' in french["body"]  # tied to its field
    assert "this NEQ is already registered, for Les Ateliers Mon Choix (ateliers-mon-choix)" in main_text(english)
    assert web.enterprises.enterprise("choix-bis") is None and web.audit_actions() == journal


def test_an_upload_is_a_dry_run_first_then_the_import_and_the_journal_says_so(web: SpaceWeb, esbsl: Visitor) -> None:
    enterprises, profiles = web.enterprises.load()
    mon_choix = next(e for e in enterprises if e.id == MON_CHOIX)
    own = [p for p in profiles if p.enterprise_id == MON_CHOIX]
    renamed = write_profiles_csv([replace(mon_choix, name="Ateliers Mon Choix")], own)
    before = stored(web)

    dry = esbsl.upload(f"{LIST}/import", {"fichier": ("entreprises.csv", renamed.encode())})

    assert dry["statusCode"] == 200 and stored(web) == before
    text = main_text(dry)
    assert "Essai seulement : rien n'a été changé." in text and "Ateliers Mon Choix" in text
    done = esbsl.post(f"{LIST}/import/confirmation", {"televersement": held_id(dry)})
    again = esbsl.post(f"{LIST}/import/confirmation", {"televersement": held_id(dry)})

    assert done["statusCode"] == 200 and "Import fait" in main_text(done)
    assert web.enterprises.enterprise(MON_CHOIX).name == "Ateliers Mon Choix"  # type: ignore[union-attr]
    assert again["statusCode"] == 410 and "rien n'a été importé" in main_text(again)
    assert web.audit_actions()[-1] == "enterprise.import"


@pytest.mark.parametrize(
    ("data", "status", "said"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, 422, "ce fichier est un classeur (Excel, LibreOffice)"),
        ("enterprise_id,enterprise_name\nété,Café\n".encode("cp1252"), 422, "ce fichier n'est pas en UTF-8"),
        ("enterprise_id\nété\n".encode("utf-16"), 422, "ce fichier est en UTF-16"),
        (b"enterprise_id,enterprise_name\n" + b"a,b\n" * 300_000, 413, "Ce fichier est trop gros"),
        (b"enterprise_id,enterprise_name,neq\nautre,Autre,12\n", 422, "ligne 2, colonne neq"),
    ],
)
def test_a_file_that_is_not_csv_too_big_or_wrong_is_a_clear_4xx_and_changes_nothing(
    web: SpaceWeb, esbsl: Visitor, data: bytes, status: int, said: str
) -> None:
    before, journal = stored(web), web.audit_actions()

    answer = esbsl.upload(f"{LIST}/import", {"fichier": ("entreprises.csv", data)})

    assert answer["statusCode"] == status and said in main_text(answer)
    assert 'name="televersement"' not in answer["body"]
    assert stored(web) == before and web.audit_actions() == journal


def test_the_export_is_the_organizers_enterprises_as_the_spreadsheet_and_is_audited(
    web: SpaceWeb, esbsl: Visitor
) -> None:
    answer = esbsl.post(f"{LIST}/export")

    assert answer["statusCode"] == 200 and answer["headers"]["Content-Type"].startswith("text/csv")
    assert "attachment" in answer["headers"]["Content-Disposition"]
    rows = str(answer["body"]).removeprefix("\ufeff").splitlines()
    assert rows[0].startswith("enterprise_id,enterprise_name,") and rows[0].endswith(",manages_space")
    ids = {row.split(",")[0] for row in rows[1:]}
    assert MON_CHOIX in ids and "coop-proprete-montreal" not in ids
    assert web.audit_actions()[-1] == "enterprises.export"


def test_an_organizer_removes_an_enterprise_after_seeing_what_goes_and_what_stays(
    web: SpaceWeb, esbsl: Visitor
) -> None:
    votes = FeedbackStore(web.aws.resources.names["MatchesTable"], web.aws.client("dynamodb"))
    judged = Tender("seao", "verger-1", "1", Text("Fruits"), Status.OPEN)
    votes.record_vote(Vote("verger-patrimonial", judged.key, "sid", ("p",), True, datetime.now(UTC), judged))
    plan = esbsl.get(f"{LIST}/retrait?entreprise=verger-patrimonial")

    assert plan["statusCode"] == 200 and web.enterprises.enterprise("verger-patrimonial") is not None
    text = main_text(plan)
    assert "Ce qui reste, et pourquoi" in text and "La preuve du consentement" in text
    assert "les réponses « Pertinent » / « Pas pertinent » de ses personnes" in text
    removed = esbsl.post(f"{LIST}/retrait?entreprise=verger-patrimonial")

    assert removed["statusCode"] == 200 and "« Verger patrimonial » est retirée" in main_text(removed)
    assert "Réponses « Pertinent » / « Pas pertinent » effacées : 1." in main_text(removed)
    assert web.enterprises.enterprise("verger-patrimonial") is None and votes.votes_of("verger-patrimonial") == []
    assert web.audit_actions()[-1] == "enterprise.remove"
    assert esbsl.get(f"{LIST}/retrait?entreprise=verger-patrimonial")["statusCode"] == 404


# --- Hostile values: never a 5xx, never unescaped ---------------------------------------------------------

MARKUP = ("<script>alert(1)</script>", "'\"><img src=x onerror=alert(1)>")
HOSTILE = st.one_of(st.text(max_size=200), st.sampled_from([*MARKUP, "\x00", "é" * 300, "=1+1", ";", "QC"]))
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_inert(answer: dict[str, Any], *sent: str) -> None:
    assert answer["statusCode"] < 500
    body = str(answer.get("body") or "")
    assert not [probe for probe in MARKUP if any(probe in value for value in sent) and probe in body]


@FUZZ
@given(name=HOSTILE, neq=HOSTILE, region=HOSTILE, email=HOSTILE, language=HOSTILE, consent=HOSTILE)
def test_the_enterprise_forms_take_anything_without_a_5xx(
    web: SpaceWeb, esbsl: Visitor, name: str, neq: str, region: str, email: str, language: str, consent: str
) -> None:
    fields = {
        "enterprise_id": name[:60],
        "enterprise_name": name,
        "neq": neq,
        "legal_form": language,
        "regions_served": [region, "01"],
        "abonne-1-subscriber_email": email,
        "abonne-1-subscriber_language": language,
        "abonne-1-consent_at": consent,
        "abonne-2-retirer": consent,
        "version": neq,
    }
    for answer in (
        esbsl.post(f"{LIST}/nouvelle", fields),
        esbsl.post(f"{LIST}/fiche?entreprise=parc-kiskotuk", fields),
        esbsl.get(f"{LIST}/fiche?entreprise={name[:60]}".replace("#", "%23").replace("&", "%26")),
    ):
        assert_inert(answer, name, neq, region, email, language, consent)


@FUZZ
@given(cells=st.lists(HOSTILE, min_size=1, max_size=8), raw=st.binary(max_size=400), held=HOSTILE)
def test_the_upload_takes_any_file_without_a_5xx(
    web: SpaceWeb, esbsl: Visitor, cells: list[str], raw: bytes, held: str
) -> None:
    text = "enterprise_id,enterprise_name,regions_served,subscriber_email\n" + ",".join(cells) + "\n"
    for answer in (
        esbsl.upload(f"{LIST}/import", {"fichier": ("e.csv", text.encode("utf-8", "surrogatepass"))}),
        esbsl.upload(f"{LIST}/import", {"fichier": ("e.csv", raw)}, {"elaguer": held}),
        esbsl.post(f"{LIST}/import/confirmation", {"televersement": held}),
    ):
        assert_inert(answer, *cells, held)
