"""The pledges' verification in the tables, on moto: only a verified pledge whose signatory consented is in the
registry's index (what the registry and the alerts' badge read); verdicts, names and withdrawals recorded only on
the pledge as it was read; the institutions' domains listed and taken off (marked, never deleted)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from esja.pledges.domains import InstitutionDomain
from esja.pledges.model import BY_DOMAIN, BY_ORGANIZER, Stage, Verdict, Verification
from esja.store.organizers import OrganizerStore
from esja.store.pledges import PledgeStore
from esja.store.public_signatories import PublicSignatories
from local.runtime import LocalAws
from tests.integration.test_space_stores import NOW, pending, signed, stored

VERIFIED = Verdict(Verification.VERIFIED, NOW, "esbsl", BY_ORGANIZER)
REJECTED = Verdict(Verification.REJECTED, NOW, "esbsl", BY_ORGANIZER, "Adresse personnelle.")


@pytest.fixture
def pledges(aws: LocalAws) -> PledgeStore:
    return PledgeStore(aws.resources.names["PledgesTable"], aws.client("dynamodb"))


@pytest.fixture
def organizers(aws: LocalAws) -> OrganizerStore:
    return OrganizerStore(aws.resources.names["OrganizersTable"], aws.client("dynamodb"))


def listed(aws: LocalAws) -> list[tuple[str, str]]:
    """What the public reads: the registry's index, as the alerts' badge reads it too."""
    found = PublicSignatories(aws.resources.names["PledgesTable"], aws.client("dynamodb")).listed(NOW)
    return sorted((s.pledge_id, s.institution_name) for s in found)


def test_a_confirmed_pledge_is_on_the_registry_only_once_verified(aws: LocalAws, pledges: PledgeStore) -> None:
    signed(pledges, "p1", "a@ville.example.org")
    assert listed(aws) == [] and pledges.registry(NOW) == []

    verified = pledges.record_verdict(stored(pledges, "p1"), VERIFIED)

    assert verified is not None and verified.verdict == VERIFIED and verified.purge_at is None
    assert listed(aws) == [("p1", "Ville de Rimouski")] and pledges.to_verify(NOW) == []


def test_a_verified_pledge_whose_signatory_did_not_consent_stays_off_the_registry(
    aws: LocalAws, pledges: PledgeStore
) -> None:
    signed(pledges, "p1", "a@ville.example.org")
    unlisted = replace(stored(pledges, "p1"), details=replace(stored(pledges, "p1").details, registry_consent=False))
    aws.client("dynamodb").update_item(
        TableName=aws.resources.names["PledgesTable"],
        Key={"pledge_id": {"S": "p1"}},
        UpdateExpression="SET registry_consent = :no",
        ExpressionAttributeValues={":no": {"BOOL": False}},
    )

    assert pledges.record_verdict(unlisted, VERIFIED) is not None
    assert listed(aws) == [] and stored(pledges, "p1").is_verified_signatory


def test_a_pledge_verified_by_its_domain_at_confirmation_is_listed_at_once(aws: LocalAws, pledges: PledgeStore) -> None:
    signed = pending(pledges, "p1", "achats@ville.rimouski.qc.ca")
    vouched = Verdict(
        Verification.VERIFIED, NOW, "esbsl", BY_DOMAIN, domain="ville.rimouski.qc.ca", domain_listed_at=NOW
    )

    confirmed = pledges.confirm(signed, NOW, vouched)

    assert confirmed is not None and confirmed.verdict == vouched and stored(pledges, "p1").verdict == vouched
    assert listed(aws) == [("p1", "Ville de Rimouski")] and pledges.to_verify(NOW) == []


def test_a_rejected_pledge_leaves_the_registry_and_is_purged_later_unless_verified_again(
    aws: LocalAws, pledges: PledgeStore
) -> None:
    signed(pledges, "p1", "a@ville.example.org")
    verified = pledges.record_verdict(stored(pledges, "p1"), VERIFIED)
    assert verified is not None

    rejected = pledges.record_verdict(verified, REJECTED, purge_at=NOW + timedelta(days=30))

    assert rejected is not None and rejected.stage is Stage.REJECTED and listed(aws) == []
    assert rejected.purge_at == NOW + timedelta(days=30)
    again = pledges.record_verdict(rejected, replace(VERIFIED, at=NOW + timedelta(hours=1)))
    assert again is not None and again.purge_at is None and listed(aws) == [("p1", "Ville de Rimouski")]


def test_a_verdict_on_a_pledge_that_changed_since_it_was_read_is_refused(aws: LocalAws, pledges: PledgeStore) -> None:
    signed(pledges, "p1", "a@ville.example.org")
    read = stored(pledges, "p1")
    assert pledges.record_verdict(read, REJECTED, purge_at=NOW + timedelta(days=30)) is not None

    assert pledges.record_verdict(read, VERIFIED) is None  # still read as « to verify »: another organizer decided
    renamed = pledges.rename(stored(pledges, "p1"), "Ville de Rimouski (centre)")
    assert renamed is not None and pledges.record_verdict(replace(renamed, details=read.details), VERIFIED) is None
    assert stored(pledges, "p1").stage is Stage.REJECTED and listed(aws) == []


def test_renaming_a_listed_pledge_renames_it_everywhere_it_is_read(aws: LocalAws, pledges: PledgeStore) -> None:
    signed(pledges, "p1", "a@ville.example.org")
    verified = pledges.record_verdict(stored(pledges, "p1"), VERIFIED)
    assert verified is not None

    renamed = pledges.rename(verified, "Ville de Rimouski")  # the same: harmless
    assert renamed is not None
    renamed = pledges.rename(renamed, "Cité de Rimouski")

    assert renamed is not None and renamed.details.institution_name == "Cité de Rimouski"
    assert listed(aws) == [("p1", "Cité de Rimouski")]
    assert pledges.confirmed_of(renamed.details.signatory_key) == ["p1"]  # signing again replaces it
    assert pledges.rename(verified, "Autre nom") is None  # read before the rename: refused


def test_a_pledge_withdrawn_on_request_keeps_why(pledges: PledgeStore) -> None:
    signed(pledges, "p1", "a@ville.example.org")

    withdrawn = pledges.withdraw("p1", NOW, NOW + timedelta(days=30), reason="Demande de la DG par téléphone.")

    assert withdrawn is not None and stored(pledges, "p1").withdrawal_reason == "Demande de la DG par téléphone."


def test_a_pledge_listed_unverified_before_verification_counted_leaves_the_registry_once(
    aws: LocalAws, pledges: PledgeStore
) -> None:
    """As confirmed while the registry did not look at verification: « to verify » and in the registry's index."""
    signed(pledges, "p1", "a@ville.example.org")
    aws.client("dynamodb").update_item(
        TableName=aws.resources.names["PledgesTable"],
        Key={"pledge_id": {"S": "p1"}},
        UpdateExpression="SET registry_partition = :public, registry_sort = :sort",
        ExpressionAttributeValues={":public": {"S": "public"}, ":sort": {"S": "ville de rimouski#p1"}},
    )
    assert listed(aws) == [("p1", "Ville de Rimouski")]

    assert pledges.queue_to_verify(stored(pledges, "p1")) and not pledges.queue_to_verify(stored(pledges, "p1"))

    assert listed(aws) == [] and [p.id for p in pledges.to_verify(NOW)] == ["p1"]


# --- the institutions' domains and the buyer links ---


def test_an_institutions_domain_is_found_by_its_name_folded_and_taken_off_by_a_mark(organizers: OrganizerStore) -> None:
    rimouski = InstitutionDomain("Ville de Rimouski", "01", "ville.rimouski.qc.ca", "esbsl", NOW)

    assert organizers.add_domain(rimouski) and not organizers.add_domain(rimouski)
    assert organizers.listed_domain("01", "VILLE DE  RIMOUSKI", "ville.rimouski.qc.ca") == rimouski
    assert organizers.listed_domain("02", "Ville de Rimouski", "ville.rimouski.qc.ca") is None
    assert organizers.domains() == [rimouski]

    assert organizers.remove_domain(rimouski.key, NOW, "esbsl") == rimouski
    assert organizers.remove_domain(rimouski.key, NOW, "esbsl") is None
    assert organizers.listed_domain("01", "Ville de Rimouski", "ville.rimouski.qc.ca") is None
    assert organizers.domains() == []
    later = replace(rimouski, listed_at=datetime.now(UTC).replace(microsecond=0))
    assert organizers.add_domain(later) and organizers.domains() == [later]  # listed again
