"""The console's pledges and institutions' domains on moto, through the web function's real handler: each action
done by the region's organizer (303 back, audited, public where it should be); another region's organizer, an
enterprise, a signatory, nobody signed in, a form without the session's token or with another's: refused,
nothing changed; hostile values on every form: never a 5xx, nothing unescaped."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esja.bootstrap import build_web_app
from esja.config import Settings
from esja.pledges.model import Pledge, Stage
from esja.store.organizers import OrganizerStore
from local.outbox import sent_emails
from local.runtime import LocalAws, environment
from tests.integration.test_space_routes import MARKUP, assert_escaped
from tests.pledge_builders import event, form_body
from tests.space_web import SpaceWeb, Visitor, location, main_text

PLEDGES = "/organisation/engagements"
DOMAINS = "/organisation/domaines"
# Each pledge action, its path, and a form that would do it.
ACTIONS = {
    "verify": (f"{PLEDGES}/verifier", {}),
    "reject": (f"{PLEDGES}/refuser", {"reason": "Adresse personnelle : rien ne montre le lien."}),
    "withdraw": (f"{PLEDGES}/retirer", {"reason": "Demande de la direction par téléphone."}),
    "rename": (f"{PLEDGES}/renommer", {"institution_name": "Centre de services scolaire des Phares (siège)"}),
    "link": (f"{PLEDGES}/lier", {"buyer_id": "OP-99999", "buyer_name": ""}),
    "unlink": (f"{PLEDGES}/delier", {"buyer_id": "OP-99999", "buyer_name": ""}),
}


def pledge_of(web: SpaceWeb, institution: str) -> Pledge:
    """The world's pledge of that institution, as stored now."""
    [found] = [
        p for p in web.pledge_store.everything(datetime.now(UTC)) if p.details.institution_name.startswith(institution)
    ]
    return found


def organizers(web: SpaceWeb) -> OrganizerStore:
    return OrganizerStore(web.aws.resources.names["OrganizersTable"], web.aws.client("dynamodb"))


def registry(web: SpaceWeb) -> str:
    return main_text(web.get("/registre"))


# --- the region's organizer ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_list_shows_the_pledges_to_verify_first_and_filters(people: dict[str, Visitor], lang: str) -> None:
    esbsl = people["esbsl"]

    waiting = main_text(esbsl.get(f"{PLEDGES}?lang={lang}"))
    verified = main_text(esbsl.get(f"{PLEDGES}?etat=verifies&lang={lang}"))
    everything = main_text(esbsl.get(f"{PLEDGES}?etat=tous&institution=mitis&lang={lang}"))

    assert "Centre de services scolaire des Phares" in waiting and "Cégep de Rimouski" not in waiting
    assert ("À vérifier : " if lang == "fr" else "To verify: ") in waiting
    assert "Cégep de Rimouski" in verified and "Ville de Montréal" not in verified  # CÉSIM's region
    assert "MRC de La Mitis" in everything and ("En attente de confirmation" in everything or "Waiting" in everything)


def test_a_pledge_verified_in_the_console_goes_on_the_registry_and_the_journal(
    web: SpaceWeb, people: dict[str, Visitor]
) -> None:
    pledge = web.sign_pledge("dg@rimouski-courriel.example.com")
    esbsl = people["esbsl"]
    shown = main_text(esbsl.get(f"{PLEDGES}/fiche?id={pledge.id}"))
    assert "À vérifier" in shown and "dg@rimouski-courriel.example.com" in shown
    assert "Ville de Rimouski" not in registry(web)

    answer = esbsl.post(f"{PLEDGES}/verifier?lang=fr", {"pledge": pledge.id})

    assert answer["statusCode"] == 303 and location(answer) == f"{PLEDGES}/fiche?id={pledge.id}&fait=verified&lang=fr"
    after = main_text(esbsl.get(location(answer)))
    assert "L'engagement est vérifié : il est maintenant public." in after
    assert "Vérifié par Économie sociale Bas-Saint-Laurent le" in after
    assert "Ville de Rimouski" in registry(web)
    journal = main_text(esbsl.get("/organisation/journal?action=pledge.verify"))
    assert pledge.id in journal and "how=organizer" in journal


def test_a_rejection_is_emailed_through_the_transactional_set_with_the_reason_escaped(
    aws_world: LocalAws, web: SpaceWeb, people: dict[str, Visitor]
) -> None:
    pledge = web.sign_pledge("maire@faux-rimouski.example.com")
    ses, sent_through = aws_world.client("sesv2"), []
    ses.meta.events.register(
        "provide-client-params.sesv2.SendEmail", lambda params, **_: sent_through.append(params["ConfigurationSetName"])
    )
    with environment(aws_world.environment("WebFunction", **web.env)):
        app = build_web_app(Settings.from_env(), dynamodb=aws_world.client("dynamodb"), sesv2=ses)
    esbsl = people["esbsl"]
    reason = "Rien ne montre le lien <script>alert(1)</script> avec la Ville."
    fields = {"pledge": pledge.id, "reason": reason, "jeton_formulaire": esbsl.form_token}
    headers = {"content-type": "application/x-www-form-urlencoded", "origin": "http://127.0.0.1:3000"}
    request = event(
        "POST",
        f"{PLEDGES}/refuser?lang=fr",
        form_body(fields),
        {**headers, "cookie": f"esja_session={esbsl.session_id}"},
    )

    answer = app.resolve(request, cast(Any, None))

    assert answer["statusCode"] == 303 and "fait=rejected" in answer["headers"]["Location"]
    assert sent_through == [
        aws_world.resources.resolver(aws_world.template).resolve({"Ref": "TransactionalConfigurationSet"})
    ]
    [email] = [e for e in sent_emails() if e.to[0] == "maire@faux-rimouski.example.com" and "vérifié" in e.subject]
    assert "&lt;script&gt;" in email.part("text/html") and "<script>" not in email.part("text/html")
    rejected = web.pledge_store.get(pledge.id)
    assert rejected is not None and rejected.stage is Stage.REJECTED and rejected.purge_at is not None


def test_a_pledge_rejected_in_the_console_sends_its_signatory_to_sign_in_at_once(
    web: SpaceWeb, people: dict[str, Visitor]
) -> None:
    esbsl, other_institution = people["esbsl"], people["signatory"]
    pledge = web.sign_pledge("achats@mont-joli.example.org", "Ville de Mont-Joli")
    assert esbsl.post(f"{PLEDGES}/verifier", {"pledge": pledge.id})["statusCode"] == 303
    signer = web.sign_in("achats@mont-joli.example.org", next_path="/signataire/")
    assert signer.get("/signataire/")["statusCode"] == 200

    rejected = esbsl.post(f"{PLEDGES}/refuser", {"pledge": pledge.id, "reason": "La mairie n'a rien signé."})

    assert rejected["statusCode"] == 303
    answer = signer.get("/signataire/")
    assert answer["statusCode"] == 303 and location(answer).startswith("/connexion?")  # its session ended, not a 403
    assert other_institution.get("/signataire/")["statusCode"] == 200 and esbsl.get(PLEDGES)["statusCode"] == 200
    journal = web.audit.between(pledge.created_at, datetime.now(UTC))
    [record] = [r for r in journal if (r.action, r.item.id) == ("pledge.reject", pledge.id)]
    assert record.details["sessions"] == "1"


def test_withdrawing_renaming_and_linking_are_done_and_journaled(web: SpaceWeb, people: dict[str, Visitor]) -> None:
    esbsl = people["esbsl"]
    pledge = web.sign_pledge("achats@cs-typo.example.org", "Centre de servces scolaire du Fleuve")

    renamed = esbsl.post(
        f"{PLEDGES}/renommer", {"pledge": pledge.id, "institution_name": "Centre de services scolaire du Fleuve"}
    )
    linked = esbsl.post(f"{PLEDGES}/lier", {"pledge": pledge.id, "buyer_id": "OP-4242", "buyer_name": "CSS DU FLEUVE"})
    shown = main_text(esbsl.get(f"{PLEDGES}/fiche?id={pledge.id}"))
    unlinked = esbsl.post(f"{PLEDGES}/delier", {"pledge": pledge.id, "buyer_id": "OP-4242", "buyer_name": ""})
    withdrawn = esbsl.post(f"{PLEDGES}/retirer", {"pledge": pledge.id, "reason": "Demande de la DG par courriel."})

    assert [a["statusCode"] for a in (renamed, linked, unlinked, withdrawn)] == [303] * 4
    assert "numéro d'acheteur OP-4242" in shown and "nom publié « CSS DU FLEUVE »" in shown
    stored = web.pledge_store.get(pledge.id)
    assert stored is not None and stored.details.institution_name == "Centre de services scolaire du Fleuve"
    assert stored.stage is Stage.WITHDRAWN and stored.withdrawal_reason == "Demande de la DG par courriel."
    after = main_text(esbsl.get(f"{PLEDGES}/fiche?id={pledge.id}"))
    assert "Retiré par un organisateur à la demande de la personne signataire" in after
    actions = web.audit_actions()
    assert {"pledge.rename", "pledge.link", "pledge.unlink", "pledge.withdraw"} <= set(actions)


def test_an_unfit_reason_comes_back_tied_to_its_field_and_nothing_changes(
    web: SpaceWeb, people: dict[str, Visitor]
) -> None:
    waiting = pledge_of(web, "Centre de services scolaire des Phares")

    answer = people["esbsl"].post(f"{PLEDGES}/refuser", {"pledge": waiting.id, "reason": "x"})

    assert answer["statusCode"] == 422
    assert (
        'id="reject-reason" name="reason"' in answer["body"]
        and 'aria-describedby="reject-reason-error' in answer["body"]
    )
    assert 'id="reject-reason-error"' in answer["body"] and "Au moins 3 caractères." in main_text(answer)
    assert pledge_of(web, "Centre de services scolaire des Phares").stage is Stage.TO_VERIFY


def test_verifying_a_pledge_twice_says_it_is_verified_already(web: SpaceWeb, people: dict[str, Visitor]) -> None:
    verified = pledge_of(web, "Cégep de Rimouski")

    answer = people["esbsl"].post(f"{PLEDGES}/verifier", {"pledge": verified.id})

    assert answer["statusCode"] == 409 and "L'engagement est déjà vérifié." in main_text(answer)


def test_the_export_is_a_csv_attachment_safe_for_spreadsheets_and_journaled(
    web: SpaceWeb, people: dict[str, Visitor]
) -> None:
    web.sign_pledge("formule@csv.example.org", "=HYPERLINK(1) Ville")

    answer = people["esbsl"].post(f"{PLEDGES}/export", {"etat": "tous", "region": "", "institution": ""})

    assert answer["statusCode"] == 200 and answer["headers"]["Content-Type"] == "text/csv; charset=utf-8"
    assert answer["headers"]["Content-Disposition"].startswith('attachment; filename="engagements-')
    assert answer["body"].startswith("\ufeffpledge_id,status")
    rows = list(csv.DictReader(io.StringIO(answer["body"].lstrip("\ufeff"))))
    assert "'=HYPERLINK(1) Ville" in {r["institution_name"] for r in rows}
    assert {r["region"] for r in rows} == {"01"}  # ESBSL's region only
    assert "pledges.export" in web.audit_actions()


def test_an_organizer_lists_a_domain_and_a_public_one_is_refused_with_why(
    web: SpaceWeb, people: dict[str, Visitor]
) -> None:
    esbsl = people["esbsl"]

    refused = esbsl.post(DOMAINS, {"institution": "Ville de Matane", "region": "01", "domain": "Gmail.com"})
    listed = esbsl.post(DOMAINS, {"institution": "Ville de Matane", "region": "01", "domain": "ville.matane.qc.ca"})
    page = main_text(esbsl.get(f"{DOMAINS}?fait=added"))

    assert refused["statusCode"] == 422 and "domaine de courriel public" in main_text(refused)
    assert 'aria-describedby="domain-error domain-hint"' in refused["body"] and 'value="Gmail.com"' in refused["body"]
    assert listed["statusCode"] == 303 and "Le domaine est inscrit." in page and "ville.matane.qc.ca" in page
    assert "inscrit par Économie sociale Bas-Saint-Laurent" in page and "montreal.ca" not in page  # CÉSIM's
    assert "domain.add" in web.audit_actions()


# --- everyone else ---------------------------------------------------------------------------------------------


def esbsl_items(web: SpaceWeb) -> dict[str, Any]:
    """What the refusals must leave as it is: ESBSL's pledges, domains and links."""
    now = datetime.now(UTC)
    pledges = sorted((p.id, p.stage, p.details.institution_name) for p in web.pledge_store.everything(now))
    return {"pledges": pledges, "domains": organizers(web).domains(), "links": organizers(web).links()}


@pytest.mark.parametrize("who", ["cesim", "enterprise", "signatory"])
def test_every_route_refuses_anyone_but_the_regions_organizers_and_changes_nothing(
    web: SpaceWeb, people: dict[str, Visitor], who: str
) -> None:
    visitor, waiting = people[who], pledge_of(web, "Centre de services scolaire des Phares")
    [domain] = [d for d in organizers(web).domains() if d.domain == "ville.rimouski.qc.ca"]
    before, journal = esbsl_items(web), web.audit_actions()
    expected = 404 if who == "cesim" else 403  # another region's item is answered as none

    answers = {
        "case": visitor.get(f"{PLEDGES}/fiche?id={waiting.id}"),
        "remove-domain": visitor.post(f"{DOMAINS}/retirer", {"key": domain.key}),
        **{action: visitor.post(path, {"pledge": waiting.id, **fields}) for action, (path, fields) in ACTIONS.items()},
    }

    assert {action: a["statusCode"] for action, a in answers.items()} == dict.fromkeys(answers, expected)
    if who != "cesim":
        assert visitor.get(PLEDGES)["statusCode"] == visitor.get(DOMAINS)["statusCode"] == 403
        assert visitor.post(f"{PLEDGES}/export", {"etat": "tous"})["statusCode"] == 403
    else:
        assert "Centre de services scolaire des Phares" not in main_text(visitor.get(f"{PLEDGES}?etat=tous"))
        assert "<code>ville.rimouski.qc.ca</code>" not in visitor.get(DOMAINS)["body"]
        assert (
            visitor.post(DOMAINS, {"institution": "Ville de Rimouski", "region": "01", "domain": "x.ca"})["statusCode"]
            == 422
        )
    assert esbsl_items(web) == before and web.audit_actions() == journal


@pytest.mark.parametrize(
    "path",
    [
        PLEDGES,
        f"{PLEDGES}/fiche?id=x",
        DOMAINS,
        f"{PLEDGES}/export",
        f"{DOMAINS}/retirer",
        *(p for p, _ in ACTIONS.values()),
    ],
)
def test_every_route_without_a_session_sends_to_sign_in_and_changes_nothing(web: SpaceWeb, path: str) -> None:
    before = esbsl_items(web)
    posted = path not in (PLEDGES, DOMAINS) and "fiche" not in path

    answer = web.post(path, {"pledge": "x"}) if posted else web.get(path)

    assert answer["statusCode"] == 303 and location(answer).startswith("/connexion?lang=fr")
    assert esbsl_items(web) == before


@pytest.mark.parametrize(
    "path", [f"{PLEDGES}/export", DOMAINS, f"{DOMAINS}/retirer", *(p for p, _ in ACTIONS.values())]
)
def test_every_post_without_the_sessions_token_or_with_anothers_is_refused(
    web: SpaceWeb, people: dict[str, Visitor], path: str
) -> None:
    esbsl, other = people["esbsl"], people["cesim"]
    waiting = pledge_of(web, "Centre de services scolaire des Phares")
    [domain] = [d for d in organizers(web).domains() if d.domain == "cegeprdl.ca"]
    fields = {"pledge": waiting.id, "key": domain.key, "reason": "Une raison.", "domain": "x.ca", "region": "01"}
    before, journal = esbsl_items(web), web.audit_actions()

    missing, foreign = esbsl.post(path, fields, token=""), esbsl.post(path, fields, token=other.form_token)

    assert missing["statusCode"] == foreign["statusCode"] == 403
    assert "rien n'a été fait" in main_text(missing)
    assert esbsl_items(web) == before and web.audit_actions() == journal


# --- hostile values: never a 5xx, never unescaped --------------------------------------------------------------

HOSTILE = st.one_of(st.text(max_size=300), st.sampled_from([*MARKUP, "\x00", "é" * 600, "a@b", "OP-1", "=1+1"]))
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def fuzzed(web: SpaceWeb) -> str:
    """A pledge of its own for the hostile values: renamed and linked to whatever they are."""
    return web.sign_pledge("fuzz@hostile.example.org", "Municipalité de Saint-Fuzz").id


@FUZZ
@given(pledge_id=HOSTILE, text=HOSTILE, other=HOSTILE)
def test_the_pledges_forms_take_anything_without_a_5xx(
    people: dict[str, Visitor], fuzzed: str, pledge_id: str, text: str, other: str
) -> None:
    esbsl, waiting = people["esbsl"], fuzzed
    exported = esbsl.post(f"{PLEDGES}/export", {"etat": other, "region": text, "institution": pledge_id})
    answers = [
        esbsl.get(f"{PLEDGES}?etat={other[:30]}&region={text[:10]}&institution={text[:50]}".replace("#", "%23")),
        esbsl.get(f"{PLEDGES}/fiche?id={pledge_id[:60]}&fait={other[:20]}".replace("#", "%23")),
        *(
            esbsl.post(
                path,
                {"pledge": pledge_id, "reason": text, "institution_name": text, "buyer_id": other, "buyer_name": text},
            )
            for path, _ in ACTIONS.values()
        ),
        esbsl.post(f"{PLEDGES}/renommer", {"pledge": waiting, "institution_name": text}),
        esbsl.post(f"{PLEDGES}/lier", {"pledge": waiting, "buyer_id": other, "buyer_name": text}),
        esbsl.get(f"{PLEDGES}/fiche?id={waiting}"),  # whatever it was renamed and linked to, escaped
        esbsl.get(f"{PLEDGES}?etat=tous"),
    ]

    # A spreadsheet, not a page: its cells as typed (formulas defused), never read as HTML (nosniff, attachment).
    assert exported["statusCode"] == 200 and exported["headers"]["Content-Type"] == "text/csv; charset=utf-8"
    assert exported["headers"]["X-Content-Type-Options"] == "nosniff"
    for answer in answers:
        assert answer["statusCode"] < 500
        assert_escaped(answer, pledge_id, text, other)


@FUZZ
@given(institution=HOSTILE, region=HOSTILE, domain=HOSTILE)
def test_the_domains_forms_take_anything_without_a_5xx(
    people: dict[str, Visitor], institution: str, region: str, domain: str
) -> None:
    esbsl = people["esbsl"]
    answers = [
        esbsl.post(DOMAINS, {"institution": institution, "region": region, "domain": domain}),
        esbsl.post(f"{DOMAINS}/retirer", {"key": f"01#{institution}#{domain}"}),
        esbsl.get(f"{DOMAINS}?fait={domain[:30]}".replace("#", "%23")),
    ]

    for answer in answers:
        assert answer["statusCode"] < 500
        assert_escaped(answer, institution, region, domain)
