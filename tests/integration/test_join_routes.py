"""« Recevoir les alertes » on moto, through the web function's real handler: an enterprise asks to join through
the public form (bad input → 422 beside each field and nothing stored; too fast, a bot, another site, too many
from one network: refused as the pledge form refuses them; hostile values never a 5xx); ESBSL's organizer is
e-mailed, approves (the enterprise added through the console's use case, audited) and the contact signs in to
the enterprise's space; declines e-mail the reason. Every console route refuses another region's organizer, an
enterprise's person, a signatory, nobody, a missing or foreign anti-forgery token, and changes nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given

from esja.digest.organizers import Organizer
from esja.joining.model import JoinState
from esja.people.roles import Role
from esja.store.join_requests import JoinRequestStore
from esja.store.organizers import OrganizerStore
from local.outbox import sent_emails
from local.runtime import LocalAws
from local.world import COACH, JOINING
from tests.integration.test_console_enterprise_routes import FUZZ, HOSTILE, assert_inert
from tests.pledge_builders import aged_form_token
from tests.space_web import SpaceWeb, Visitor, location, main_text

FORM = "/alertes/inscription"
LIST = "/organisation/adhesions"
APPROVE, DECLINE = f"{LIST}/approuver", f"{LIST}/refuser"
DEMO_REQUEST = "a1b2c3d4e5f60718"  # the world's, region 01 (ESBSL's)


@pytest.fixture(scope="module")
def store(aws_world: LocalAws) -> JoinRequestStore:
    return JoinRequestStore(aws_world.resources.names["DirectoryTable"], aws_world.client("dynamodb"))


def join_fields(web: SpaceWeb, **overrides: str) -> dict[str, str]:
    return {
        "enterprise_name": "Coop de services à domicile du Fjord",
        "neq": "1160 000 123",
        "legal_form": "coop",
        "region": "01",
        "contact_name": "Hugo Pelletier",
        "email": "hugo@fjord.example.org",
        "language": "fr",
        "consent": "yes",
        "form_token": aged_form_token(web.keys),
        **overrides,
    }


def ask(web: SpaceWeb, *, source_ip: str = "198.51.100.20", lang: str = "fr", **overrides: str) -> dict[str, Any]:
    return web.post(f"{FORM}?lang={lang}", join_fields(web, **overrides), source_ip=source_ip)


def waiting(store: JoinRequestStore, name: str) -> list[str]:
    now = datetime.now(UTC)
    return [r.id for r in store.requests(now) if r.details.enterprise_name == name and r.state is JoinState.PENDING]


def test_the_home_page_links_to_the_form_which_shows_every_field_in_both_languages(web: SpaceWeb) -> None:
    home = web.get("/?lang=fr")["body"]
    french, english = web.get(f"{FORM}?lang=fr"), web.get(f"{FORM}?lang=en")

    assert f'href="{FORM}?lang=fr"' in home
    assert french["statusCode"] == english["statusCode"] == 200
    for field in ("enterprise_name", "neq", "legal_form", "region", "contact_name", "email", "language", "consent"):
        assert f'<label for="{field}">' in french["body"]
    assert "Numéro d'entreprise du Québec (NEQ)" in main_text(french)
    assert "Québec enterprise number (NEQ)" in main_text(english) and "Co-operative" in main_text(english)


def test_bad_input_is_shown_beside_each_field_and_nothing_is_stored(web: SpaceWeb, store: JoinRequestStore) -> None:
    answer = ask(web, enterprise_name="Coop Erreurs", neq="12345", region="99", email="pas une adresse", consent="")

    assert answer["statusCode"] == 422
    text = main_text(answer)
    assert "4 erreurs empêchent l'envoi du formulaire" in text
    assert 'id="neq-error"' in answer["body"] and "Entrez les 10 chiffres du NEQ" in text
    assert 'id="region-error"' in answer["body"] and 'id="email-error"' in answer["body"]
    assert "Cochez cette case pour recevoir les alertes" in text
    assert 'value="Coop Erreurs"' in answer["body"]  # what was typed comes back
    assert waiting(store, "Coop Erreurs") == []


def test_too_fast_a_bot_and_another_site_store_nothing(web: SpaceWeb, store: JoinRequestStore) -> None:
    # Shown "a minute from now", as the pledge form's test does: however slow the start, still under 3 s old.
    fast = ask(web, enterprise_name="Coop Pressée", form_token=aged_form_token(web.keys, seconds=-60))
    bot = ask(web, enterprise_name="Coop Robot", website="http://spam.example")
    elsewhere = web.post(FORM, join_fields(web, enterprise_name="Coop Ailleurs"), {"origin": "https://evil.example"})

    assert fast["statusCode"] == 422 and "envoyé trop vite" in main_text(fast)
    assert bot["statusCode"] == 303 and location(bot) == f"{FORM}/recue?lang=fr"  # the usual answer
    assert elsewhere["statusCode"] == 403
    assert [waiting(store, n) for n in ("Coop Pressée", "Coop Robot", "Coop Ailleurs")] == [[], [], []]


def test_too_many_requests_from_one_network_are_refused(web: SpaceWeb) -> None:
    answers = [
        ask(web, source_ip="203.0.113.9", enterprise_name="Coop Déluge", email=f"p{n}@flood.example.org").get(
            "statusCode"
        )
        for n in range(11)
    ]

    assert answers == [303] * 10 + [429]


@FUZZ
@given(name=HOSTILE, neq=HOSTILE, region=HOSTILE, email=HOSTILE, language=HOSTILE, consent=HOSTILE)
def test_hostile_values_on_the_public_form_never_give_a_5xx(
    web: SpaceWeb, name: str, neq: str, region: str, email: str, language: str, consent: str
) -> None:
    fields = join_fields(
        web, enterprise_name=name, neq=neq, region=region, email=email, language=language, consent=consent
    )
    fields["contact_name"] = name
    answer = web.post(FORM, fields, source_ip="198.51.100.99")
    assert_inert(answer, name, neq, region, email, language, consent)


def test_a_request_is_received_the_regions_organizers_are_told_and_the_contact_signs_in_after_approval(
    web: SpaceWeb, people: dict[str, Visitor], store: JoinRequestStore
) -> None:
    before = len(sent_emails())
    answer = ask(web, lang="en")
    received = web.get(location(answer))
    [request_id] = waiting(store, "Coop de services à domicile du Fjord")
    to_organizers = [e for e in sent_emails()[before:] if "/organisation/adhesions" in e.part("text/plain")]

    assert answer["statusCode"] == 303 and received["statusCode"] == 200
    assert "Request received" in main_text(received)
    assert COACH.email in {e.to[0] for e in to_organizers}  # ESBSL's organizer, region 01
    assert "digest@cesim.example.org" not in {e.to[0] for e in to_organizers}  # Montréal's is not
    request = store.get(request_id, datetime.now(UTC))
    assert request is not None and request.consent_wording == "adhesion-2026-12"
    assert request.expires_at > request.created_at  # kept for a stated time (the table's TTL)

    esbsl, cesim = people["esbsl"], people["cesim"]
    assert "Coop de services à domicile du Fjord" in main_text(esbsl.get(LIST))
    assert "Coop de services à domicile du Fjord" not in main_text(cesim.get(LIST))
    approved = esbsl.post(APPROVE, {"demande": request_id})
    assert approved["statusCode"] == 303 and "fait=approved" in location(approved)
    assert "Entreprise inscrite" in main_text(esbsl.get(location(approved)))
    [enterprise] = [e for e in web.enterprises.load()[0] if e.name == "Coop de services à domicile du Fjord"]
    assert enterprise.neq == "1160000123" and enterprise.regions_served == ("01",)
    [contact] = enterprise.subscribers
    assert contact.email == "hugo@fjord.example.org" and contact.manages_space
    assert contact.consent.wording_version == "adhesion-2026-12"
    assert web.audit_actions()[-2:] == ["enterprise.create", "join.approve"]
    assert esbsl.post(APPROVE, {"demande": request_id})["statusCode"] == 409  # decided once

    welcome = [e for e in sent_emails() if e.to[0] == "hugo@fjord.example.org"][-1]
    assert "/connexion" in welcome.part("text/plain")
    contact_visitor = web.sign_in("hugo@fjord.example.org", next_path="/entreprise/")
    home = contact_visitor.get("/entreprise/")
    assert home["statusCode"] == 200 and "Coop de services à domicile du Fjord" in main_text(home)


def test_organizers_who_list_no_region_see_every_request_and_are_told_of_each(
    web: SpaceWeb, aws_world: LocalAws
) -> None:
    organizers = OrganizerStore(aws_world.resources.names["OrganizersTable"], aws_world.client("dynamodb"))
    everywhere = Organizer("chantier", "Chantier de l'économie sociale", "info@chantier.example.org", "en", ())
    organizers.save_organizers([*organizers.organizers(), everywhere])
    before = len(sent_emails())

    assert ask(web, enterprise_name="Coop de la Mitis", email="mitis@coop.example.org")["statusCode"] == 303

    told = {e.to[0]: e for e in sent_emails()[before:] if "/organisation/adhesions" in e.part("text/plain")}
    assert set(told) == {COACH.email, everywhere.email}  # region 01's, and the one of every region; not CÉSIM's
    assert "/organisation/adhesions?lang=en" in told[everywhere.email].part("text/plain")  # in their language
    chantier = web.session_for(everywhere.email, Role.ORGANIZER, "chantier")
    assert "Coop de la Mitis" in main_text(chantier.get(LIST))  # … where they decide it


def test_a_request_from_an_enterprise_registered_already_is_refused_naming_it_and_nothing_changes(
    web: SpaceWeb, people: dict[str, Visitor], store: JoinRequestStore
) -> None:
    assert ask(web, enterprise_name="Ateliers Mon Choix", neq="1140 000 017")["statusCode"] == 303  # its NEQ
    [request_id] = waiting(store, "Ateliers Mon Choix")
    enterprises, journal = web.enterprises.load(), web.audit_actions()

    french = people["esbsl"].post(f"{APPROVE}?lang=fr", {"demande": request_id})
    english = people["esbsl"].post(f"{APPROVE}?lang=en", {"demande": request_id})

    assert french["statusCode"] == english["statusCode"] == 422
    assert "ce NEQ est déjà celui d'une entreprise inscrite : Les Ateliers Mon Choix (ateliers-mon-choix)" in main_text(
        french
    )
    assert "this NEQ is already registered, for Les Ateliers Mon Choix (ateliers-mon-choix)" in main_text(english)
    assert waiting(store, "Ateliers Mon Choix") == [request_id]  # still there to decline
    assert web.enterprises.load() == enterprises and web.audit_actions() == journal


def test_declining_needs_a_reason_and_e_mails_it(
    web: SpaceWeb, people: dict[str, Visitor], store: JoinRequestStore
) -> None:
    assert ask(web, enterprise_name="Coop Refusée", email="refus@coop.example.org")["statusCode"] == 303
    [request_id] = waiting(store, "Coop Refusée")
    esbsl = people["esbsl"]

    blank = esbsl.post(DECLINE, {"demande": request_id, "raison": ""})
    assert blank["statusCode"] == 422 and f'id="raison-{request_id}-error"' in blank["body"]
    assert waiting(store, "Coop Refusée") == [request_id]
    declined = esbsl.post(DECLINE, {"demande": request_id, "raison": "Entreprise privée : hors du programme."})

    assert declined["statusCode"] == 303 and waiting(store, "Coop Refusée") == []
    told = [e for e in sent_emails() if e.to[0] == "refus@coop.example.org"][-1]
    assert "Entreprise privée\u00a0: hors du programme." in told.part("text/plain")  # Québec typography
    assert web.audit_actions()[-1] == "join.decline"


@pytest.mark.parametrize("path", [APPROVE, DECLINE])
def test_every_post_refuses_everyone_else_and_a_forged_form_and_changes_nothing(
    web: SpaceWeb, people: dict[str, Visitor], store: JoinRequestStore, path: str
) -> None:
    journal = web.audit_actions()
    fields = {"demande": DEMO_REQUEST, "raison": "Une raison valable."}
    esbsl = people["esbsl"]

    answers = [people[who].post(path, fields)["statusCode"] for who in ("cesim", "enterprise", "signatory")]
    missing, foreign = esbsl.post(path, fields, token=""), esbsl.post(path, fields, token=people["cesim"].form_token)
    nobody = web.post(path, fields)

    assert answers == [404, 403, 403]  # another region's request is never found
    assert missing["statusCode"] == foreign["statusCode"] == 403
    assert nobody["statusCode"] in (303, 403)
    assert waiting(store, JOINING.enterprise_name) == [DEMO_REQUEST]
    assert web.audit_actions() == journal


def test_the_list_refuses_everyone_else(web: SpaceWeb, people: dict[str, Visitor]) -> None:
    nobody = web.get(LIST)

    assert people["enterprise"].get(LIST)["statusCode"] == people["signatory"].get(LIST)["statusCode"] == 403
    assert JOINING.enterprise_name not in main_text(people["cesim"].get(LIST))
    assert nobody["statusCode"] == 303 and location(nobody).startswith("/connexion?lang=fr&suite=")
    shown = main_text(people["esbsl"].get(LIST))
    assert JOINING.enterprise_name in shown and JOINING.neq in shown


def test_an_unknown_request_is_not_found(people: dict[str, Visitor]) -> None:
    for request_id in ("", "inconnue", "x" * 2000, "<script>"):
        answer = people["esbsl"].post(APPROVE, {"demande": request_id})
        assert answer["statusCode"] == 404, request_id
        assert not re.search(r"<script>", answer["body"])
