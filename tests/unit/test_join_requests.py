"""Join the programme, on fakes: a request asked through the public form is kept pending and told to its region's
organizers; they approve it (the enterprise added through the console's own use case, the contact managing its
space) or decline it with a reason e-mailed to the contact; another region's organizer, an enterprise's person and
a signatory cannot; bad input, bots and floods store nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from esja.console.enterprises import ConsoleEnterprises, Refused
from esja.console.errors import Conflict, InvalidForm
from esja.enterprises.removal import EnterpriseRemoval
from esja.enterprises.spreadsheet import EnterpriseSpreadsheet
from esja.joining.form import read_join_form
from esja.joining.links import JoinLinks
from esja.joining.model import CONSENT_WORDING, DECIDED_RETENTION, PENDING_RETENTION, JoinState
from esja.joining.requests import PER_SOURCE_LIMIT, Decided, JoinDesk
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role
from esja.pledges.bot_defences import TimeTrap
from esja.pledges.form import MalformedForm
from esja.pledges.service import Outcome
from esja.tokens import SigningKeys
from tests.fakes import REJECTED
from tests.space_builders import CESIM, ESBSL, EVERYWHERE, JULIE, MON_CHOIX, People

KEYS = ("join-test-key",)


def fields(**overrides: str) -> dict[str, list[str]]:
    sent = {
        "enterprise_name": "Coop du Bic",
        "neq": "1160 000 123",
        "legal_form": "coop",
        "region": "01",
        "contact_name": "Léa Fournier",
        "email": "lea@bic.example.org",
        "language": "en",
        "consent": "yes",
        "form_token": "",
        **overrides,
    }
    return {name: [value] for name, value in sent.items()}


class Joining:
    def __init__(self) -> None:
        self.people = People()
        world = self.world = self.people.world
        removal = world.build(EnterpriseRemoval)
        spreadsheet = world.build(EnterpriseSpreadsheet, removal=removal)
        console = world.build(ConsoleEnterprises, spreadsheet=spreadsheet, removal=removal)
        self.desk = world.build(
            JoinDesk, enterprises=console, links=JoinLinks("https://esja.example.org"), keys=SigningKeys.from_list(KEYS)
        )

    def ask(self, source: str = "192.0.2.7", **overrides: str) -> Outcome:
        overrides.setdefault("form_token", self.aged())
        return self.desk.ask(fields(**overrides), source=source).outcome

    def aged(self, seconds: float = 10) -> str:
        """The form's time-trap as if shown `seconds` before the world's now."""
        shown = self.world.clock() - timedelta(seconds=seconds)
        return TimeTrap(SigningKeys.from_list(KEYS), clock=lambda: shown).issue()

    def organizer(self, who: str = "esbsl") -> Actor:
        organizer = {"esbsl": ESBSL, "cesim": CESIM, "chantier": EVERYWHERE}[who]
        return self.people.actor(organizer.email, Role.ORGANIZER, organizer.id)

    def only_request(self) -> str:
        [request] = self.world.requests.stored.values()
        return request.id


@pytest.fixture
def joining() -> Joining:
    return Joining()


def test_a_request_is_kept_pending_and_its_regions_organizers_are_told_in_their_language(joining: Joining) -> None:
    assert joining.ask() is Outcome.SENT

    [request] = joining.world.requests.stored.values()
    assert request.state is JoinState.PENDING and request.consent_wording == CONSENT_WORDING
    assert request.expires_at - request.created_at == PENDING_RETENTION
    assert request.details.neq == "1160000123" and request.details.language == "en"
    # Region 01's organizer, and the one who lists no region (who decides every region's requests); not CÉSIM's.
    assert sorted(e.to for e in joining.world.mailer.sent) == sorted([ESBSL.email, EVERYWHERE.email])
    [told] = [e for e in joining.world.mailer.sent if e.to == ESBSL.email]
    assert told.to == ESBSL.email and told.language == "fr" and told.unsubscribe_url is None  # transactional
    assert "Coop du Bic" in told.subject and "/organisation/adhesions?lang=fr" in told.text
    assert "Bas-Saint-Laurent" in told.text


def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(joining: Joining) -> None:
    form = read_join_form(
        fields(neq="12", legal_form="sarl", region="QC", email="x", consent="", contact_name="\u202e")
    )

    assert [(e.field, e.code) for e in form.errors] == [
        ("neq", "neq"),
        ("legal_form", "choice"),
        ("region", "choice"),
        ("contact_name", "invisible"),
        ("email", "email"),
        ("consent", "consent"),
    ]
    assert joining.ask(neq="12") is Outcome.INVALID
    assert read_join_form(fields(enterprise_name="Voir www.arnaque.com")).error("enterprise_name") is not None
    assert joining.world.requests.stored == {} and joining.world.mailer.sent == []
    with pytest.raises(MalformedForm):
        joining.desk.ask({**fields(), "neq": ["1", "2"]}, source="192.0.2.7")


def test_bots_hasty_stale_forms_and_floods_store_nothing(joining: Joining) -> None:
    assert joining.ask(website="spam") is Outcome.SENT  # a bot: the usual answer, nothing done
    assert joining.ask(form_token=joining.aged(seconds=1)) is Outcome.TOO_FAST
    assert joining.ask(form_token="forged") is Outcome.STALE
    assert joining.world.requests.stored == {}

    outcomes = [joining.ask(source="203.0.113.5", email=f"p{n}@x.example.org") for n in range(PER_SOURCE_LIMIT + 1)]
    assert outcomes[-1] is Outcome.RATE_LIMITED and len(joining.world.requests.stored) == PER_SOURCE_LIMIT
    assert not any("203.0.113" in key for key in joining.world.rate_limits.hits)  # keyed hashes only


def test_approving_adds_the_enterprise_through_the_consoles_use_case_with_the_contact_managing_it(
    joining: Joining,
) -> None:
    joining.ask()
    request_id = joining.only_request()

    decided = joining.desk.approve(joining.organizer(), request_id)

    assert isinstance(decided, Decided) and decided.told
    enterprise = joining.world.enterprises.enterprise(decided.request.enterprise_id)
    assert enterprise is not None and enterprise.name == "Coop du Bic" and enterprise.legal_form == "coop"
    assert enterprise.id.startswith("coop-du-bic-") and enterprise.regions_served == ("01",)
    [contact] = enterprise.subscribers
    assert contact.manages_space and contact.email == "lea@bic.example.org" and contact.language == "en"
    assert contact.consent.wording_version == CONSENT_WORDING
    assert joining.world.audit_log.actions()[-2:] == ["enterprise.create", "join.approve"]
    assert decided.request.expires_at - joining.world.clock() == DECIDED_RETENTION
    welcome = joining.world.mailer.to("lea@bic.example.org")[-1]
    assert welcome.language == "en" and "/connexion?lang=en&suite=%2Fentreprise%2F" in welcome.text
    with pytest.raises(Conflict):
        joining.desk.approve(joining.organizer(), request_id)


def test_declining_e_mails_the_reason_and_an_unfit_reason_changes_nothing(joining: Joining) -> None:
    joining.ask()
    request_id = joining.only_request()

    with pytest.raises(InvalidForm):
        joining.desk.decline(joining.organizer(), request_id, "  ")
    assert joining.world.requests.stored[request_id].state is JoinState.PENDING
    joining.world.mailer.refuse(REJECTED, only_to="lea@bic.example.org")
    decided = joining.desk.decline(joining.organizer(), request_id, "Not a social-economy enterprise.")

    assert decided.request.state is JoinState.DECLINED and not decided.told  # the page asks to reach them
    assert joining.world.audit_log.actions()[-1] == "join.decline"
    assert joining.world.enterprises.enterprise(decided.request.enterprise_id or "none") is None


def test_a_request_the_console_refuses_is_left_pending(joining: Joining) -> None:
    joining.ask(enterprise_name="=HYPERLINK(1)")  # a spreadsheet formula: the console's rules refuse it
    request_id = joining.only_request()

    refused = joining.desk.approve(joining.organizer(), request_id)

    assert isinstance(refused, Refused) and refused.errors
    assert joining.world.requests.stored[request_id].state is JoinState.PENDING


def test_a_request_from_an_enterprise_registered_already_is_refused_naming_it_and_left_pending(
    joining: Joining,
) -> None:
    joining.world.enterprises.save([replace(MON_CHOIX, neq="1160000123")], [])
    before = joining.world.enterprises.load()
    joining.ask()  # the same NEQ, « 1160 000 123 »
    request_id = joining.only_request()

    refused = joining.desk.approve(joining.organizer(), request_id)

    assert isinstance(refused, Refused)
    assert [(e.field, e.en) for e in refused.errors] == [
        ("neq", "this NEQ is already registered, for Les Ateliers Mon Choix (ateliers-mon-choix)")
    ]
    assert joining.world.requests.stored[request_id].state is JoinState.PENDING
    assert joining.world.enterprises.load() == before and joining.world.audit_log.actions() == []


def test_only_the_organizers_of_the_requests_region_see_and_decide_it(joining: Joining) -> None:
    joining.ask()
    request_id = joining.only_request()
    enterprise = joining.people.actor(JULIE.email, Role.ENTERPRISE, MON_CHOIX.id)

    assert [r.id for r in joining.desk.pending(joining.organizer())] == [request_id]
    assert joining.desk.pending(joining.organizer("cesim")) == ()
    assert [r.id for r in joining.desk.pending(joining.organizer("chantier"))] == [request_id]  # every region
    with pytest.raises(NotAllowed) as hidden:
        joining.desk.approve(joining.organizer("cesim"), request_id)
    assert hidden.value.hidden
    for refused in (
        lambda: joining.desk.pending(enterprise),
        lambda: joining.desk.decline(enterprise, request_id, "Non merci."),
    ):
        with pytest.raises(NotAllowed):
            refused()
    assert joining.world.requests.stored[request_id].state is JoinState.PENDING


def test_a_request_past_its_time_is_gone(joining: Joining) -> None:
    joining.ask()
    request_id = joining.only_request()
    joining.world.clock.advance(days=PENDING_RETENTION.days, seconds=1)

    assert joining.desk.pending(joining.organizer()) == ()
    with pytest.raises(NotAllowed):
        joining.desk.approve(joining.organizer(), request_id)
