"""The signatory's invitation pages on moto, through the web function's real handler and real sessions:
post, amend, cancel; every route as another signatory, as another role, as nobody, with a forged form;
a pledge withdrawn or no longer verified loses the space at once; hostile values never a 5xx, never raw."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esja.people.roles import Role
from esja.pledges.model import BY_ORGANIZER, REJECTED_RETENTION, Verdict, Verification
from esja.signatory_space.invitations import POSTS_PER_DAY
from local.outbox import sent_emails
from local.runtime import LocalAws, local_aws
from local.world import ENTERPRISE, KEYS, ORGANIZER, SIGNATORY
from tests.invitation_builders import invitation_fields
from tests.space_builders import pledge
from tests.space_web import SpaceWeb, Visitor, location, main_text

LIST, NEW = "/signataire/invitations", "/signataire/invitations/nouvelle"
MATANE = "achats@ville.matane.example.org"
TITLE = "Entretien ménager de la bibliothèque Lisette-Morin"
MARKUP = ("<script>alert(1)</script>", "'\"><img src=x onerror=alert(1)>")


def fields(**overrides: Any) -> dict[str, Any]:
    """The form as the browser posts it: one value per field, codes typed together."""
    sent = invitation_fields(datetime.now(UTC) + timedelta(days=10), **overrides)
    return {k: "; ".join(v) if not isinstance(v, str) else v for k, v in sent.items()}


def posted_id(answer: dict[str, Any]) -> str:
    found = re.search(r"publiee=([0-9a-f]{10})", location(answer))
    assert answer["statusCode"] == 303 and found, (answer["statusCode"], answer.get("body", "")[:300])
    return found[1]


class Signatories:
    """The spaces' people on moto (local.world), with a second verified signatory, of the Ville de Matane."""

    def __init__(self, aws: LocalAws) -> None:
        self.web = SpaceWeb(aws)
        [self.cegep_pledge] = self.web.pledge_store.of_person(KEYS(SIGNATORY.email))
        self.web.pledge_store.add(pledge("p-matane", MATANE, institution="Ville de Matane", address_key=KEYS(MATANE)))
        self.cegep = self.web.session_for(SIGNATORY.email, Role.SIGNATORY, self.cegep_pledge)
        self.matane = self.web.session_for(MATANE, Role.SIGNATORY, "p-matane")
        self._numbers = itertools.count(1)

    def fresh(self) -> Visitor:
        """A signatory of an institution of their own, in session (each may post only a few invitations a day)."""
        number = next(self._numbers)
        email = f"achats{number}@municipalite.example.org"
        pledge_id = f"p-town-{number}"
        self.web.pledge_store.add(
            pledge(pledge_id, email, institution=f"Municipalité {number}", address_key=KEYS(email))
        )
        return self.web.session_for(email, Role.SIGNATORY, pledge_id)

    def post(self, visitor: Visitor, **overrides: Any) -> str:
        return posted_id(visitor.post(f"{NEW}?lang=fr", fields(**overrides)))

    def invitation(self, invitation_id: str) -> str:
        """The invitation's public page, as a reader sees it."""
        return main_text(self.web.get(f"/invitations/{invitation_id}"))


@pytest.fixture(scope="module")
def module_aws() -> Iterator[LocalAws]:
    with local_aws() as aws:
        yield aws


@pytest.fixture(scope="module")
def people(module_aws: LocalAws) -> Signatories:
    return Signatories(module_aws)


def test_a_signatory_posts_an_invitation_and_finds_it_published_and_listed(people: Signatories) -> None:
    form = people.cegep.get(NEW)
    assert form["statusCode"] == 200 and 'name="jeton_formulaire"' in form["body"]

    invitation_id = people.post(people.cegep)

    listed = main_text(people.cegep.get(f"{LIST}?publiee={invitation_id}"))
    assert "Invitation publiée" in listed and TITLE in listed
    assert TITLE in people.invitation(invitation_id) and "Cégep de Rimouski" in people.invitation(invitation_id)
    assert "invitation.post" in people.web.audit_actions()


def test_errors_come_back_beside_their_fields_and_nothing_is_posted(people: Signatories) -> None:
    before = people.web.audit_actions()
    past = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()

    answer = people.cegep.post(NEW, fields(closing_date=past, codes="99999999", answer_email=""))

    assert answer["statusCode"] == 422
    body = answer["body"]
    assert 'id="closing_date-error"' in body and 'id="codes-error"' in body and 'id="answer-error"' in body
    assert 'id="closing_date" name="closing_date"' in body and 'aria-invalid="true"' in body
    shown = main_text(answer)
    assert "La date limite est passée" in shown and "Le code UNSPSC « 99999999 » n'existe pas" in shown
    assert "Indiquez au moins une façon de répondre" in shown
    assert people.web.audit_actions() == before


def test_amending_and_cancelling_change_the_public_page(people: Signatories) -> None:
    signatory = people.fresh()
    invitation_id = people.post(signatory, title_fr="Tonte de pelouse du campus")

    amended = signatory.post(f"{LIST}/{invitation_id}?lang=fr", fields(title_fr="Tonte de pelouse et taille des haies"))
    assert amended["statusCode"] == 303 and "modifiee=" in location(amended)
    assert "Tonte de pelouse et taille des haies" in people.invitation(invitation_id)

    cancelled = signatory.post(f"{LIST}/{invitation_id}/annulation?lang=fr")
    assert cancelled["statusCode"] == 303 and "annulee=" in location(cancelled)
    assert "Cette invitation a été annulée" in people.invitation(invitation_id)
    assert signatory.post(f"{LIST}/{invitation_id}?lang=fr", fields())["statusCode"] == 409
    actions = people.web.audit_actions()
    assert actions.count("invitation.amend") >= 1 and actions.count("invitation.cancel") >= 1


def test_another_signatory_can_neither_see_nor_change_an_invitation(people: Signatories) -> None:
    invitation_id = people.post(people.fresh(), title_fr="Traiteur pour la collation des grades")
    before = people.web.audit_actions()

    answers = [
        people.matane.get(f"{LIST}/{invitation_id}"),
        people.matane.post(f"{LIST}/{invitation_id}", fields(title_fr="Détourné par Matane")),
        people.matane.post(f"{LIST}/{invitation_id}/annulation"),
    ]

    assert [a["statusCode"] for a in answers] == [404, 404, 404]
    assert "Traiteur pour la collation des grades" not in main_text(people.matane.get(LIST))
    shown = people.invitation(invitation_id)
    assert "Traiteur pour la collation des grades" in shown and "annulée" not in shown
    assert people.web.audit_actions() == before


def test_other_roles_are_refused_and_nobody_is_sent_to_sign_in(people: Signatories) -> None:
    invitation_id = people.post(people.fresh(), title_fr="Impression des bulletins")
    organizer = people.web.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim")
    enterprise = people.web.session_for(ENTERPRISE.email, Role.ENTERPRISE, "ateliers-mon-choix")
    pages = [LIST, NEW, f"{LIST}/{invitation_id}"]

    for visitor in (organizer, enterprise):
        for path in pages:
            assert visitor.get(path)["statusCode"] == 403, path
        for path in (NEW, f"{LIST}/{invitation_id}", f"{LIST}/{invitation_id}/annulation"):
            assert visitor.post(path, fields())["statusCode"] == 403, path
    for path in pages:
        answer = people.web.get(path)
        assert answer["statusCode"] == 303 and location(answer).startswith("/connexion?lang=fr&suite=")
    assert "Impression des bulletins" in people.invitation(invitation_id)


def test_a_post_without_or_with_another_sessions_token_is_refused_and_changes_nothing(people: Signatories) -> None:
    invitation_id = people.post(people.cegep, title_fr="Entretien des sentiers du campus")
    before = people.web.audit_actions()

    for token in ("", people.matane.form_token):
        assert people.cegep.post(NEW, fields(title_fr="Sans jeton"), token=token)["statusCode"] == 403
        assert (
            people.cegep.post(f"{LIST}/{invitation_id}", fields(title_fr="Sans jeton"), token=token)["statusCode"]
            == 403
        )
        assert people.cegep.post(f"{LIST}/{invitation_id}/annulation", token=token)["statusCode"] == 403

    assert people.web.audit_actions() == before
    assert "Sans jeton" not in main_text(people.cegep.get(LIST))
    assert "annulée" not in people.invitation(invitation_id)


@pytest.mark.parametrize("lost", ["withdrawn", "rejected"])
def test_a_pledge_withdrawn_or_no_longer_verified_loses_the_space_at_once(module_aws: LocalAws, lost: str) -> None:
    people = Signatories.__new__(Signatories)
    people.web = SpaceWeb(module_aws, people=False)
    email = f"{lost}@ville.example.org"
    people.web.pledge_store.add(pledge(f"p-{lost}", email, institution=f"Ville {lost}", address_key=KEYS(email)))
    visitor = people.web.session_for(email, Role.SIGNATORY, f"p-{lost}")
    invitation_id = people.post(visitor, title_fr=f"Achat de fournitures ({lost})")

    now = datetime.now(UTC)
    if lost == "withdrawn":
        people.web.pledge_store.withdraw(f"p-{lost}", now, now + timedelta(days=30))
    else:
        verified = people.web.pledge_store.get(f"p-{lost}")
        assert verified is not None
        rejected = Verdict(Verification.REJECTED, now, "esbsl", BY_ORGANIZER, "Pas une institution")
        people.web.pledge_store.record_verdict(verified, rejected, purge_at=now + REJECTED_RETENTION)

    assert visitor.get(LIST)["statusCode"] == 403
    assert visitor.post(f"{LIST}/{invitation_id}/annulation")["statusCode"] == 403
    assert "annulée" not in people.invitation(invitation_id)


def test_a_burst_of_invitations_is_refused_past_the_days_limit(module_aws: LocalAws) -> None:
    web = SpaceWeb(module_aws, people=False)
    email = "rafale@ville.example.org"
    web.pledge_store.add(pledge("p-burst", email, institution="Ville de la Rafale", address_key=KEYS(email)))
    visitor = web.session_for(email, Role.SIGNATORY, "p-burst")
    for n in range(POSTS_PER_DAY):
        assert visitor.post(NEW, fields(title_fr=f"Demande de prix numéro {n}"))["statusCode"] == 303

    refused = visitor.post(NEW, fields(title_fr="Une de trop aujourd'hui"))

    assert refused["statusCode"] == 429 and "nombre maximal d'invitations" in main_text(refused)
    assert "Une de trop" not in main_text(visitor.get(LIST))


# --- Hostile values on every form: never a 5xx, never unescaped --------------------------------------------

HOSTILE = st.one_of(st.text(max_size=200), st.sampled_from([*MARKUP, "\x00", "é" * 300, "%00", "a@b.c" * 60]))
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FIELD_NAMES = sorted(fields())


@FUZZ
@given(name=st.sampled_from(FIELD_NAMES), value=HOSTILE, title=st.sampled_from([TITLE, *MARKUP]))
def test_the_forms_take_anything_without_a_5xx_and_never_show_it_raw(
    people: Signatories, name: str, value: str, title: str
) -> None:
    signatory = people.fresh()
    sent = {**fields(title_fr=f"{title} — fuzz"), name: value}
    answers = [signatory.post(NEW, sent)]
    if answers[0]["statusCode"] == 303:
        invitation_id = posted_id(answers[0])
        answers += [
            signatory.get(f"{LIST}/{invitation_id}"),
            signatory.post(f"{LIST}/{invitation_id}", {**sent, "title_fr": f"{title} {value}"[:200]}),
            people.web.get(f"/invitations/{invitation_id}"),
            signatory.get(LIST),
            signatory.post(f"{LIST}/{invitation_id}/annulation"),
        ]
    else:
        assert answers[0]["statusCode"] in (400, 422), answers[0]["statusCode"]
    answers.append(signatory.get(f"{LIST}/{value[:40]}".replace("#", "%23").replace("?", "%3F")))

    for answer in answers:
        assert answer["statusCode"] < 500, answer.get("body", "")[:500]
        body = answer.get("body") or ""
        assert not [probe for probe in MARKUP if probe in (value, title) and probe in body]


def test_the_alert_of_an_invitation_posted_in_the_space_reaches_the_matched_enterprise(people: Signatories) -> None:
    before = len(sent_emails())
    invitation_id = people.post(people.fresh(), title_fr="Entretien ménager du pavillon des sciences")

    people.web.aws.deliver_queue("MatchTendersFunction", "MatchQueue")
    env = {"PUBLIC_BASE_URL": people.web.env["PUBLIC_BASE_URL"], "SIGNING_KEYS": people.web.env["SIGNING_KEYS"]}
    people.web.aws.deliver_queue(
        "SendInvitationAlertsFunction", "InvitationAlertQueue", {**env, "SES_MAX_SEND_RATE": "1000"}
    )

    told = [e for e in sent_emails()[before:] if "Entretien ménager du pavillon des sciences" in e.subject]
    assert {e.to[0] for e in told} >= {"direction.monchoix@example.org"}  # Les Ateliers Mon Choix: cleaning, 01
    assert f"/invitations/{invitation_id}" in told[0].part("text/plain")
