"""Colleagues on moto, through the web function: a manager asks for a colleague, who is e-mailed and subscribed
only by their link's button; anyone's frequency, language and role changed, anyone removed, the last manager
kept; another enterprise's session, another role, nobody, no anti-forgery token: refused, nothing changed;
hostile values never give a 5xx nor come back unescaped."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from hypothesis import given

from esja.people.roles import Role
from local import feedback_case
from local.outbox import sent_emails
from local.world import COACH, COLLEAGUE, ENTERPRISE, KEYS, ORGANIZER
from tests.integration.test_space_routes import FUZZ, HOSTILE, assert_escaped
from tests.space_web import SpaceWeb, location, main_text

MON_CHOIX = feedback_case.ENTERPRISE_ID
LIST = "/entreprise/collegues"


def people_of(web: SpaceWeb, enterprise_id: str = MON_CHOIX) -> dict[str, Any]:
    enterprise = web.enterprises.enterprise(enterprise_id)
    assert enterprise is not None
    return {s.email: s for s in enterprise.subscribers}


def version_of(page: dict[str, Any]) -> str:
    found = re.search(r'name="version" value="([^"]+)"', page["body"])
    assert found
    return found[1]


def confirmation_link(email: str) -> str:
    sent = [e for e in sent_emails() if e.to and e.to[0] == email]
    assert sent, f"no e-mail to {email}"
    found = re.search(r"https?://[^/\s]+(/collegue/confirmation\?\S+)", sent[-1].part("text/plain"))
    assert found
    return found[1]


def test_a_manager_sees_who_receives_the_alerts_and_who_manages(web: SpaceWeb) -> None:
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, MON_CHOIX)

    page = main_text(julie.get(LIST))

    assert ENTERPRISE.email in page and COLLEAGUE in page and "gère l'espace" in page


def test_a_colleague_asked_for_confirms_by_the_links_button_only(web: SpaceWeb) -> None:
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, MON_CHOIX)
    fields = {"name": "Anne Gagnon", "email": "anne.gagnon@example.org", "language": "en", "frequency": "weekly"}

    asked = julie.post(f"{LIST}/ajouter", fields)

    assert asked["statusCode"] == 303 and location(asked) == f"{LIST}?fait=invite&lang=fr"
    link = confirmation_link("anne.gagnon@example.org")
    shown = web.get(link)
    assert shown["statusCode"] == 200 and "Les Ateliers Mon Choix" in main_text(shown)
    assert "anne.gagnon@example.org" not in people_of(web)
    token = re.search(r'name="jeton" value="([^"]+)"', shown["body"])
    assert token
    confirmed = web.post("/collegue/confirmation?lang=en", {"jeton": token[1]})
    assert confirmed["statusCode"] == 200 and "Confirmed: you will receive the alerts" in main_text(confirmed)
    anne = people_of(web)["anne.gagnon@example.org"]
    assert (anne.language, anne.frequency, anne.consent.wording_version) == ("en", "weekly", "collegue-2026-12")
    assert {"colleague.invite", "colleague.confirm"} <= set(web.audit_actions())


def test_the_form_says_whats_wrong_beside_each_field_and_sends_nothing(web: SpaceWeb) -> None:
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, MON_CHOIX)
    before = len(sent_emails())

    refused = julie.post(f"{LIST}/ajouter", {"name": "", "email": "pas@", "language": "fr", "frequency": "daily"})
    taken = julie.post(f"{LIST}/ajouter", {"name": "Marc", "email": COLLEAGUE, "language": "fr", "frequency": "daily"})

    assert refused["statusCode"] == taken["statusCode"] == 422
    assert 'id="name-error"' in refused["body"] and 'id="email-error"' in refused["body"]
    assert "Cette adresse reçoit déjà les alertes" in main_text(taken)
    assert len(sent_emails()) == before


def test_anyones_frequency_and_language_change_and_the_last_manager_stays(web: SpaceWeb) -> None:
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, MON_CHOIX)
    marc = {"personne": KEYS(COLLEAGUE), "language": "en", "frequency": "weekly", "manages": "1"}

    changed = julie.post(f"{LIST}/modifier", marc | {"version": version_of(julie.get(LIST))})

    assert changed["statusCode"] == 303
    assert (people_of(web)[COLLEAGUE].language, people_of(web)[COLLEAGUE].frequency) == ("en", "weekly")
    stale = version_of(julie.get(LIST))
    julie.post(f"{LIST}/modifier", marc | {"language": "fr", "version": stale})
    again = julie.post(f"{LIST}/modifier", marc | {"frequency": "daily", "version": stale})
    assert again["statusCode"] == 409 and people_of(web)[COLLEAGUE].frequency == "weekly"
    for email in [e for e, s in people_of(web).items() if s.manages_space and e != ENTERPRISE.email]:
        unmarked = {"personne": KEYS(email), "language": "fr", "frequency": "daily"}
        julie.post(f"{LIST}/modifier", unmarked | {"version": version_of(julie.get(LIST))})
    last = {"personne": KEYS(ENTERPRISE.email), "language": "fr", "frequency": "daily"}
    refused = julie.post(f"{LIST}/modifier", last | {"version": version_of(julie.get(LIST))})
    assert refused["statusCode"] == 409 and "Au moins une personne doit gérer" in main_text(refused)
    assert people_of(web)[ENTERPRISE.email].manages_space


def test_another_enterprise_another_role_nobody_and_no_token_change_nothing(web: SpaceWeb) -> None:
    park = web.session_for(COACH.email, Role.ENTERPRISE, "parc-kiskotuk")
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, MON_CHOIX)
    before = people_of(web)
    version = version_of(julie.get(LIST))
    remove = {"personne": KEYS(COLLEAGUE), "version": version}

    assert COLLEAGUE not in main_text(park.get(LIST))
    assert park.post(f"{LIST}/retirer", remove)["statusCode"] == 404
    organizer = web.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim")
    assert organizer.get(LIST)["statusCode"] == 403
    assert organizer.post(f"{LIST}/retirer", remove)["statusCode"] == 403
    assert julie.post(f"{LIST}/retirer", remove, token="")["statusCode"] == 403
    assert julie.post(f"{LIST}/retirer", remove, token=park.form_token)["statusCode"] == 403
    nobody = web.post(f"{LIST}/retirer", remove)
    assert nobody["statusCode"] in (303, 403) and people_of(web) == before
    assert location(web.get(LIST)).startswith("/connexion?lang=fr&suite=")


def test_a_person_removed_receives_nothing_more(web: SpaceWeb) -> None:
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, MON_CHOIX)
    victim = next(e for e, s in people_of(web).items() if not s.manages_space and e != ENTERPRISE.email)

    removed = julie.post(f"{LIST}/retirer", {"personne": KEYS(victim), "version": version_of(julie.get(LIST))})

    assert removed["statusCode"] == 303 and victim not in people_of(web)
    assert "colleague.remove" in web.audit_actions()


@FUZZ
@given(name=HOSTILE, email=HOSTILE, choice=HOSTILE, token=HOSTILE)
def test_hostile_values_never_give_a_5xx_nor_come_back_unescaped(
    web: SpaceWeb, name: str, email: str, choice: str, token: str
) -> None:
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, MON_CHOIX)
    answers = [
        julie.post(f"{LIST}/ajouter", {"name": name, "email": email, "language": choice, "frequency": choice}),
        julie.post(f"{LIST}/modifier", {"personne": choice, "version": token, "language": choice, "frequency": choice}),
        julie.post(f"{LIST}/retirer", {"personne": name, "version": token}),
        web.get(f"/collegue/confirmation?jeton={quote(token)}"),
        web.post("/collegue/confirmation", {"jeton": token}),
    ]

    for answered in answers:
        assert answered["statusCode"] < 500
        assert_escaped(answered, name, email, choice, token)
