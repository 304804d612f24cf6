"""The invitation use cases on fakes: post, amend, cancel, each refused to another institution."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from esja.errors import StoreError
from esja.ingest.changes import Change, ChangeKind
from esja.model import Status
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from esja.pledges.model import PledgeStatus, Verdict, Verification
from esja.signatory_space.invitation import Invitation, InvitationStatus
from esja.signatory_space.invitations import CHANGES_PER_DAY, POSTS_PER_DAY, PendingAnnouncements, Refusal
from esja.sources.catalogue import INVITATIONS_SOURCE
from tests.invitation_builders import (
    MATANE,
    RIMOUSKI,
    RIMOUSKI_COLLEAGUE,
    SIGNATORIES,
    SignatoryWorld,
    as_form,
    invitation_fields,
)
from tests.space_builders import NOW


@pytest.fixture
def world() -> SignatoryWorld:
    return SignatoryWorld()


def test_a_posted_invitation_is_published_stored_as_a_tender_and_announced(world: SignatoryWorld) -> None:
    saved = world.post()

    invitation = saved.invitation
    assert invitation is not None and saved.form is None and saved.refusal is None
    assert world.invitation_service.public(invitation.id) == invitation
    stored = world.tenders.get(f"{INVITATIONS_SOURCE}:ocds-esja00-{invitation.id}")
    assert stored is not None
    tender, _ = stored
    assert tender.status is Status.OPEN and tender.url == f"https://esja.example.org/invitations/{invitation.id}"
    assert tender.buyer is not None and tender.buyer.name.fr == "Ville de Rimouski"
    assert tender.regions is not None and tender.regions.codes == ("01",)
    [announced] = world.announcer.announced
    assert announced.kind is ChangeKind.NEW and announced.tender == tender
    assert world.invitations.unannounced == {}


def test_it_is_matched_by_the_same_rules_and_handed_to_the_alerts_at_once(world: SignatoryWorld) -> None:
    world.add_enterprise("menage-bsl", "a@menage.example.org")
    world.add_enterprise("traiteur", "b@traiteur.example.org", codes=("90101600",))
    invitation = world.post().invitation
    assert invitation is not None

    world.match_announced()

    key = f"{INVITATIONS_SOURCE}:ocds-esja00-{invitation.id}"
    assert world.matches.enterprises_matched(key) == ["menage-bsl"]
    assert world.invitation_alerts.requested == [key]


def test_a_refused_form_stores_nothing_and_says_why_beside_each_field(world: SignatoryWorld) -> None:
    saved = world.post(closing=NOW - timedelta(days=1), codes=["99999999"], answer_email="")

    assert saved.invitation is None and saved.form is not None
    assert {e.field: e.code for e in saved.form.errors} == {"codes": "code", "closing_date": "past", "answer": "answer"}
    assert world.invitations.by_id == {} and world.tenders.stored == {} and world.announcer.announced == []


def test_another_institution_can_neither_read_nor_change_an_invitation(world: SignatoryWorld) -> None:
    invitation = world.post().invitation
    assert invitation is not None
    world.announcer.announced.clear()
    matane = world.actor(MATANE)
    amended = as_form(invitation_fields(title_fr="Autre chose ici"))

    for action in (
        lambda: world.invitation_service.own(matane, invitation.id),
        lambda: world.invitation_service.amend(matane, invitation.id, amended),
        lambda: world.invitation_service.cancel(matane, invitation.id),
    ):
        with pytest.raises(NotAllowed) as refused:
            action()
        assert refused.value.hidden  # answered as an invitation that does not exist (404)

    assert world.invitation_service.public(invitation.id) == invitation
    assert world.announcer.announced == [] and world.invitation_service.mine(matane) == []
    assert world.audit_log.actions() == ["invitation.post"]


def test_the_people_of_one_institution_share_its_invitations(world: SignatoryWorld) -> None:
    invitation = world.post().invitation
    assert invitation is not None

    assert world.invitation_service.mine(world.actor(RIMOUSKI_COLLEAGUE)) == [invitation]
    saved = world.invitation_service.cancel(world.actor(RIMOUSKI_COLLEAGUE), invitation.id)
    assert saved.invitation is not None and saved.invitation.status is InvitationStatus.CANCELLED


@pytest.mark.parametrize(
    "lost",
    [
        {"status": PledgeStatus.WITHDRAWN},
        {"verdict": Verdict()},  # back to verify
        {"verdict": Verdict(Verification.REJECTED, NOW, "esbsl", "organizer", "pas l'institution")},
    ],
    ids=["withdrawn", "to verify again", "rejected"],
)
def test_a_pledge_no_longer_verified_in_force_loses_the_space_at_once(
    world: SignatoryWorld, lost: dict[str, object]
) -> None:
    invitation = world.post().invitation
    assert invitation is not None
    actor = world.actor(RIMOUSKI)  # a session opened before the pledge changed
    pledge_id = SIGNATORIES[RIMOUSKI][0]
    world.pledges.by_id[pledge_id] = replace(world.pledges.by_id[pledge_id], **lost)  # type: ignore[arg-type]

    for action in (
        lambda: world.invitation_service.post(actor, as_form(invitation_fields())),
        lambda: world.invitation_service.mine(actor),
        lambda: world.invitation_service.amend(actor, invitation.id, as_form(invitation_fields(title_fr="Autre"))),
        lambda: world.invitation_service.cancel(actor, invitation.id),
    ):
        with pytest.raises(NotAllowed):
            action()
    assert world.invitation_service.public(invitation.id) == invitation  # published, it stays public
    assert world.audit_log.actions() == ["invitation.post"]


def test_only_a_signatory_may_invite(world: SignatoryWorld) -> None:
    organizer = world.people.actor("sommaire@esbsl.example.org", Role.ORGANIZER, "esbsl")
    enterprise = world.people.actor("julie@monchoix.example.org", Role.ENTERPRISE, "ateliers-mon-choix")

    for actor in (organizer, enterprise):
        with pytest.raises(NotAllowed):
            world.invitation_service.post(actor, as_form(invitation_fields()))
    assert world.invitations.by_id == {}


def test_every_change_is_audited_without_personal_information(world: SignatoryWorld) -> None:
    invitation = world.post().invitation
    assert invitation is not None
    world.invitation_service.amend(world.actor(RIMOUSKI), invitation.id, as_form(invitation_fields(value="30 000")))
    world.invitation_service.cancel(world.actor(RIMOUSKI_COLLEAGUE), invitation.id)

    records = world.audit_log.records
    assert [r.action for r in records] == ["invitation.post", "invitation.amend", "invitation.cancel"]
    assert {(r.item.type, r.item.id, r.regions) for r in records} == {("invitation", invitation.id, ("01",))}
    assert [r.actor_id for r in records] == ["p-rimouski", "p-rimouski", "p-rimouski-2"]
    assert [r.details["version"] for r in records] == ["1", "2", "3"]
    assert all("@" not in value for r in records for value in r.details.values())


def test_an_amendment_is_a_new_version_announced_for_those_already_told(world: SignatoryWorld) -> None:
    invitation = world.post().invitation
    assert invitation is not None
    world.clock.advance(hours=2)

    saved = world.invitation_service.amend(
        world.actor(RIMOUSKI), invitation.id, as_form(invitation_fields(closing=NOW + timedelta(days=12)))
    )

    amended = saved.invitation
    assert amended is not None and amended.version == 2 and amended.changes == (("amended", world.clock.now),)
    assert world.announcer.announced[-1].kind is ChangeKind.AMENDED
    tender = world.announcer.announced[-1].tender
    assert tender.amendment_number == 1 and tender.closing_at == NOW + timedelta(days=12)


def test_an_amendment_that_changes_nothing_is_no_new_version(world: SignatoryWorld) -> None:
    invitation = world.post().invitation
    assert invitation is not None

    saved = world.invitation_service.amend(world.actor(RIMOUSKI), invitation.id, as_form(invitation_fields()))

    assert saved.invitation == invitation and len(world.announcer.announced) == 1


def test_a_cancellation_is_announced_once_and_a_cancelled_invitation_changes_no_more(world: SignatoryWorld) -> None:
    invitation = world.post().invitation
    assert invitation is not None

    cancelled = world.invitation_service.cancel(world.actor(RIMOUSKI), invitation.id).invitation
    again = world.invitation_service.cancel(world.actor(RIMOUSKI), invitation.id)
    amended = world.invitation_service.amend(
        world.actor(RIMOUSKI), invitation.id, as_form(invitation_fields(title_fr="Autre objet"))
    )

    assert cancelled is not None and cancelled.status is InvitationStatus.CANCELLED and cancelled.version == 2
    assert again.invitation == cancelled
    assert amended.refusal is Refusal.CANCELLED
    assert [c.kind for c in world.announcer.announced] == [ChangeKind.NEW, ChangeKind.CANCELLED]
    assert world.announcer.announced[-1].tender.status is Status.CANCELLED


def test_a_closed_invitation_can_be_neither_amended_nor_cancelled(world: SignatoryWorld) -> None:
    invitation = world.post().invitation
    assert invitation is not None
    world.clock.advance(days=11)

    assert world.invitation_service.cancel(world.actor(RIMOUSKI), invitation.id).refusal is Refusal.CLOSED
    assert (
        world.invitation_service.amend(world.actor(RIMOUSKI), invitation.id, as_form(invitation_fields())).refusal
        is Refusal.CLOSED
    )


def test_a_burst_of_invitations_is_rate_limited_per_institution(world: SignatoryWorld) -> None:
    for _ in range(POSTS_PER_DAY):
        assert world.post().invitation is not None

    refused = world.post(RIMOUSKI_COLLEAGUE)

    assert refused.refusal is Refusal.RATE_LIMITED and refused.invitation is None
    assert len(world.invitations.by_id) == POSTS_PER_DAY
    assert world.post(MATANE).invitation is not None  # another institution has its own
    world.clock.advance(days=1)
    assert world.post().invitation is not None


def test_changes_to_one_invitation_are_rate_limited(world: SignatoryWorld) -> None:
    invitation = world.post().invitation
    assert invitation is not None
    for n in range(CHANGES_PER_DAY):
        title = f"Entretien ménager, version {n + 2}"
        assert world.invitation_service.amend(
            world.actor(RIMOUSKI), invitation.id, as_form(invitation_fields(title_fr=title))
        ).invitation

    refused = world.invitation_service.amend(
        world.actor(RIMOUSKI), invitation.id, as_form(invitation_fields(title_fr="Encore une"))
    )

    assert refused.refusal is Refusal.RATE_LIMITED
    assert world.invitation_service.public(invitation.id).version == CHANGES_PER_DAY + 1  # type: ignore[union-attr]


def test_the_same_form_posted_twice_posts_one_invitation(world: SignatoryWorld) -> None:
    reference = world.invitation_service.new_reference()

    first = world.post(ref=reference).invitation
    second = world.post(ref=reference).invitation

    assert first is not None and first == second and first.id == reference
    assert len(world.invitations.by_id) == 1 and len(world.announcer.announced) == 1


def test_someone_elses_reference_gets_a_new_invitation(world: SignatoryWorld) -> None:
    theirs = world.post(MATANE, ref="0123456789").invitation
    mine = world.post(ref="0123456789").invitation

    assert theirs is not None and mine is not None and mine.id != theirs.id
    assert mine.institution.name == "Ville de Rimouski" and theirs.institution.name == "Ville de Matane"


def test_an_announcement_that_failed_is_made_when_the_form_is_posted_again(world: SignatoryWorld) -> None:
    reference = world.invitation_service.new_reference()
    world.announcer.fail("announce")

    with pytest.raises(StoreError):
        world.post(ref=reference)
    assert reference in world.invitations.unannounced and world.announcer.announced == []

    again = world.post(ref=reference)

    assert again.invitation is not None and again.invitation.id == reference
    assert [c.tender.reference for c in world.announcer.announced] == [reference]
    assert world.invitations.unannounced == {}


def test_named_enterprises_must_be_listed_in_the_directory(world: SignatoryWorld) -> None:
    world.directory.listed_ids = {"menage-bsl"}

    refused = world.post(audience="named", enterprises=["menage-bsl", "pas-listee"])

    assert refused.invitation is None and refused.form is not None
    [error] = refused.form.errors
    assert (error.field, error.code, error.params["ids"]) == ("enterprises", "named_unknown", "pas-listee")


def test_a_named_invitation_reaches_the_named_enterprises_only(world: SignatoryWorld) -> None:
    world.add_enterprise("menage-bsl", "a@menage.example.org")
    world.add_enterprise("autre-menage", "b@autre.example.org")
    world.add_enterprise("traiteur", "c@traiteur.example.org", codes=("90101600",))
    world.directory.listed_ids = {"menage-bsl", "traiteur"}
    invitation = world.post(audience="named", enterprises=["menage-bsl", "traiteur"]).invitation
    assert invitation is not None

    world.match_announced()

    key = f"{INVITATIONS_SOURCE}:ocds-esja00-{invitation.id}"
    assert world.matches.enterprises_matched(key) == ["menage-bsl", "traiteur"]  # not autre-menage
    reasons = {e: world.matches.items_by_key[(e, f"match#{key}")].alert.match for e in ("menage-bsl", "traiteur")}
    assert all(m is not None and m.reasons[0].kind == "invited" for m in reasons.values())
    traiteur = reasons["traiteur"]
    assert traiteur is not None and [r.kind for r in traiteur.reasons] == ["invited"]  # named, no profile matched


def test_a_conflicting_change_is_refused_and_changes_nothing(
    world: SignatoryWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    invitation = world.post().invitation
    assert invitation is not None
    write = world.invitations.replace

    def after_a_colleague(changed: Invitation, tender: Change, *, expected_version: int) -> bool:
        stored = world.invitations.by_id[changed.id]
        world.invitations.by_id[changed.id] = replace(stored, version=stored.version + 1)  # changed meanwhile
        return write(changed, tender, expected_version=expected_version)

    monkeypatch.setattr(world.invitations, "replace", after_a_colleague)

    saved = world.invitation_service.cancel(world.actor(RIMOUSKI), invitation.id)

    assert saved.refusal is Refusal.CONFLICT
    assert world.invitations.by_id[invitation.id].status is InvitationStatus.OPEN
    assert [c.kind for c in world.announcer.announced] == [ChangeKind.NEW]


def test_the_instant_runs_sweep_announces_what_failed_after_the_save_and_only_that(world: SignatoryWorld) -> None:
    world.announcer.fail("announce")
    with pytest.raises(StoreError):
        world.post()
    told = world.post(title_fr="Tonte de pelouse").invitation
    assert told is not None and [c.tender.reference for c in world.announcer.announced] == [told.id]
    sweep = world.build(PendingAnnouncements)

    assert sweep.sweep() == 1

    [failed] = [c for c in world.announcer.announced if c.tender.reference != told.id]
    assert failed.kind is ChangeKind.NEW and world.invitations.unannounced == {}
    assert sweep.sweep() == 0  # nothing twice
