"""Sign-in by e-mailed link (esja.signin.service): the same answer whoever asks, a link that works once for
15 minutes, the latest only, and a session that holds what the person may do."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pytest

from esja.emails import Email
from esja.people.roles import Role
from esja.signin.links import SignInUrls
from esja.signin.service import Asked, Pace, SignIn
from tests.fakes import REJECTED, TEST_KEYS, THROTTLED, FakeMailer
from tests.space_builders import ESBSL, JULIE, MARC, MON_CHOIX, People

ORGANIZER = ESBSL.email
LINK = re.compile(r"https://esja\.example\.org/connexion/lien\?jeton=([A-Za-z0-9_-]{43})&lang=(fr|en)")


@dataclass
class Timer:
    """A monotonic clock that moves when slept on, or when the test says work took time."""

    now: float = 100.0
    slept: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@dataclass
class SlowMailer(FakeMailer):
    """SES taking its time: sending moves the timer."""

    timer: Timer = field(default_factory=Timer)

    def send(self, email: Email) -> str:
        self.timer.now += 0.3
        return super().send(email)


@pytest.fixture
def people() -> People:
    return People()


@pytest.fixture
def timer(people: People) -> Timer:
    timer = Timer()
    people.world.mailer = SlowMailer(timer=timer)
    return timer


def sign_in(people: People, timer: Timer | None = None) -> SignIn:
    timer = timer or Timer()
    pace = Pace(1.0, monotonic=timer.monotonic, sleep=timer.sleep)
    return people.world.build(SignIn, urls=SignInUrls("https://esja.example.org"), pace=pace)


def token_in(email: Email) -> str:
    found = LINK.search(email.text)
    assert found, email.text
    return found[1]


def test_a_known_address_receives_a_link_in_its_language_valid_15_minutes(people: People) -> None:
    asked = sign_in(people).ask("Sommaire@esbsl.example.org", language="en", network="192.0.2.0/24")

    [email] = people.world.mailer.sent
    assert asked is Asked.SENT and email.to == "Sommaire@esbsl.example.org" and email.language == "en"
    assert "15 minutes" in email.text and "did not ask" in email.text  # how long, and what if you did not ask
    assert LINK.search(email.html.replace("&amp;", "&"))  # the button, in the HTML part too
    assert token_in(email) not in repr(people.world.sessions.links)  # only its digest is kept


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(people: People) -> None:
    asked = sign_in(people).ask("nobody@example.org", language="fr", network="192.0.2.0/24")

    assert asked is Asked.SENT and people.world.mailer.sent == [] and people.world.sessions.links == {}


def test_both_answers_take_the_same_time_padded_to_the_floor(people: People, timer: Timer) -> None:
    service = sign_in(people, timer)
    for email in (ORGANIZER, "nobody@example.org"):
        started = timer.now
        service.ask(email, language="fr", network="192.0.2.0/24")
        assert timer.now - started == pytest.approx(1.0), email

    assert timer.slept == [pytest.approx(0.7), pytest.approx(1.0)]  # the known address spent 0.3 s sending


def test_not_an_address_is_an_error_on_the_form(people: People) -> None:
    assert sign_in(people).ask("pas une adresse", language="fr", network="192.0.2.0/24") is Asked.INVALID


def test_an_address_that_asked_too_often_gets_the_same_answer_and_no_more_links(people: People) -> None:
    service = sign_in(people)
    answers = [service.ask(ORGANIZER, language="fr", network=f"198.51.{n}.0/24") for n in range(8)]

    assert set(answers) == {Asked.SENT} and len(people.world.mailer.sent) == 5


def test_a_network_that_asks_too_often_is_told_to_wait(people: People) -> None:
    service = sign_in(people)
    answers = [service.ask(f"n{n}@example.org", language="fr", network="203.0.113.0/24") for n in range(31)]

    assert answers[-1] is Asked.RATE_LIMITED and set(answers[:-1]) == {Asked.SENT}


def test_asking_again_replaces_the_previous_link(people: People) -> None:
    service = sign_in(people)
    service.ask(ORGANIZER, language="fr", network="192.0.2.0/24")
    service.ask(ORGANIZER, language="fr", network="192.0.2.0/24")
    first, second = (token_in(e) for e in people.world.mailer.sent)

    assert service.link(first) is None and service.open(first, network="192.0.2.0/24") is None
    assert service.open(second, network="192.0.2.0/24") is not None


def test_a_link_opens_one_session_once(people: People) -> None:
    service = sign_in(people)
    service.ask(ORGANIZER, language="fr", network="192.0.2.0/24", next_path="/organisation/journal")
    token = token_in(people.world.mailer.sent[0])

    opened = service.open(token, network="192.0.2.0/24")
    replayed = service.open(token, network="192.0.2.0/24")

    assert opened is not None and replayed is None
    assert opened.next_path == "/organisation/journal"
    assert opened.session.chosen is not None and opened.session.chosen.role is Role.ORGANIZER  # one role: chosen
    assert TEST_KEYS(ORGANIZER) == opened.session.address_key and opened.session_id not in repr(opened)
    assert people.world.audit_log.actions() == ["session.open"]


def test_a_link_is_dead_after_15_minutes(people: People) -> None:
    service = sign_in(people)
    service.ask(ORGANIZER, language="fr", network="192.0.2.0/24")
    token = token_in(people.world.mailer.sent[0])

    people.world.clock.advance(minutes=15)

    assert service.link(token) is None and service.open(token, network="192.0.2.0/24") is None


@pytest.mark.parametrize("token", ["", "x" * 43, "A" * 42, "A" * 43 + "=", "../../etc/passwd", "A" * 10_000])
def test_forged_tokens_open_nothing(people: People, token: str) -> None:
    assert sign_in(people).open(token, network="192.0.2.0/24") is None


def test_a_role_lost_between_the_email_and_the_click_opens_nothing(people: People) -> None:
    service = sign_in(people)
    service.ask(ORGANIZER, language="fr", network="192.0.2.0/24")
    people.world.organizers.by_id.pop("esbsl")

    assert service.open(token_in(people.world.mailer.sent[0]), network="192.0.2.0/24") is None


def test_a_person_with_several_roles_chooses_after_signing_in(people: People) -> None:
    people.world.enterprises.save([replace(MON_CHOIX, subscribers=(MARC, JULIE))], [])  # Marc manages both now
    service = sign_in(people)
    service.ask(MARC.email, language="fr", network="192.0.2.0/24")

    opened = service.open(token_in(people.world.mailer.sent[0]), network="192.0.2.0/24")

    assert opened is not None and opened.session.chosen is None
    assert {g.item_id for g in opened.session.grants} == {"ateliers-mon-choix", "coop-fjord"}


@pytest.mark.parametrize("refusal", [REJECTED, THROTTLED])
def test_ses_refusing_the_link_changes_nothing_the_person_sees(people: People, refusal: Exception) -> None:
    people.world.mailer.refuse(refusal)

    assert sign_in(people).ask(ORGANIZER, language="fr", network="192.0.2.0/24") is Asked.SENT
