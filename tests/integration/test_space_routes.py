"""Every route of the spaces on moto, as another person, as nobody, and with a forged form: refused with a
clear page, never a 5xx, nothing changed; what is changed is written to the audit log (who, what, where)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esja.people.roles import Role
from local.world import COACH, ENTERPRISE, KEYS, ORGANIZER, SIGNATORY
from tests.space_web import SpaceWeb, Visitor, location, main_text

# Each space's pages, and who may see them.
SPACE_PAGES = {
    Role.ORGANIZER: ["/organisation/", "/organisation/journal", "/organisation/sessions"],
    Role.ENTERPRISE: ["/entreprise/"],
    Role.SIGNATORY: ["/signataire/", "/signataire/invitations", "/signataire/invitations/nouvelle"],
}
ACCOUNT_PAGES = ["/compte/sessions", "/connexion/role"]
SPACE_POSTS = ["/organisation/sessions", "/connexion/role", "/compte/sessions/fermer-les-autres", "/deconnexion"]


@pytest.fixture(scope="module")
def people(web: SpaceWeb) -> dict[Role, Visitor]:
    """One person per role, each in their own session; the signatory's pledge is the demo's verified one."""
    [pledge_id] = web.pledge_store.of_person(KEYS(SIGNATORY.email))
    return {
        Role.ORGANIZER: web.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim"),
        Role.ENTERPRISE: web.session_for(ENTERPRISE.email, Role.ENTERPRISE, "ateliers-mon-choix"),
        Role.SIGNATORY: web.session_for(SIGNATORY.email, Role.SIGNATORY, pledge_id),
    }


@pytest.mark.parametrize("role", list(SPACE_PAGES))
def test_each_space_shows_its_own_person_their_facts(people: dict[Role, Visitor], role: Role) -> None:
    for path in SPACE_PAGES[role]:
        assert people[role].get(path)["statusCode"] == 200, path
    home = main_text(people[role].get(SPACE_PAGES[role][0]))
    expected = {
        Role.ORGANIZER: "Aucun engagement à vérifier dans vos régions.",  # CÉSIM's Montréal pledge was rejected
        Role.ENTERPRISE: "Emballage et assemblage à forfait",  # one of its profiles
        Role.SIGNATORY: "Votre engagement : Cégep de Rimouski",
    }[role]
    assert expected in home


def test_the_enterprise_home_says_where_it_changes_each_thing_itself(people: dict[Role, Visitor]) -> None:
    home = main_text(people[Role.ENTERPRISE].get("/entreprise/"))
    for section in ("Profils d'alerte", "Collègues", "Répertoire", "Pertinence", "Contrats obtenus"):
        assert f"« {section} »" in home, section


@pytest.mark.parametrize("role", list(SPACE_PAGES))
def test_every_page_of_a_space_refuses_another_persons_session(people: dict[Role, Visitor], role: Role) -> None:
    for other, visitor in people.items():
        if other is not role:
            for path in SPACE_PAGES[role]:
                answer = visitor.get(path)
                assert answer["statusCode"] == 403, (other, path)
                assert "ne donne pas accès" in main_text(answer)


@pytest.mark.parametrize("path", [p for pages in SPACE_PAGES.values() for p in pages] + ACCOUNT_PAGES)
def test_every_page_without_a_session_sends_to_sign_in_and_back(web: SpaceWeb, path: str) -> None:
    answer = web.get(path)

    back = "" if path.startswith("/connexion") else f"&suite={path.replace('/', '%2F')}"  # not back to sign-in pages
    assert answer["statusCode"] == 303 and location(answer) == f"/connexion?lang=fr{back}"


@pytest.mark.parametrize("path", SPACE_POSTS)
def test_every_post_without_the_sessions_token_is_refused_and_changes_nothing(
    web: SpaceWeb, people: dict[Role, Visitor], path: str
) -> None:
    organizer, other = people[Role.ORGANIZER], people[Role.ENTERPRISE]
    before = web.audit_actions()
    fields = {"email": ENTERPRISE.email, "role": "organizer:cesim"}

    missing, foreign = organizer.post(path, fields, token=""), organizer.post(path, fields, token=other.form_token)

    assert missing["statusCode"] == foreign["statusCode"] == 403, path
    assert "rien n'a été fait" in main_text(missing)
    assert other.get("/entreprise/")["statusCode"] == 200 and organizer.get("/organisation/")["statusCode"] == 200
    assert web.audit_actions() == before


@pytest.mark.parametrize("path", ["/compte/sessions/fermer-les-autres", "/organisation/sessions"])
def test_a_post_of_an_ended_session_sends_to_sign_in_and_back_to_the_page_its_form_was_on(
    web: SpaceWeb, path: str
) -> None:
    ended = web.session_for(COACH.email, Role.ORGANIZER, "esbsl")
    assert ended.post("/deconnexion")["statusCode"] == 303
    form = {"email": ENTERPRISE.email, "jeton_formulaire": ended.form_token}
    cookie = {"cookie": f"esja_session={ended.session_id}"}
    page = f"{path.removesuffix('/fermer-les-autres')}?fermees=1&lang=fr"

    from_the_page = web.post(path, form, {**cookie, "referer": f"http://127.0.0.1{page}"})
    without_referer = web.post(path, form, cookie)

    back = page.removesuffix("&lang=fr").replace("/", "%2F").replace("?", "%3F").replace("=", "%3D")
    assert from_the_page["statusCode"] == 303 and location(from_the_page) == f"/connexion?lang=fr&suite={back}"
    assert location(without_referer) == "/connexion?lang=fr"  # then the space's home: never a page-less POST path


def test_a_post_from_another_site_is_refused_even_with_the_token(people: dict[Role, Visitor]) -> None:
    organizer = people[Role.ORGANIZER]
    cookie = {"cookie": f"esja_session={organizer.session_id}", "origin": "https://evil.example.com"}
    answer = organizer.web.post(
        "/organisation/sessions", {"email": ENTERPRISE.email, "jeton_formulaire": organizer.form_token}, cookie
    )

    assert answer["statusCode"] == 403


def test_an_organizer_ends_a_persons_sessions_and_the_journal_says_so(web: SpaceWeb) -> None:
    organizer = web.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim")
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, "ateliers-mon-choix")

    answer = organizer.post("/organisation/sessions", {"email": ENTERPRISE.email.upper()})

    assert answer["statusCode"] == 200 and "Sessions fermées : " in main_text(answer)
    assert julie.get("/entreprise/")["statusCode"] == 303
    journal = main_text(organizer.get("/organisation/journal?action=sessions.end-all"))
    assert "sessions.end-all" in journal and "cesim" in journal and "192.0.2.0/24" in journal
    assert ENTERPRISE.email not in journal  # who was concerned is a key, never an address
    [record] = [
        r
        for r in web.audit.between(datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(minutes=1))
        if r.action == "sessions.end-all"
    ][-1:]
    assert (record.actor_role, record.actor_id, record.address_key) == ("organizer", "cesim", KEYS(ORGANIZER.email))


def test_the_journal_of_a_regional_organizer_leaves_out_other_regions_people(web: SpaceWeb) -> None:
    coach = web.session_for(COACH.email, Role.ORGANIZER, "esbsl")
    web.sign_in(ENTERPRISE.email)  # a sign-in of someone else, in no region

    journal = main_text(coach.get("/organisation/journal?action=session.open"))

    assert "Rien entre ces dates" in journal


@pytest.mark.parametrize(
    ("first", "last"), [("2026-13-01", ""), ("2026-11-30", "2026-11-01"), ("x", "y"), ("2020-01-01", "2026-01-01")]
)
def test_bad_journal_dates_are_a_clear_400(people: dict[Role, Visitor], first: str, last: str) -> None:
    answer = people[Role.ORGANIZER].get(f"/organisation/journal?du={first}&au={last}")

    assert answer["statusCode"] == 400 and "Choisissez deux dates valides" in main_text(answer)


# --- Hostile values: never a 5xx, never unescaped ---------------------------------------------------------

MARKUP = ("<script>alert(1)</script>", "'\"><img src=x onerror=alert(1)>")
HOSTILE = st.one_of(st.text(max_size=300), st.sampled_from([*MARKUP, "\x00", "é" * 300, "%00", "a@b", "a@b.c" * 60]))
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_escaped(answer: dict[str, Any], *sent: str) -> None:
    """The markup probes sent never come back as markup."""
    body = answer.get("body") or ""
    assert not [probe for probe in MARKUP if probe in sent and probe in body]


@FUZZ
@given(email=HOSTILE, language=HOSTILE, suite=HOSTILE)
def test_the_sign_in_form_takes_anything_without_a_5xx(web: SpaceWeb, email: str, language: str, suite: str) -> None:
    answer = web.post("/connexion", {"email": email, "language": language, "suite": suite}, source_ip="198.51.100.1")

    assert answer["statusCode"] in (303, 400, 422, 429)
    assert_escaped(answer, email, language, suite)


@FUZZ
@given(email=HOSTILE, role=HOSTILE, first=HOSTILE, action=HOSTILE)
def test_the_consoles_forms_take_anything_without_a_5xx(
    people: dict[Role, Visitor], email: str, role: str, first: str, action: str
) -> None:
    organizer = people[Role.ORGANIZER]
    answers = [
        organizer.post("/organisation/sessions", {"email": email}),
        organizer.post("/connexion/role", {"role": role, "suite": first}),
        organizer.get(f"/organisation/journal?du={first[:40]}&action={action[:40]}".replace("#", "%23")),
        organizer.web.get(f"/connexion/lien?jeton={email[:60]}".replace("#", "%23")),
    ]

    for answer in answers:
        assert answer["statusCode"] < 500
        assert_escaped(answer, email, role, first, action)
