"""Invitation forms as a browser sends them, and a signatory world on the fakes."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from esja.alerts.links import SubscriberLinks
from esja.alerts.service import AlertService, RunReport
from esja.bootstrap import build_invitation_service
from esja.clock import TIME_ZONE
from esja.config import Settings
from esja.matching.service import MatchService
from esja.model import Consent, Enterprise, Profile, Subscriber
from esja.people.actor import Actor
from esja.people.roles import Role, RoleGrant
from esja.pledges.model import Pledge
from esja.signatory_space.invitation import Invitation
from esja.signatory_space.invitations import InvitationService, Saved
from esja.store.match_queue import message
from esja.store.pledges import PledgeStore
from esja.tokens import SigningKeys
from local.runtime import LocalAws, environment
from tests.alert_builders import QUIET
from tests.fakes import FakeWorld
from tests.moto_tables import LOCAL_KEYS, MotoTables
from tests.pledge_builders import BASE_URL, WEB, WebClient
from tests.space_builders import NOW, People, pledge

# The signatories of the invitations' tests: two people of the Ville de Rimouski, one of the Ville de Matane.
RIMOUSKI = "approvisionnement@ville.rimouski.example.org"
RIMOUSKI_COLLEAGUE = "achats@ville.rimouski.example.org"  # « VILLE DE RIMOUSKI »: the same institution
MATANE = "achats@ville.matane.example.org"  # another institution
SIGNATORIES = {
    RIMOUSKI: ("p-rimouski", "Ville de Rimouski"),
    RIMOUSKI_COLLEAGUE: ("p-rimouski-2", "VILLE DE RIMOUSKI"),
    MATANE: ("p-matane", "Ville de Matane"),
}
CONSENT = Consent(datetime(2026, 2, 3, 9, 15, tzinfo=UTC), "formulaire web ESJA", "consentement-2026-01")

Fields = dict[str, str | Sequence[str]]


def invitation_fields(closing: datetime | None = None, **overrides: str | Sequence[str]) -> Fields:
    """A request for quotes as the Ville de Rimouski would post it: cleaning, closing in ten days at 14 h."""
    local = (closing or NOW + timedelta(days=10)).astimezone(TIME_ZONE)
    fields: Fields = {
        "ref": "",
        "title_fr": "Entretien ménager de la bibliothèque Lisette-Morin",
        "title_en": "",
        "description_fr": (
            "Nettoyage hebdomadaire des planchers et des salles de toilettes.\n\nVisite des lieux sur demande."
        ),
        "description_en": "",
        "codes": ["76111500"],
        "category": "services",
        "region": "",
        "municipality": "Rimouski",
        "value": "24 500 $",
        "closing_date": local.date().isoformat(),
        "closing_time": f"{local:%H:%M}" if closing else "14:00",
        "answer_email": "approvisionnement@ville.rimouski.example.org",
        "answer_url": "",
        "documents": "",
        "audience": "open",
    }
    fields.update(overrides)
    return fields


def as_form(fields: Fields) -> dict[str, list[str]]:
    """What the web layer hands the use case: every field a list of values."""
    return {k: [v] if isinstance(v, str) else list(v) for k, v in fields.items() if v != "" or k == "ref"}


def actor_of(signed: Pledge, address_key: str) -> Actor:
    """A signatory's Actor as a page of the space gets it, for the tests that call the use case on moto."""
    details = signed.details
    grant = RoleGrant(Role.SIGNATORY, signed.id, details.institution_name, (details.region,), details.email)
    return Actor(grant, address_key, "fr", session_id="test-session", form_token="test-token", network="192.0.2.0/24")


class SignatoryWorld(FakeWorld):
    """The fakes with the spaces' people (tests.space_builders), three signatories of two towns, and the
    use cases of the invitations' whole path."""

    def __init__(self, now: datetime = NOW) -> None:
        super().__init__(now)
        self.people = People(world=self)
        for email, (pledge_id, town) in SIGNATORIES.items():
            self.pledges.by_id[pledge_id] = pledge(pledge_id, email, institution=town)
        self.invitation_service = self.build(InvitationService)
        self.match_service = self.build(MatchService)
        keys = SigningKeys.from_list(("test-signing-key",))
        self.alerts = self.build(AlertService, links=SubscriberLinks("https://esja.example.org", keys))

    def add_enterprise(
        self, enterprise_id: str, *addresses: str, codes: tuple[str, ...] = ("76111500",), frequency: str = "daily"
    ) -> None:
        subscribers = tuple(Subscriber(a, "Ateliers", "fr", frequency, CONSENT) for a in addresses)  # type: ignore[arg-type]
        enterprise = Enterprise(enterprise_id, f"Entreprise {enterprise_id}", subscribers=subscribers)
        profile = Profile(enterprise_id, "menage", "Entretien ménager", unspsc=codes, regions=("01",))
        enterprises, profiles = self.enterprises.load()
        self.enterprises.save([*enterprises, enterprise], [*profiles, profile])

    def actor(self, email: str = RIMOUSKI) -> Actor:
        """The signatory's Actor, from a session opened now (its role re-checked as a page would)."""
        return self.people.actor(email, Role.SIGNATORY, SIGNATORIES[email][0])

    def post(self, email: str = RIMOUSKI, **overrides: Any) -> Saved:
        return self.invitation_service.post(self.actor(email), as_form(invitation_fields(**overrides)))

    def match_announced(self) -> None:
        """match_tenders on every announcement waiting (the match queue)."""
        self.match_service.refresh()
        for change in self.announcer.announced:
            self.match_service.handle_message(json.dumps(message(change)))
        self.announcer.announced.clear()

    def tell_at_once(self) -> list[RunReport]:
        """send_invitation_alerts on every request match_tenders queued."""
        reports = [self.alerts.send_invitation(key) for key in self.invitation_alerts.requested]
        self.invitation_alerts.requested.clear()
        return reports

    def flow(self) -> list[RunReport]:
        """What the queues do in AWS after a post or a change: match, then tell at once."""
        self.match_announced()
        return self.tell_at_once()


class SignatoriesOnMoto(MotoTables):
    """The tables of template.yaml on moto with verified signatories (Rimouski, Matane), the invitation use
    case built as the web function builds it, and the two queues played as Lambda's event sources."""

    def __init__(self, aws: LocalAws) -> None:
        super().__init__(aws)
        self.web = WebClient(aws)  # the web function's own settings: base URL, signing keys, sender identity
        with environment(aws.environment(WEB, **self.web.env)):
            self.service = build_invitation_service(Settings.from_env(), dynamodb=self.dynamodb, sqs=aws.client("sqs"))
        self.pledges = PledgeStore(self.names["PledgesTable"], self.dynamodb)
        self.actors = {
            email: self.signatory(town, email, pledge_id) for email, (pledge_id, town) in SIGNATORIES.items()
        }
        self.send_env = {"PUBLIC_BASE_URL": BASE_URL, "SIGNING_KEYS": self.web.env["SIGNING_KEYS"], **QUIET}
        self.send_env["SES_MAX_SEND_RATE"] = "1000"  # moto cannot tell the account's rate

    def signatory(self, institution: str, email: str = "", pledge_id: str = "") -> Actor:
        """A person of a verified pledge of the institution (in Bas-Saint-Laurent), as their Actor."""
        pledge_id = pledge_id or secrets.token_hex(16)
        email = email or f"{pledge_id[:8]}@institution.example.org"
        signed = pledge(pledge_id, email, institution=institution, address_key=LOCAL_KEYS(email))
        self.pledges.add(signed)
        return actor_of(signed, LOCAL_KEYS(email))

    def add_enterprise(self, enterprise_id: str, *addresses: str, codes: tuple[str, ...] = ("76111500",)) -> None:
        subscribers = tuple(Subscriber(a, "Julie Pelletier", "fr", "daily", CONSENT) for a in addresses)
        self.enterprises.save(
            [Enterprise(enterprise_id, f"Entreprise {enterprise_id}", subscribers=subscribers)],
            [Profile(enterprise_id, "menage", "Entretien ménager", unspsc=codes, regions=("01",))],
        )

    def post(self, email: str = RIMOUSKI, **overrides: Any) -> Invitation:
        closing = overrides.pop("closing", datetime.now(UTC) + timedelta(days=10))
        saved = self.service.post(self.actors[email], as_form(invitation_fields(closing, **overrides)))
        assert saved.invitation is not None, saved.form
        return saved.invitation

    def deliver(self) -> int:
        """match_tenders on the match queue, then send_invitation_alerts on what it handed over."""
        self.aws.deliver_queue("MatchTendersFunction", "MatchQueue", QUIET)
        return int(self.aws.deliver_queue("SendInvitationAlertsFunction", "InvitationAlertQueue", self.send_env))
