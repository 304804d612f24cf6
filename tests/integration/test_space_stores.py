"""The stores the spaces add, on moto: the pledges' verification state and indexes, the audit log (append-only,
by month, kept two years), sign-in links and sessions — each as strict as its fake in tests/fakes.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from esja.audit.log import RETENTION, AuditRecord, Item
from esja.people.roles import Role, RoleGrant
from esja.pledges.model import Pledge, PledgeStatus, Verdict, Verification
from esja.signin.model import Chosen, Session, SignInLink
from esja.store.audit_log import AuditLogStore
from esja.store.pledges import PledgeStore
from esja.store.sessions import SessionStore
from local.runtime import LocalAws
from tests.moto_tables import LOCAL_KEYS
from tests.space_builders import pledge

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def pledges(aws: LocalAws) -> PledgeStore:
    return PledgeStore(aws.resources.names["PledgesTable"], aws.client("dynamodb"))


def signed(store: PledgeStore, pledge_id: str, email: str, region: str = "01") -> None:
    """Signed and pending, then confirmed by its link, as the pages do."""
    assert store.confirm(pending(store, pledge_id, email, region), NOW) is not None


def pending(store: PledgeStore, pledge_id: str, email: str, region: str = "01") -> Pledge:
    """Signed and pending: its link not followed yet."""
    signed = replace(
        pledge(pledge_id, email, region=region),
        status=PledgeStatus.PENDING,
        confirmed_at=None,
        verdict=None,
        token_digest="d" * 64,
        token_expires_at=NOW + timedelta(hours=1),
        address_key=LOCAL_KEYS(email),
    )
    store.add(signed)
    return signed


def stored(store: PledgeStore, pledge_id: str) -> Pledge:
    found = store.get(pledge_id)
    assert found is not None
    return found


def test_a_confirmed_pledge_waits_to_be_verified(pledges: PledgeStore) -> None:
    signed(pledges, "p1", "a@ville.example.org")

    stored = pledges.get("p1")

    assert stored is not None and stored.verdict == Verdict(Verification.TO_VERIFY)
    assert [p.id for p in pledges.to_verify(NOW)] == ["p1"]


def test_a_verdict_is_kept_with_who_how_when_and_takes_the_pledge_off_the_queue(pledges: PledgeStore) -> None:
    signed(pledges, "p1", "a@ville.example.org")
    signed(pledges, "p2", "b@gmail.example.org")
    listed_at = NOW - timedelta(days=3)
    verified = Verdict(
        Verification.VERIFIED, NOW, "esbsl", "domain", domain="ville.example.org", domain_listed_at=listed_at
    )
    rejected = Verdict(Verification.REJECTED, NOW, "esbsl", "organizer", "Adresse personnelle")

    assert pledges.record_verdict(stored(pledges, "p1"), verified) is not None
    assert pledges.record_verdict(stored(pledges, "p2"), rejected) is not None

    assert pledges.get("p1").verdict == verified  # type: ignore[union-attr]
    assert pledges.get("p2").verdict == rejected  # type: ignore[union-attr]
    assert pledges.to_verify(NOW) == []
    assert pledges.get("p1").is_verified_signatory  # type: ignore[union-attr]


def test_a_withdrawn_pledge_leaves_the_queue_and_gets_no_verdict(pledges: PledgeStore) -> None:
    signed(pledges, "p1", "a@ville.example.org")
    pledges.withdraw("p1", NOW, NOW + timedelta(days=30))

    assert pledges.to_verify(NOW) == []
    assert (
        pledges.record_verdict(stored(pledges, "p1"), Verdict(Verification.VERIFIED, NOW, "esbsl", "organizer")) is None
    )


def test_a_signatorys_pledges_are_found_by_their_address_key(pledges: PledgeStore) -> None:
    signed(pledges, "p1", "a@ville.example.org")
    signed(pledges, "p2", "a@ville.example.org")
    signed(pledges, "p3", "b@ville.example.org")

    assert sorted(pledges.of_person(LOCAL_KEYS("A@Ville.example.org"))) == ["p1", "p2"]


# --- the audit log ---


def record(at: datetime, action: str = "pledge.verify", item_id: str = "p1") -> AuditRecord:
    return AuditRecord(
        at,
        action,
        Item("pledge", item_id),
        "organizer",
        "esbsl",
        "k" * 64,
        "192.0.2.0/24",
        ("01",),
        {"how": "organizer"},
    )


def test_the_audit_log_reads_back_what_was_written_newest_first_across_months(aws: LocalAws) -> None:
    log = AuditLogStore(aws.resources.names["AuditTable"], aws.client("dynamodb"))
    october, november = datetime(2026, 10, 31, 23, 59, tzinfo=UTC), datetime(2026, 11, 1, 0, 1, tzinfo=UTC)
    for written in (record(october), record(november, "pledges.export", "")):
        log.append(written)

    found = log.between(datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))

    assert found == [record(november, "pledges.export", ""), record(october)]
    assert log.between(october, november) == [record(october)]  # the end is excluded
    assert [r.action for r in log.between(october, november + timedelta(1), action="pledges.export")] == [
        "pledges.export"
    ]


def test_an_audit_record_expires_after_its_retention_and_is_never_replaced(aws: LocalAws) -> None:
    log = AuditLogStore(aws.resources.names["AuditTable"], aws.client("dynamodb"))
    log.append(record(NOW))
    log.append(record(NOW))  # the same moment twice: two records

    items = aws.client("dynamodb").scan(TableName=aws.resources.names["AuditTable"])["Items"]

    assert len(items) == 2
    assert {int(i["expires_at"]["N"]) for i in items} == {int((NOW + RETENTION).timestamp())}


# --- sign-in links and sessions ---


def test_a_link_is_spent_once_and_only_while_it_is_the_persons_latest(aws: LocalAws) -> None:
    store = SessionStore(aws.resources.names["SessionsTable"], aws.client("dynamodb"))
    first = SignInLink("1" * 64, "k", "fr", "", NOW, NOW + timedelta(minutes=15))
    second = replace(first, digest="2" * 64)
    grants = (RoleGrant(Role.ORGANIZER, "esbsl", "ESBSL", ("01",)),)
    session = Session("s" * 64, "k", grants, "csrf", NOW, NOW, "fr", "192.0.2.0/24", Chosen(Role.ORGANIZER, "esbsl"))
    store.put_link(first)
    store.put_link(second)

    assert store.link(first.digest) is None and store.link(second.digest) == second
    assert not store.open_session(first, session)
    assert store.open_session(second, session) and store.session(session.key) == session
    assert not store.open_session(second, replace(session, key="t" * 64))  # spent


def test_an_ended_session_stays_ended(aws: LocalAws) -> None:
    store = SessionStore(aws.resources.names["SessionsTable"], aws.client("dynamodb"))
    link = SignInLink("1" * 64, "k", "fr", "", NOW, NOW + timedelta(minutes=15))
    session = Session("s" * 64, "k", (), "csrf", NOW, NOW, "fr")
    store.put_link(link)
    store.open_session(link, session)

    assert store.end(session.key, NOW) and not store.end(session.key, NOW)
    store.touch(session, NOW + timedelta(minutes=5))
    store.choose(session.key, Chosen(Role.ORGANIZER, "esbsl"))

    ended = store.session(session.key)
    assert ended == replace(session, ended_at=NOW)  # neither touched nor changed after its end
    assert [s.key for s in store.sessions_of("k")] == [session.key]


def test_a_pledge_confirmed_before_verification_existed_joins_the_queue_once(
    aws: LocalAws, pledges: PledgeStore
) -> None:
    signed(pledges, "p1", "a@ville.example.org")
    client, table = aws.client("dynamodb"), aws.resources.names["PledgesTable"]
    client.update_item(  # as confirmed before this version
        TableName=table,
        Key={"pledge_id": {"S": "p1"}},
        UpdateExpression="REMOVE verification, verify_queue, verify_sort",
    )
    legacy = pledges.get("p1")
    assert legacy is not None and legacy.verdict == Verdict(Verification.TO_VERIFY) and pledges.to_verify(NOW) == []

    assert pledges.queue_to_verify(legacy) and not pledges.queue_to_verify(legacy)
    assert [p.id for p in pledges.to_verify(NOW)] == ["p1"]
    pledges.record_verdict(legacy, Verdict(Verification.VERIFIED, NOW, "esbsl", "organizer"))
    assert not pledges.queue_to_verify(legacy)
