"""Sign-in on moto, through the web function's real handler: the same answer for anyone, a link that works
once for 15 minutes, sessions that end, the way back where one was going — and bad links, old sessions and
forged forms answered with a clear page, a 4xx, and nothing changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from esja.bootstrap import build_web_app
from esja.config import Settings
from esja.people.roles import Role
from local.outbox import sent_emails
from local.runtime import LocalAws, environment
from local.world import COACH, ENTERPRISE, KEYS, ORGANIZER, SIGNATORY
from tests.pledge_builders import WEB, form_post
from tests.space_web import SpaceWeb, location, main_text


@pytest.fixture
def web(aws: LocalAws) -> SpaceWeb:
    return SpaceWeb(aws)


def set_item(web: SpaceWeb, item_id: str, **values: dict[str, str]) -> None:
    """Change a Sessions item behind the application's back (time passing, which moto cannot)."""
    names = {f"#{n}": n for n in values}
    web.aws.client("dynamodb").update_item(
        TableName=web.aws.resources.names["SessionsTable"],
        Key={"id": {"S": item_id}},
        UpdateExpression="SET " + ", ".join(f"#{n} = :{n}" for n in values),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues={f":{n}": v for n, v in values.items()},
    )


# --- Asking for a link ------------------------------------------------------------------------------------


def test_a_known_and_an_unknown_address_get_the_same_answer(web: SpaceWeb) -> None:
    before = len(sent_emails())
    known, unknown = web.ask(ORGANIZER.email), web.ask("personne@example.org")

    assert (
        (known["statusCode"], location(known))
        == (unknown["statusCode"], location(unknown))
        == (303, "/connexion/envoye?lang=fr")
    )
    assert [e.to[0] for e in sent_emails()[before:]] == [ORGANIZER.email]
    page = web.get(location(known))
    assert page["statusCode"] == 200 and "Si cette adresse donne accès à un espace" in main_text(page)


def test_the_sign_in_email_speaks_the_language_chosen_and_says_what_to_do(web: SpaceWeb) -> None:
    web.ask(ENTERPRISE.email, lang="en")

    [email] = [e for e in sent_emails() if e.to[0] == ENTERPRISE.email]
    text = email.part("text/plain")
    assert email.message["Content-Language"] == "en" and "Your sign-in link" in email.subject
    assert "valid for 15 minutes" in text and "did not ask for this link" in text
    assert "List-Unsubscribe" not in email.message  # transactional: the person asked for it


def test_the_sign_in_email_goes_through_the_transactional_configuration_set(aws: LocalAws, web: SpaceWeb) -> None:
    ses, sent_through = aws.client("sesv2"), []
    ses.meta.events.register(
        "provide-client-params.sesv2.SendEmail", lambda params, **_: sent_through.append(params["ConfigurationSetName"])
    )
    with environment(aws.environment(WEB, **web.env)):
        app = build_web_app(Settings.from_env(), dynamodb=aws.client("dynamodb"), sesv2=ses)

    answer = app.resolve(form_post({"email": SIGNATORY.email, "language": "fr"}, "/connexion"), {})  # type: ignore[arg-type]

    assert answer["statusCode"] == 303
    assert sent_through == [aws.resources.resolver(aws.template).resolve({"Ref": "TransactionalConfigurationSet"})]


def test_not_an_address_shows_the_form_again_with_its_error(web: SpaceWeb) -> None:
    answer = web.ask("pas-une-adresse")

    assert answer["statusCode"] == 422
    assert 'aria-invalid="true"' in answer["body"] and "Entrez une adresse courriel valide" in main_text(answer)


def test_a_network_asking_too_often_is_told_to_wait(web: SpaceWeb) -> None:
    answers = [web.ask(f"n{n}@example.org", source_ip="203.0.113.7")["statusCode"] for n in range(31)]

    assert answers[:30] == [303] * 30 and answers[30] == 429


# --- The link -------------------------------------------------------------------------------------------


def test_the_link_opens_a_page_and_only_its_button_opens_the_session(web: SpaceWeb) -> None:
    web.ask(ORGANIZER.email)
    link = web.latest_link(ORGANIZER.email)

    shown = web.get(link)
    assert shown["statusCode"] == 200 and not shown.get("cookies", [""])[0].startswith("esja_session")
    opened = web.open_link(link)

    assert opened["statusCode"] == 303 and location(opened) == "/organisation/"
    [cookie] = [c for c in opened["cookies"] if c.startswith("esja_session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert web.visitor(opened).get("/organisation/")["statusCode"] == 200


def test_a_spent_link_opens_nothing_more(web: SpaceWeb) -> None:
    web.ask(ORGANIZER.email)
    link = web.latest_link(ORGANIZER.email)
    web.open_link(link)

    again = web.get(link)

    assert again["statusCode"] == 400 and "n'est plus valable" in main_text(again)


def test_a_replayed_token_opens_nothing(web: SpaceWeb) -> None:
    web.ask(ORGANIZER.email)
    token = web.latest_link(ORGANIZER.email).split("jeton=")[1].split("&")[0]
    first = web.post("/connexion/lien?lang=fr", {"jeton": token})

    replayed = web.post("/connexion/lien?lang=fr", {"jeton": token})

    assert first["statusCode"] == 303 and replayed["statusCode"] == 400 and not replayed.get("cookies", [])[1:]


def test_asking_again_kills_the_previous_link(web: SpaceWeb) -> None:
    web.ask(ORGANIZER.email)
    first = web.latest_link(ORGANIZER.email)
    web.ask(ORGANIZER.email)

    assert web.get(first)["statusCode"] == 400
    assert web.open_link(web.latest_link(ORGANIZER.email))["statusCode"] == 303


def test_a_link_older_than_15_minutes_is_refused(web: SpaceWeb) -> None:
    web.ask(ORGANIZER.email)
    link = web.latest_link(ORGANIZER.email)
    [item] = [
        i
        for i in web.aws.client("dynamodb").scan(TableName=web.aws.resources.names["SessionsTable"])["Items"]
        if i["id"]["S"].startswith("link#")
    ]
    past = int((datetime.now(UTC) - timedelta(seconds=1)).timestamp())
    set_item(web, item["id"]["S"], expires_at={"N": str(past)})

    token = link.split("jeton=")[1].split("&")[0]
    assert web.get(link)["statusCode"] == 400
    assert web.post("/connexion/lien?lang=fr", {"jeton": token})["statusCode"] == 400


@pytest.mark.parametrize("token", ["", "A" * 43, "x" * 42, "<script>alert(1)</script>", "A" * 5000])
def test_forged_links_get_a_clear_page_and_no_session(web: SpaceWeb, token: str) -> None:
    shown, pressed = web.get(f"/connexion/lien?jeton={token}"), web.post("/connexion/lien", {"jeton": token})

    assert shown["statusCode"] == pressed["statusCode"] == 400
    assert "<script>alert" not in shown["body"] and not [c for c in pressed.get("cookies", []) if "esja_session" in c]


# --- Sessions -------------------------------------------------------------------------------------------


def test_a_page_of_a_space_sends_to_sign_in_and_back_there_after(web: SpaceWeb) -> None:
    away = web.get("/organisation/journal?du=2026-11-01")
    assert (
        away["statusCode"] == 303
        and location(away) == "/connexion?lang=fr&suite=%2Forganisation%2Fjournal%3Fdu%3D2026-11-01"
    )
    form = web.get(location(away))
    assert 'name="suite" value="/organisation/journal?du=2026-11-01"' in form["body"]

    web.ask(ORGANIZER.email, next_path="/organisation/journal?du=2026-11-01")
    opened = web.open_link(web.latest_link(ORGANIZER.email))

    assert location(opened) == "/organisation/journal?du=2026-11-01"


@pytest.mark.parametrize(
    "hostile", ["https://evil.example.com/", "//evil.example.com", "/\\evil.example.com", "javascript:alert(1)"]
)
def test_a_hostile_suite_never_sends_anyone_off_the_site(web: SpaceWeb, hostile: str) -> None:
    web.ask(ORGANIZER.email, next_path=hostile)
    opened = web.open_link(web.latest_link(ORGANIZER.email))

    assert location(opened) == "/organisation/"
    assert "evil" not in web.get(f"/connexion?suite={hostile}")["body"]


def test_a_person_with_two_roles_chooses_and_lands_in_the_chosen_space(web: SpaceWeb) -> None:
    coach = web.sign_in(COACH.email)
    chooser = coach.get("/connexion/role")
    assert "Organisateur — Économie sociale Bas-Saint-Laurent" in main_text(chooser)
    assert "Entreprise — Parc Kiskotuk" in main_text(chooser)

    chosen = coach.post("/connexion/role", {"role": "enterprise:parc-kiskotuk"})

    assert location(chosen) == "/entreprise/" and "Parc Kiskotuk" in main_text(coach.get("/entreprise/"))
    # The console asks to choose again rather than refusing: the person holds that role too.
    assert location(coach.get("/organisation/")) == "/connexion/role?lang=fr&suite=%2Forganisation%2F"


def test_a_session_after_sign_out_opens_nothing(web: SpaceWeb) -> None:
    journal = web.audit_actions()  # the world's: the enterprises imported at the terminal
    julie = web.sign_in(ENTERPRISE.email)

    out = julie.post("/deconnexion")

    assert location(out) == "/connexion?etat=fermee&lang=fr" and any("Max-Age=0" in c for c in out["cookies"])
    assert location(julie.get("/entreprise/")) == "/connexion?lang=fr&suite=%2Fentreprise%2F"
    assert julie.post("/compte/sessions/fermer-les-autres")["statusCode"] == 303  # to sign in: nothing ended
    assert web.audit_actions()[len(journal) :] == ["session.open", "session.end"]


def test_a_session_idle_for_30_minutes_is_over(web: SpaceWeb) -> None:
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, "ateliers-mon-choix", age=timedelta(minutes=31))

    assert location(julie.get("/entreprise/")) == "/connexion?lang=fr&suite=%2Fentreprise%2F"


def test_a_session_8_hours_old_is_over_however_busy(web: SpaceWeb) -> None:
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, "ateliers-mon-choix", age=timedelta(hours=8, minutes=1))
    [session] = web.sessions.sessions_of(KEYS(ENTERPRISE.email))
    set_item(web, f"session#{session.key}", last_seen_at={"S": datetime.now(UTC).isoformat(timespec="seconds")})

    assert location(julie.get("/entreprise/")) == "/connexion?lang=fr&suite=%2Fentreprise%2F"


def test_ending_the_other_sessions_leaves_this_one(web: SpaceWeb) -> None:
    here = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, "ateliers-mon-choix")
    there = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, "ateliers-mon-choix")
    journal = web.audit_actions()
    listed = here.get("/compte/sessions")
    assert listed["statusCode"] == 200 and main_text(listed).count("<tr>") == 3  # the header and two sessions

    ended = here.post("/compte/sessions/fermer-les-autres")

    assert location(ended) == "/compte/sessions?fermees=1"
    assert here.get("/entreprise/")["statusCode"] == 200 and there.get("/entreprise/")["statusCode"] == 303
    assert web.audit_actions()[len(journal) :] == ["session.end-others"]


def test_a_removed_manager_loses_the_space_on_the_next_page(web: SpaceWeb) -> None:
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, "ateliers-mon-choix")
    assert julie.get("/entreprise/")["statusCode"] == 200
    mon_choix = web.enterprises.enterprise("ateliers-mon-choix")
    assert mon_choix is not None
    others = tuple(s for s in mon_choix.subscribers if s.email != ENTERPRISE.email)
    web.enterprises.save([replace(mon_choix, subscribers=others)], web.enterprises.profiles_of(mon_choix.id))

    assert julie.get("/entreprise/")["statusCode"] == 403


def test_the_cookie_of_a_deployed_site_is_host_only_and_secure(aws: LocalAws, web: SpaceWeb) -> None:
    env = {**web.env, "PUBLIC_BASE_URL": "https://esja.example.org"}
    with environment(aws.environment(WEB, **env)):
        app = build_web_app(Settings.from_env(), dynamodb=aws.client("dynamodb"), sesv2=aws.client("sesv2"))
    web.ask(ORGANIZER.email)
    token = web.latest_link(ORGANIZER.email).split("jeton=")[1].split("&")[0]
    event = form_post({"jeton": token}, "/connexion/lien")
    event["headers"]["origin"] = "https://esja.example.org"

    answer = app.resolve(event, {})  # type: ignore[arg-type]

    [cookie] = [c for c in answer["cookies"] if "esja_session" in c]
    assert cookie.startswith("__Host-esja_session=") and "; Secure" in cookie and "; HttpOnly" in cookie
