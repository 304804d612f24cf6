"""Sessions once open (esja.signin.sessions): idle and absolute lifetimes, the role re-checked on each request,
the anti-forgery token, sign-out and « end the others », and an organizer ending anyone's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from esja.console.sessions import PersonSessions
from esja.emails import InvalidAddress
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from esja.signin.model import ABSOLUTE_LIFETIME, IDLE_TIMEOUT
from esja.signin.sessions import ChooseRole
from tests.space_builders import ESBSL, JULIE, MARC, People


@pytest.fixture
def people() -> People:
    return People()


def test_an_open_session_is_resumed_from_its_cookie(people: People) -> None:
    cookie, session = people.session(ESBSL.email, Role.ORGANIZER, "esbsl")

    assert people.sessions.resume(cookie) == session
    assert people.sessions.resume(session.key) is None  # the stored digest is no cookie
    assert people.sessions.resume("forged") is None


def test_a_session_idle_for_30_minutes_is_over(people: People) -> None:
    cookie, _ = people.session(ESBSL.email, Role.ORGANIZER, "esbsl")

    people.world.clock.advance(seconds=IDLE_TIMEOUT.total_seconds() - 1)
    assert people.sessions.resume(cookie) is not None  # a request: the idle timeout starts again
    people.world.clock.advance(seconds=IDLE_TIMEOUT.total_seconds() - 1)
    assert people.sessions.resume(cookie) is not None
    people.world.clock.advance(seconds=IDLE_TIMEOUT.total_seconds())
    assert people.sessions.resume(cookie) is None


def test_a_session_ends_8_hours_after_sign_in_however_busy(people: People) -> None:
    cookie, _ = people.session(ESBSL.email, Role.ORGANIZER, "esbsl")
    for _ in range(int(ABSOLUTE_LIFETIME / IDLE_TIMEOUT) * 2 - 1):
        people.world.clock.advance(minutes=15)
        assert people.sessions.resume(cookie) is not None

    people.world.clock.advance(minutes=15)

    assert people.sessions.resume(cookie) is None


def test_a_session_is_over_once_signed_out(people: People) -> None:
    cookie, session = people.session(ESBSL.email, Role.ORGANIZER, "esbsl")

    people.sessions.end(session, network="192.0.2.0/24")

    assert people.sessions.resume(cookie) is None
    assert people.world.audit_log.actions() == ["session.end"]


def test_a_session_of_one_role_is_refused_in_another_space(people: People) -> None:
    _, organizer = people.session(ESBSL.email, Role.ORGANIZER, "esbsl")

    with pytest.raises(NotAllowed):
        people.sessions.actor(organizer, Role.ENTERPRISE, network="")


def test_a_person_holding_the_other_role_is_asked_to_choose(people: People) -> None:
    _, marc = people.session(MARC.email, Role.ENTERPRISE, "coop-fjord")
    people.world.organizers.by_id["esbsl"] = replace(ESBSL, email=MARC.email)
    _, both = people.session(MARC.email, Role.ENTERPRISE, "coop-fjord")

    with pytest.raises(NotAllowed):  # the first session was opened before Marc became an organizer
        people.sessions.actor(marc, Role.ORGANIZER, network="")
    with pytest.raises(ChooseRole):
        people.sessions.actor(both, Role.ORGANIZER, network="")


def test_choosing_a_role_the_session_does_not_hold_changes_nothing(people: People) -> None:
    _, session = people.session(JULIE.email)

    assert people.sessions.choose(session, "organizer", "esbsl") is None
    assert people.sessions.choose(session, "enterprise", "coop-fjord") is None
    assert people.world.sessions.by_key[session.key].chosen is None
    assert people.sessions.choose(session, "enterprise", "ateliers-mon-choix") is not None


def test_the_anti_forgery_token_is_the_sessions_own(people: People) -> None:
    _, mine = people.session(ESBSL.email, Role.ORGANIZER, "esbsl")
    _, theirs = people.session(JULIE.email, Role.ENTERPRISE, "ateliers-mon-choix")

    assert people.sessions.genuine(mine, mine.csrf_token)
    assert not people.sessions.genuine(mine, theirs.csrf_token)
    assert not people.sessions.genuine(mine, "")
    assert not people.sessions.genuine(mine, "é" * 43)


def test_ending_the_others_leaves_this_session_open(people: People) -> None:
    this_cookie, this = people.session(ESBSL.email, Role.ORGANIZER, "esbsl")
    other_cookie, _ = people.session(ESBSL.email, Role.ORGANIZER, "esbsl")
    julie_cookie, _ = people.session(JULIE.email, Role.ENTERPRISE, "ateliers-mon-choix")

    assert people.sessions.end_others(this, network="192.0.2.0/24") == 1

    assert people.sessions.resume(this_cookie) is not None and people.sessions.resume(other_cookie) is None
    assert people.sessions.resume(julie_cookie) is not None  # somebody else's
    assert people.world.audit_log.actions() == ["session.end-others"]


def test_an_organizer_ends_every_session_of_an_address_and_it_is_audited(people: People) -> None:
    julie_cookies = [people.session(JULIE.email, Role.ENTERPRISE, "ateliers-mon-choix")[0] for _ in range(2)]
    organizer = people.actor(ESBSL.email, Role.ORGANIZER, "esbsl")

    ended = people.world.build(PersonSessions).end_all(organizer, " Julie@MonChoix.example.org")

    assert ended == 2 and all(people.sessions.resume(cookie) is None for cookie in julie_cookies)
    [record] = people.world.audit_log.records
    assert (record.action, record.actor_role, record.actor_id, record.details) == (
        "sessions.end-all",
        "organizer",
        "esbsl",
        {"count": "2"},
    )
    assert JULIE.email not in repr(record) and record.network == "192.0.2.0/24"


def test_only_an_organizer_ends_someone_elses_sessions(people: People) -> None:
    cookie, _ = people.session(ESBSL.email, Role.ORGANIZER, "esbsl")
    julie = people.actor(JULIE.email, Role.ENTERPRISE, "ateliers-mon-choix")

    with pytest.raises(NotAllowed):
        people.world.build(PersonSessions).end_all(julie, ESBSL.email)
    assert people.sessions.resume(cookie) is not None and people.world.audit_log.records == []


def test_ending_sessions_of_a_non_address_is_an_error(people: People) -> None:
    organizer = people.actor(ESBSL.email, Role.ORGANIZER, "esbsl")

    with pytest.raises(InvalidAddress):
        people.world.build(PersonSessions).end_all(organizer, "pas une adresse")
