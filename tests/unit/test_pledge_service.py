"""The pledge use cases on fakes: double opt-in, bot defences, rate limits, replacement, withdrawal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from esja.pledges.domains import InstitutionDomain
from esja.pledges.links import PledgeLinks
from esja.pledges.model import BY_DOMAIN, PledgeStatus, Stage, Verification
from esja.pledges.service import PER_EMAIL_LIMIT, PER_SOURCE_LIMIT, Outcome, PledgeService
from esja.tokens import SigningKeys
from tests.fakes import REJECTED, FakeWorld
from tests.pledge_builders import pledge_fields

NOW = datetime(2026, 11, 20, 14, tzinfo=UTC)
KEYS = ("pledge-test-key",)
IP = "203.0.113.7"


class World(FakeWorld):
    def __init__(self) -> None:
        super().__init__(NOW)
        self.service = self.build(
            PledgeService, links=PledgeLinks("https://esja.example.org"), keys=SigningKeys.from_list(KEYS)
        )

    def submit(self, *, after: float = 10, source: str = IP, language: str = "fr", **fields: str) -> Outcome:
        token = self.service.new_form_token()
        self.clock.advance(seconds=after)
        sent: dict[str, Sequence[str]] = {
            name: [value] if isinstance(value, str) else list(value)
            for name, value in pledge_fields(**fields, form_token=token).items()
        }
        return self.service.submit(sent, language=language, source=source).outcome

    def confirmation_token(self) -> str:
        link = self.mailer.sent[-1].text.split("jeton=", 1)[1].split()[0]
        return link.split("&", 1)[0]


@pytest.fixture
def world() -> World:
    return World()


def test_a_signed_form_is_kept_pending_until_its_emailed_link_is_followed_once(world: World) -> None:
    assert world.submit(language="en") is Outcome.SENT
    [pending] = world.pledges.by_id.values()
    [email] = world.mailer.sent
    assert pending.status is PledgeStatus.PENDING and email.language == "en" and world.service.registry() == []

    confirmed = world.service.confirm(world.confirmation_token())

    assert confirmed is not None and confirmed.pledge.status is PledgeStatus.CONFIRMED
    assert confirmed.pledge.stage is Stage.TO_VERIFY  # a mailbox proves no one speaks for the institution
    assert world.service.registry() == [] and world.audit_log.records == []
    assert world.service.confirm(world.confirmation_token()) is None  # spent


def test_a_bot_filling_the_honeypot_gets_the_usual_answer_and_nothing_is_done(world: World) -> None:
    assert world.submit(website="https://spam.example") is Outcome.SENT
    assert world.pledges.by_id == {} and world.mailer.sent == []


def test_a_form_sent_within_three_seconds_or_with_errors_stores_nothing(world: World) -> None:
    assert world.submit(after=1) is Outcome.TOO_FAST
    assert world.submit(email="not an address") is Outcome.INVALID
    assert world.pledges.by_id == {} and world.mailer.sent == []


def test_too_many_from_one_network_are_refused_and_too_many_for_one_address_silently_dropped(world: World) -> None:
    outcomes = [world.submit(email=f"p{n}@example.org") for n in range(PER_SOURCE_LIMIT + 1)]
    assert outcomes[-1] is Outcome.RATE_LIMITED and len(world.pledges.by_id) == PER_SOURCE_LIMIT

    again = [world.submit(source=f"198.51.100.{n}") for n in range(PER_EMAIL_LIMIT + 1)]
    assert set(again) == {Outcome.SENT}  # nothing tells the sender apart
    assert len(world.pledges.by_id) == PER_SOURCE_LIMIT + PER_EMAIL_LIMIT


def test_signing_again_for_the_same_institution_replaces_the_earlier_pledge(world: World) -> None:
    world.submit()
    first = world.service.confirm(world.confirmation_token())
    world.submit(target_share="25")
    second = world.service.confirm(world.confirmation_token())

    assert first is not None and second is not None
    assert world.pledges.by_id[first.pledge.id].status is PledgeStatus.WITHDRAWN
    assert world.pledges.by_id[first.pledge.id].replaced_by == second.pledge.id
    assert [p.id for p in world.pledges.by_id.values() if p.status is PledgeStatus.CONFIRMED] == [second.pledge.id]


def test_a_confirmation_link_older_than_72_hours_confirms_nothing(world: World) -> None:
    world.submit()
    token = world.confirmation_token()
    world.clock.advance(hours=72)

    assert world.service.pending(token) is None and world.service.confirm(token) is None


def test_a_withdrawn_pledge_leaves_the_registry_at_once_and_withdrawing_again_is_harmless(world: World) -> None:
    world.submit()
    confirmed = world.service.confirm(world.confirmation_token())
    assert confirmed is not None
    token = world.service.withdrawal_link(confirmed.pledge, "fr").split("jeton=", 1)[1].split("&", 1)[0]

    withdrawn, again = world.service.withdraw(token), world.service.withdraw(token)

    assert withdrawn is not None and again is not None and again.status is PledgeStatus.WITHDRAWN
    assert world.service.registry() == [] and withdrawn.purge_at == NOW + timedelta(seconds=10, days=30)


def test_an_address_ses_refuses_gets_the_usual_answer_and_its_pledge_stays_pending(world: World) -> None:
    world.mailer.refuse(REJECTED)

    assert world.submit() is Outcome.SENT
    [pending] = world.pledges.by_id.values()
    assert pending.status is PledgeStatus.PENDING and world.mailer.sent == []


# --- An institution's listed e-mail domain vouches for its pledges --------------------------------------------

RIMOUSKI = InstitutionDomain("Ville de Rimouski", "01", "ville.rimouski.qc.ca", "esbsl", NOW - timedelta(days=9))


def test_a_pledge_confirmed_from_a_domain_listed_for_its_institution_is_verified_at_once(world: World) -> None:
    world.organizers.add_domain(RIMOUSKI)
    world.submit(email="achats@ville.rimouski.qc.ca", institution_name="VILLE DE RIMOUSKI")

    confirmed = world.service.confirm(world.confirmation_token(), network="203.0.113.0/24")

    assert confirmed is not None and confirmed.pledge.is_verified_signatory
    verdict = confirmed.pledge.verdict
    assert verdict is not None and (verdict.how, verdict.domain, verdict.by) == (BY_DOMAIN, RIMOUSKI.domain, "esbsl")
    assert verdict.domain_listed_at == RIMOUSKI.listed_at and verdict.at == NOW + timedelta(seconds=10)
    assert [i.name for i in world.service.registry()] == ["VILLE DE RIMOUSKI"]
    [record] = world.audit_log.records
    assert (record.action, record.item.id, record.regions, record.network) == (
        "pledge.verify",
        confirmed.pledge.id,
        ("01",),
        "203.0.113.0/24",
    )
    assert record.details == {"how": "domain", "domain": "ville.rimouski.qc.ca", "listed_by": "esbsl"}


@pytest.mark.parametrize(
    ("email", "institution", "region"),
    [
        ("achats@ville.rimouski.qc.ca", "Ville de Matane", "01"),  # the domain is another institution's
        ("achats@ville.rimouski.qc.ca", "Ville de Rimouski", "02"),  # a namesake elsewhere
        ("achats@autre.ville.rimouski.qc.ca", "Ville de Rimouski", "01"),  # only the domain itself
        ("achats@rimouski.qc.ca", "Ville de Rimouski", "01"),
        ("ville.rimouski.qc.ca@gmail.com", "Ville de Rimouski", "01"),
    ],
)
def test_a_listed_domain_vouches_only_for_its_own_institution_exactly(
    world: World, email: str, institution: str, region: str
) -> None:
    world.organizers.add_domain(RIMOUSKI)
    world.submit(email=email, institution_name=institution, region=region)

    confirmed = world.service.confirm(world.confirmation_token())

    assert confirmed is not None and confirmed.pledge.stage is Stage.TO_VERIFY
    assert world.service.registry() == [] and world.audit_log.records == []


def test_a_public_mail_domain_never_vouches_even_if_it_were_listed(world: World) -> None:
    world.organizers.domains_by_key["01#ville de rimouski#gmail.com"] = InstitutionDomain(
        "Ville de Rimouski", "01", "gmail.com", "esbsl", NOW
    )  # listed before the rule existed, or straight in the table
    world.submit(email="maire.rimouski@gmail.com")

    confirmed = world.service.confirm(world.confirmation_token())

    assert confirmed is not None and confirmed.pledge.verdict is not None
    assert confirmed.pledge.verdict.state is Verification.TO_VERIFY and world.service.registry() == []
