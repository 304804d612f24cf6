"""The rest of the signatories' space on moto, through the web function's real handler and real sessions: the pledge
itself (target, categories, colleagues confirmed by e-mail, withdrawal), who fits its tenders, its yearly reports,
and the organizers' view of them. Every route as another signatory, as another role, as nobody, with a forged
form; hostile values never a 5xx, never raw."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esja.people.roles import Role
from esja.signatory_space.notice_links import NoticeLinks
from esja.tokens import SigningKeys
from local.outbox import sent_emails
from local.runtime import LocalAws
from local.world import COACH, ENTERPRISE, INVITING, KEYS, ORGANIZER, SIGNATORY, the_results_of_ville_de_rimouski
from tests.pledge_builders import BASE_URL
from tests.space_builders import pledge
from tests.space_web import SpaceWeb, Visitor, location, main_text
from tests.tokens import altered

PLEDGE, COLLEAGUES, REMOVE, WITHDRAW = (
    "/signataire/engagement",
    "/signataire/collegues",
    "/signataire/collegues/retrait",
    "/signataire/engagement/retrait",
)
FITS, SEND = "/signataire/qui-convient", "/signataire/qui-convient/avis"
REPORTS, CONSOLE = "/signataire/rapports", "/organisation/rapports-annuels"
EXPORT, DEADLINE = f"{CONSOLE}/export", f"{CONSOLE}/echeance"
MATANE = "achats@ville.matane.example.org"
LISTED_CONTACT = "info@ateliersmonchoix.example.org"  # what Les Ateliers Mon Choix shows in the directory
LAST_YEAR = datetime.now(UTC).year - 1
MARKUP = ("<script>alert(1)</script>", "'\"><img src=x onerror=alert(1)>")


def report_fields(**overrides: str) -> dict[str, str]:
    return {
        "start_month": "1",
        "amount": "45 990 $",
        "count": "4",
        "total": "920 000",
        "enterprises": "Les Ateliers Mon Choix\nCoop du Fjord",
        "comment": "Deux nouveaux fournisseurs.",
        "version": "0",
        **overrides,
    }


class Signatories:
    """The spaces' people on moto (local.world), with a second verified signatory, of the Ville de Matane."""

    def __init__(self, aws: LocalAws) -> None:
        self.web = SpaceWeb(aws)
        the_results_of_ville_de_rimouski(aws)  # make serve's signatory of the Ville de Rimouski, with its results
        [self.cegep_pledge] = self.web.pledge_store.of_person(KEYS(SIGNATORY.email))
        self.web.pledge_store.add(pledge("p-matane", MATANE, institution="Ville de Matane", address_key=KEYS(MATANE)))
        self.cegep = self.web.session_for(SIGNATORY.email, Role.SIGNATORY, self.cegep_pledge)
        self.matane = self.web.session_for(MATANE, Role.SIGNATORY, "p-matane")
        self.numbers = iter(range(1, 1000))

    def fresh(self) -> tuple[str, str, Visitor]:
        """A signatory of an institution of their own, in session: (address, pledge id, visitor)."""
        number = next(self.numbers)
        email = f"dg{number}@municipalite.example.org"
        pledge_id = f"p-results-{number}"
        self.web.pledge_store.add(
            pledge(pledge_id, email, institution=f"Municipalité {number}", address_key=KEYS(email))
        )
        return email, pledge_id, self.web.session_for(email, Role.SIGNATORY, pledge_id)

    def colleague_link(self, email: str) -> str:
        sent = [
            e for e in sent_emails() if e.to and e.to[0] == email and "/signataire/collegue" in e.part("text/plain")
        ]
        assert sent, f"no invitation to {email}"
        found = re.search(r"https?://[^/\s]+(/signataire/collegue\?\S+)", sent[-1].part("text/plain"))
        assert found
        return found[1]


@pytest.fixture(scope="module")
def people(aws_world: LocalAws) -> Signatories:
    return Signatories(aws_world)


# --- the pledge itself ---


def test_the_signer_updates_the_target_and_categories(people: Signatories) -> None:
    _, pledge_id, signer = people.fresh()
    shown = signer.get(PLEDGE)
    assert shown["statusCode"] == 200 and 'name="target_share"' in shown["body"]

    saved = signer.post(PLEDGE, {"target_share": "15 %", "categories": ["goods", "works"]})

    assert saved["statusCode"] == 303 and "fait=modifie" in location(saved)
    stored = people.web.pledge_store.get(pledge_id)
    assert stored is not None and stored.details.target_share == 15
    assert [c.value for c in stored.details.categories] == ["goods", "works"]
    assert "La cible et les catégories sont enregistrées" in main_text(signer.get(location(saved)))
    assert "pledge.update" in people.web.audit_actions()


def test_a_bad_target_comes_back_beside_its_field_and_changes_nothing(people: Signatories) -> None:
    _, pledge_id, signer = people.fresh()
    before = people.web.audit_actions()

    answer = signer.post(PLEDGE, {"target_share": "250", "categories": ["services"]})

    assert answer["statusCode"] == 422 and 'id="target_share-error"' in answer["body"]
    assert "Entrez un nombre entier de 1 à 100" in main_text(answer)
    stored = people.web.pledge_store.get(pledge_id)
    assert stored is not None and stored.details.target_share == 15
    assert people.web.audit_actions() == before


def test_a_colleague_confirms_by_email_uses_the_space_and_loses_it_when_removed(people: Signatories) -> None:
    _, pledge_id, signer = people.fresh()
    colleague_email = f"collegue.{pledge_id}@municipalite.example.org"

    added = signer.post(COLLEAGUES, {"email": colleague_email})
    assert added["statusCode"] == 303 and "fait=invite" in location(added)
    link = people.colleague_link(colleague_email)
    page = people.web.get(link)
    assert page["statusCode"] == 200 and "Accepter" in main_text(page)
    token = re.search(r'name="jeton" value="([^"]+)"', page["body"])
    assert token
    confirmed = people.web.post("/signataire/collegue?lang=fr", {"jeton": token[1]})
    assert confirmed["statusCode"] == 200 and "Invitation acceptée" in main_text(confirmed)
    assert people.web.post("/signataire/collegue?lang=fr", {"jeton": token[1]})["statusCode"] == 400  # spent

    colleague = people.web.sign_in(colleague_email, next_path="/signataire/")
    assert colleague.get("/signataire/")["statusCode"] == 200
    assert colleague.get(REPORTS)["statusCode"] == 200
    # A colleague sees the pledge; only its signer changes it.
    assert "Seule la personne qui a signé" in main_text(colleague.get(PLEDGE))
    assert colleague.post(PLEDGE, {"target_share": "50"})["statusCode"] == 403
    assert colleague.post(COLLEAGUES, {"email": "autre@example.org"})["statusCode"] == 403

    key = KEYS(colleague_email)
    removed = signer.post(REMOVE, {"collegue": key})
    assert removed["statusCode"] == 303
    assert colleague.get(REPORTS)["statusCode"] == 303  # its session ended: to sign in
    assert colleague_email not in main_text(signer.get(PLEDGE))
    assert {"colleague.add", "colleague.confirm", "colleague.remove"} <= set(people.web.audit_actions())


def test_withdrawing_ends_every_session_of_its_people_at_once(people: Signatories) -> None:
    _, pledge_id, signer = people.fresh()
    second = people.web.session_for(*_signer_of(people, pledge_id))
    assert signer.post(WITHDRAW, {})["statusCode"] == 422  # not confirmed: nothing happens
    assert signer.get(PLEDGE)["statusCode"] == 200

    withdrawn = signer.post(WITHDRAW, {"confirmer": "oui"})

    assert withdrawn["statusCode"] == 200 and "retiré" in main_text(withdrawn).lower()
    stored = people.web.pledge_store.get(pledge_id)
    assert stored is not None and stored.withdrawn_at is not None
    for visitor in (signer, second):
        assert visitor.get(REPORTS)["statusCode"] == 303
        assert visitor.get(PLEDGE)["statusCode"] == 303
    assert "pledge.withdraw" in people.web.audit_actions()


def _signer_of(people: Signatories, pledge_id: str) -> tuple[str, Role, str]:
    stored = people.web.pledge_store.get(pledge_id)
    assert stored is not None
    return stored.details.email, Role.SIGNATORY, pledge_id


def test_another_signatory_cannot_remove_a_colleague_it_does_not_have(people: Signatories) -> None:
    _, _, signer = people.fresh()
    colleague_email = "collegue.cegep@cegep-rimouski.example.org"
    assert people.cegep.post(COLLEAGUES, {"email": colleague_email})["statusCode"] == 303
    before = people.web.audit_actions()

    answer = signer.post(REMOVE, {"collegue": KEYS(colleague_email)})

    assert answer["statusCode"] == 404
    assert colleague_email in main_text(people.cegep.get(PLEDGE))
    assert people.web.audit_actions() == before


# --- yearly reports ---


def test_a_signatory_saves_last_years_report_and_sees_it_against_its_target(people: Signatories) -> None:
    _, _, signer = people.fresh()
    draft = signer.get(f"{REPORTS}/{LAST_YEAR}")
    assert draft["statusCode"] == 200 and "Votre cible : 15 %" in main_text(draft)

    saved = signer.post(f"{REPORTS}/{LAST_YEAR}?lang=fr", report_fields())

    assert saved["statusCode"] == 303 and f"enregistre={LAST_YEAR}" in location(saved)
    shown = main_text(signer.get(location(saved)))
    assert f"Le rapport {LAST_YEAR} est enregistré" in shown and "45 990 $" in shown and "5 %" in shown
    assert "non atteinte" in shown  # 5 % of 920 000 $, against a target of 15 %
    assert "report.save" in people.web.audit_actions()


def test_a_report_saved_by_someone_else_meanwhile_is_not_overwritten(people: Signatories) -> None:
    _, _, signer = people.fresh()
    assert signer.post(f"{REPORTS}/{LAST_YEAR}", report_fields())["statusCode"] == 303

    stale = signer.post(f"{REPORTS}/{LAST_YEAR}", report_fields(amount="1"))

    assert stale["statusCode"] == 409 and "Une autre personne" in main_text(stale)
    assert "45 990 $" in main_text(signer.get(REPORTS))


def test_report_errors_come_back_beside_their_fields_and_nothing_is_saved(people: Signatories) -> None:
    _, _, signer = people.fresh()
    before = people.web.audit_actions()

    answer = signer.post(f"{REPORTS}/{LAST_YEAR}", report_fields(amount="beaucoup", total="10"))

    assert answer["statusCode"] == 422 and 'id="amount-error"' in answer["body"]
    assert "Entrez un montant en dollars" in main_text(answer)
    assert people.web.audit_actions() == before
    for year in ("1999", "abcd", str(LAST_YEAR + 5)):
        assert signer.get(f"{REPORTS}/{year}")["statusCode"] == 404, year
        assert signer.post(f"{REPORTS}/{year}", report_fields())["statusCode"] == 404, year


def test_another_institutions_report_is_never_shown(people: Signatories) -> None:
    assert people.cegep.post(f"{REPORTS}/{LAST_YEAR}", report_fields(comment="Propre au cégep."))["statusCode"] in (
        303,
        409,
    )
    assert "Propre au cégep" not in main_text(people.matane.get(f"{REPORTS}/{LAST_YEAR}"))
    assert "Propre au cégep" not in main_text(people.matane.get(REPORTS))


# --- the organizers' console ---


def test_organizers_see_their_regions_reports_and_export_them_audited(people: Signatories) -> None:
    people.cegep.post(f"{REPORTS}/{LAST_YEAR}", report_fields())
    esbsl = people.web.session_for(COACH.email, Role.ORGANIZER, "esbsl")
    cesim = people.web.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim")

    assert "Cégep de Rimouski" in main_text(esbsl.get(f"{CONSOLE}?annee={LAST_YEAR}"))
    assert "Cégep de Rimouski" not in main_text(cesim.get(f"{CONSOLE}?annee={LAST_YEAR}"))

    exported = esbsl.post(EXPORT, {"annee": str(LAST_YEAR)})
    assert exported["statusCode"] == 200 and exported["headers"]["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported["body"].lstrip("\ufeff"))))
    assert "Cégep de Rimouski" in {row["institution"] for row in rows}
    assert "reports.export" in people.web.audit_actions()
    assert esbsl.post(EXPORT, {"annee": "1999"})["statusCode"] == 404
    # The programme report adds what was reported, against the targets.
    programme = f"/organisation/rapport?du={LAST_YEAR}-01-01&au={LAST_YEAR}-12-31"
    reported = re.sub(r"<[^>]+>", " ", main_text(esbsl.get(programme)).split("Ce que les signataires ont déclaré")[1])
    assert re.search(rf"Chiffre\s+{LAST_YEAR}\s+Rapports\s+\d+", reported), reported[:400]
    assert re.search(r"Achats auprès d'entreprises d'économie sociale\s+[\d ]+(,\d\d)? \$", reported), reported[:400]
    assert "Aucun rapport annuel de vos régions" in main_text(cesim.get(programme))


def test_organizers_set_the_date_reports_are_due(people: Signatories) -> None:
    esbsl = people.web.session_for(COACH.email, Role.ORGANIZER, "esbsl")
    due = f"{LAST_YEAR + 1}-03-31"

    answer = esbsl.post(DEADLINE, {"year": str(LAST_YEAR), "due": due})

    assert answer["statusCode"] == 303
    assert "31 mars" in main_text(esbsl.get(location(answer)))
    assert "report.deadline" in people.web.audit_actions()
    _, _, not_yet = people.fresh()  # in region 01, and no report of the year yet
    assert f"Le rapport {LAST_YEAR} est attendu le 31 mars {LAST_YEAR + 1}" in main_text(not_yet.get(REPORTS))
    assert esbsl.post(DEADLINE, {"year": str(LAST_YEAR), "due": "demain"})["statusCode"] == 422
    assert esbsl.post(DEADLINE, {"year": "1999", "due": due})["statusCode"] == 422


# --- who fits, and the notices' unsubscribe ---


def test_who_fits_shows_the_listed_enterprises_and_sends_the_notice_once_to_the_address_they_show(
    people: Signatories,
) -> None:
    [pledge_id] = people.web.pledge_store.of_person(KEYS(INVITING.email))
    rimouski = people.web.session_for(INVITING.email, Role.SIGNATORY, pledge_id)

    shown = rimouski.get(FITS)

    assert shown["statusCode"] == 200
    text = main_text(shown)
    assert "Entretien ménager des édifices municipaux" in text and "Les Ateliers Mon Choix" in text
    assert LISTED_CONTACT not in shown["body"]  # the signatory never sees an address
    tender_key = re.search(r'name="appel" value="(seao:[^"]+)"', shown["body"])
    assert tender_key
    fields = {"appel": tender_key[1], "entreprise": "ateliers-mon-choix"}
    before = len(sent_emails())

    sent = rimouski.post(SEND, fields)

    assert sent["statusCode"] == 303 and "envoye=1" in location(sent)
    [notice] = sent_emails()[before:]
    assert set(notice.to) == {LISTED_CONTACT} and "Ville de Rimouski vous signale un appel d'offres" in notice.subject
    assert "/avis/desabonnement?jeton=" in notice.part("text/plain")
    assert rimouski.post(SEND, fields)["statusCode"] == 409  # at most once per enterprise and tender
    assert "Avis déjà envoyé" in main_text(rimouski.get(FITS))
    assert people.matane.post(SEND, fields)["statusCode"] == 404  # another institution's tender
    assert len(sent_emails()) == before + 1
    assert people.web.audit_actions().count("notice.send") == 1


def test_who_fits_answers_only_for_the_institutions_own_tenders(people: Signatories) -> None:
    assert people.cegep.get(FITS)["statusCode"] == 200
    before = people.web.audit_actions()

    answer = people.matane.post(SEND, {"appel": "seao:ocds-ec9k95-20198412", "entreprise": "ateliers-mon-choix"})

    assert answer["statusCode"] == 404
    assert people.web.audit_actions() == before


def test_a_notices_unsubscribe_link_stops_them_and_a_forged_one_changes_nothing(people: Signatories) -> None:
    links = NoticeLinks(BASE_URL, SigningKeys.from_list(people.web.keys))
    token = links.token(KEYS("contact@ateliers.example.org"))
    page = people.web.get(f"/avis/desabonnement?jeton={token}&lang=fr")
    assert page["statusCode"] == 200 and "Ne plus recevoir ces avis" in main_text(page)

    assert people.web.post("/avis/desabonnement?lang=fr", {"jeton": token})["statusCode"] == 200
    assert people.web.get("/avis/desabonnement?jeton=forged&lang=fr")["statusCode"] == 400
    assert people.web.post("/avis/desabonnement?lang=fr", {"jeton": altered(token)})["statusCode"] == 400
    one_click = f"/avis/desabonnement/un-clic?jeton={token}"
    assert people.web.post(one_click, {"List-Unsubscribe": "One-Click"})["statusCode"] == 200
    assert people.web.post(one_click, {"autre": "chose"})["statusCode"] == 400


# --- every route: other roles, nobody, forged forms ---

GETS = (PLEDGE, FITS, REPORTS, f"{REPORTS}/{LAST_YEAR}")
POSTS = (
    (PLEDGE, {"target_share": "30", "categories": "goods"}),
    (COLLEAGUES, {"email": "quelquun@example.org"}),
    (REMOVE, {"collegue": "x"}),
    (WITHDRAW, {"confirmer": "oui"}),
    (SEND, {"appel": "x", "entreprise": "y"}),
    (f"{REPORTS}/{LAST_YEAR}", report_fields()),
)
CONSOLE_POSTS = (
    (EXPORT, {"annee": str(LAST_YEAR)}),
    (DEADLINE, {"year": str(LAST_YEAR), "due": f"{LAST_YEAR + 1}-04-01"}),
)


def test_other_roles_are_refused_and_nobody_is_sent_to_sign_in(people: Signatories) -> None:
    organizer = people.web.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim")
    enterprise = people.web.session_for(ENTERPRISE.email, Role.ENTERPRISE, "ateliers-mon-choix")
    before = people.web.audit_actions()

    for visitor in (organizer, enterprise):
        for path in GETS:
            assert visitor.get(path)["statusCode"] == 403, path
        for path, fields in POSTS:
            assert visitor.post(path, fields)["statusCode"] == 403, path
    for visitor in (people.cegep, enterprise):
        assert visitor.get(CONSOLE)["statusCode"] == 403
        for path, fields in CONSOLE_POSTS:
            assert visitor.post(path, fields)["statusCode"] == 403, path
    for path in (*GETS, CONSOLE):
        answer = people.web.get(path)
        assert answer["statusCode"] == 303 and location(answer).startswith("/connexion?lang=fr&suite="), path
    assert people.web.audit_actions() == before


def test_a_post_without_or_with_another_sessions_token_is_refused_and_changes_nothing(people: Signatories) -> None:
    _, pledge_id, signer = people.fresh()
    esbsl = people.web.session_for(COACH.email, Role.ORGANIZER, "esbsl")
    before = people.web.audit_actions()

    for token in ("", people.matane.form_token):
        for path, fields in POSTS:
            assert signer.post(path, fields, token=token)["statusCode"] == 403, path
        for path, fields in CONSOLE_POSTS:
            assert esbsl.post(path, fields, token=token)["statusCode"] == 403, path

    assert people.web.audit_actions() == before
    stored = people.web.pledge_store.get(pledge_id)
    assert stored is not None and stored.withdrawn_at is None and stored.details.target_share == 15


hostile = st.one_of(st.sampled_from(MARKUP), st.text(max_size=60))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=hostile,
    field=st.sampled_from(["amount", "count", "total", "enterprises", "comment", "start_month", "version"]),
)
def test_hostile_report_values_never_give_a_5xx_nor_reach_the_page_raw(
    people: Signatories, value: str, field: str
) -> None:
    answer = people.matane.post(f"{REPORTS}/{LAST_YEAR}", report_fields(**{field: value}))

    assert answer["statusCode"] in (303, 400, 409, 422), answer["statusCode"]
    for markup in MARKUP:
        assert markup not in (answer.get("body") or "")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from([PLEDGE, COLLEAGUES, REMOVE, SEND, DEADLINE, EXPORT, "/signataire/collegue"]),
    name=st.sampled_from(
        ["target_share", "categories", "email", "collegue", "appel", "entreprise", "year", "due", "annee", "jeton"]
    ),
    value=hostile,
)
def test_hostile_values_in_every_other_form_never_give_a_5xx(
    people: Signatories, path: str, name: str, value: str
) -> None:
    visitor = people.web.session_for(COACH.email, Role.ORGANIZER, "esbsl") if "organisation" in path else people.matane

    answer = visitor.post(path, {name: value})

    assert answer["statusCode"] < 500, (path, name, answer["statusCode"])
    for markup in MARKUP:
        assert markup not in (answer.get("body") or "")


def test_a_field_sent_twice_is_a_bad_request_that_changes_nothing(people: Signatories) -> None:
    _, pledge_id, signer = people.fresh()
    esbsl = people.web.session_for(COACH.email, Role.ORGANIZER, "esbsl")
    before = people.web.audit_actions()

    twice = [
        signer.post(PLEDGE, {"target_share": ["20", "30"]}),
        signer.post(COLLEAGUES, {"email": ["a@example.org", "b@example.org"]}),
        signer.post(f"{REPORTS}/{LAST_YEAR}", {**report_fields(), "amount": ["1", "2"]}),
        signer.post(SEND, {"appel": ["a", "b"], "entreprise": "c"}),
        esbsl.post(DEADLINE, {"year": [str(LAST_YEAR), "2020"], "due": f"{LAST_YEAR + 1}-03-31"}),
    ]

    # Refused whole (400), or read as no value: not an address (422), no such fit (404), no year (422).
    assert [answer["statusCode"] for answer in twice] == [400, 422, 400, 404, 422]
    assert people.web.audit_actions() == before
    stored = people.web.pledge_store.get(pledge_id)
    assert stored is not None and stored.details.target_share == 15
