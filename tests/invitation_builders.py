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
from esja.signatory_space.invitation import Invitation, Signatory
from esja.signatory_space.invitations import InvitationService, Saved
from esja.store.match_queue import message
from esja.store.pledges import PledgeStore
from esja.tokens import SigningKeys
from local.runtime import LocalAws, environment
from tests.alert_builders import QUIET
from tests.digest_builders import pledge
from tests.fakes import FakeWorld
from tests.moto_tables import MotoTables
from tests.pledge_builders import BASE_URL, WEB, WebClient

NOW = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)  # a Monday, 9:00 in Montréal
RIMOUSKI = Signatory("a" * 32)
RIMOUSKI_COLLEAGUE = Signatory("c" * 32)  # another person, the same institution
MATANE = Signatory("b" * 32)  # another institution
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


class SignatoryWorld(FakeWorld):
    """The fakes with three signatories (two people of Rimouski, one of Matane) and two enterprises."""

    def __init__(self, now: datetime = NOW) -> None:
        super().__init__(now)
        for signatory, town, region in ((RIMOUSKI, "Ville de Rimouski", "01"), (MATANE, "Ville de Matane", "01")):
            self.pledges.by_id[signatory.pledge_id] = pledge(signatory.pledge_id, town, region)
        self.pledges.by_id[RIMOUSKI_COLLEAGUE.pledge_id] = pledge(RIMOUSKI_COLLEAGUE.pledge_id, "VILLE DE RIMOUSKI")
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

    def post(self, signatory: Signatory = RIMOUSKI, **overrides: Any) -> Saved:
        return self.invitation_service.post(signatory, as_form(invitation_fields(**overrides)))

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
    """The tables of template.yaml on moto with two confirmed signatories (Rimouski, Matane), the invitation
    use case built as the web function builds it, and the two queues played as Lambda's event sources."""

    def __init__(self, aws: LocalAws) -> None:
        super().__init__(aws)
        self.web = WebClient(aws)  # the web function's own settings: base URL, signing keys, sender identity
        with environment(aws.environment(WEB, **self.web.env)):
            self.service = build_invitation_service(Settings.from_env(), dynamodb=self.dynamodb, sqs=aws.client("sqs"))
        self.pledges = PledgeStore(self.names["PledgesTable"], self.dynamodb)
        for signatory, town in ((RIMOUSKI, "Ville de Rimouski"), (MATANE, "Ville de Matane")):
            self.signatory(town, signatory)
        self.send_env = {"PUBLIC_BASE_URL": BASE_URL, "SIGNING_KEYS": self.web.env["SIGNING_KEYS"], **QUIET}
        self.send_env["SES_MAX_SEND_RATE"] = "1000"  # moto cannot tell the account's rate

    def signatory(self, institution: str, signatory: Signatory | None = None) -> Signatory:
        """A person of a confirmed pledge of the institution (in Bas-Saint-Laurent)."""
        signatory = signatory or Signatory(secrets.token_hex(16))
        self.pledges.add(pledge(signatory.pledge_id, institution, confirmed_at=datetime.now(UTC) - timedelta(days=30)))
        return signatory

    def add_enterprise(self, enterprise_id: str, *addresses: str, codes: tuple[str, ...] = ("76111500",)) -> None:
        subscribers = tuple(Subscriber(a, "Julie Pelletier", "fr", "daily", CONSENT) for a in addresses)
        self.enterprises.save(
            [Enterprise(enterprise_id, f"Entreprise {enterprise_id}", subscribers=subscribers)],
            [Profile(enterprise_id, "menage", "Entretien ménager", unspsc=codes, regions=("01",))],
        )

    def post(self, signatory: Signatory = RIMOUSKI, **overrides: Any) -> Invitation:
        closing = overrides.pop("closing", datetime.now(UTC) + timedelta(days=10))
        saved = self.service.post(signatory, as_form(invitation_fields(closing, **overrides)))
        assert saved.invitation is not None, saved.form
        return saved.invitation

    def deliver(self) -> int:
        """match_tenders on the match queue, then send_invitation_alerts on what it handed over."""
        self.aws.deliver_queue("MatchTendersFunction", "MatchQueue", QUIET)
        return int(self.aws.deliver_queue("SendInvitationAlertsFunction", "InvitationAlertQueue", self.send_env))
