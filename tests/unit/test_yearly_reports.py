"""The yearly reports on fakes: pre-filled with the institution's awards to registered enterprises and the
invitations it sent, saved against the target and the years before, shared by the institution's people and
refused to anyone else."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from esja.digest.signatories import SignatoryLink
from esja.model import Award, Buyer, Money, Status, Supplier, Text
from esja.people.actor import NotAllowed
from esja.people.roles import Role
from esja.pledges.model import PledgeStatus, Verdict
from esja.signatory_space.invitation import Institution
from esja.signatory_space.invitations import InvitationService
from esja.signatory_space.own_tenders import OwnTenders
from esja.signatory_space.report import Declared, Found, Period, YearlyReport
from esja.signatory_space.reports import YearlyReports, last_complete, width
from tests.digest_builders import tender
from tests.invitation_builders import as_form, invitation_fields
from tests.space_builders import NOW, People

CEGEP = "achats@cegep.example.org"
MONTREAL = "achats@montreal.example.org"
AWARDED_ON = datetime(2026, 3, 12, 15, tzinfo=UTC)


@pytest.fixture
def people() -> People:
    return People()


def reports_of(people: People) -> YearlyReports:
    world = people.world
    return world.build(YearlyReports, own_tenders=world.build(OwnTenders, buyer_links=world.organizers))


def award_of_the_cegep(people: People, native_id: str = "ocds-1", amount: str = "12500", **changes: object) -> None:
    """A contract the Cégep de Rimouski awarded to Les Ateliers Mon Choix (registered), as SEAO publishes it."""
    award = Award("A1", "active", AWARDED_ON, Money(Decimal(amount)), (Supplier("LES ATELIERS MON CHOIX INC."),))
    awarded = tender(
        native_id,
        "Entretien ménager du pavillon",
        status=Status.AWARDED,
        buyer=Buyer(Text("Cégep de Rimouski"), "OP-24577"),
        awards=(award,),
    )
    people.world.tenders.publish(replace(awarded, **changes), NOW)  # type: ignore[arg-type]


def form(year: int = 2026, **fields: str) -> dict[str, list[str]]:
    sent = {"year": str(year), "start_month": "1", "amount": "30000", "count": "3", "version": "0"} | fields
    return {name: [value] for name, value in sent.items()}


def test_the_form_is_pre_filled_with_the_awards_to_registered_enterprises_and_the_invitations(people: People) -> None:
    award_of_the_cegep(people)
    award_of_the_cegep(people, "ocds-2", "999", awards=())  # awarded to no one registered: nothing to count
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    assert people.world.build(InvitationService).post(actor, as_form(invitation_fields())).invitation

    draft = reports_of(people).draft(actor, 2026)

    assert draft.found.count == 1 and draft.found.amount == Decimal(12500)
    assert draft.found.enterprises == ("Les Ateliers Mon Choix",)
    assert draft.found.invitations == 1
    assert draft.form.values["amount"] == "12500" and draft.form.values["count"] == "1"
    assert draft.form.values["enterprises"] == "Les Ateliers Mon Choix"
    assert draft.report is None and draft.form.values["version"] == "0"


def test_awards_outside_the_period_are_not_counted(people: People) -> None:
    award_of_the_cegep(people)
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")

    fiscal = reports_of(people).draft(actor, 2026, start_month=7)  # July 2025 to June 2026: March is in
    earlier = reports_of(people).draft(actor, 2025)

    assert fiscal.period == Period(2026, 7) and fiscal.found.count == 1
    assert earlier.found.count == 0 and earlier.form.values["amount"] == "0"


def test_another_buyers_awards_are_not_the_institutions_unless_an_organizer_linked_them(people: People) -> None:
    award_of_the_cegep(people, buyer=Buyer(Text("Régie intermunicipale de l'énergie"), "OP-99999"))
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    assert reports_of(people).draft(actor, 2026).found.count == 0

    people.world.organizers.add_link(SignatoryLink("p-verified", buyer_id="op-99999"), NOW)

    assert reports_of(people).draft(actor, 2026).found.count == 1


def test_a_same_named_institution_of_another_region_keeps_its_awards(people: People) -> None:
    award_of_the_cegep(people, regions=None)
    award_of_the_cegep(people, "ocds-9", buyer=Buyer(Text("Cégep de Rimouski")), regions=_regions("06"))
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")

    assert reports_of(people).draft(actor, 2026).found.count == 1


def test_a_saved_report_is_shown_against_the_target_and_the_years_before(people: People) -> None:
    reports = reports_of(people)
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")

    first = reports.save(actor, form(2025, amount="10 000 $", count="2", total="200000"))
    second = reports.save(actor, form(2026, amount="45 990,50", count="4", total="300000", comment="Deux nouvelles"))
    overview = reports.overview(actor)

    assert first.report is not None and second.report is not None
    assert second.report.declared.share == Decimal("15.3") and second.report.target_share == 15
    assert second.report.meets_target
    assert [r.year for r in overview.reports] == [2026, 2025]
    assert [(b.report.year, b.amount_width, b.share_width, b.target_width) for b in overview.bars] == [
        (2025, 20, 5, 15),
        (2026, 100, 15, 15),
    ]
    assert people.world.audit_log.actions()[-2:] == ["report.save", "report.save"]
    assert people.world.audit_log.records[-1].details == {"year": "2026", "version": "1"}


def test_two_people_saving_at_once_never_overwrite_each_other(people: People) -> None:
    reports = reports_of(people)
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    assert reports.save(actor, form()).report is not None

    stale = reports.save(actor, form(amount="1"))  # shown before the first save: version 0
    amended = reports.save(actor, form(amount="2", count="1", version="1"))

    assert stale.report is None and stale.conflict
    assert amended.report is not None and amended.report.version == 2 and amended.report.declared.amount == 2


def test_a_report_belongs_to_its_institution_only(people: People) -> None:
    reports = reports_of(people)
    cegep = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    montreal = people.actor(MONTREAL, Role.SIGNATORY, "p-montreal")
    reports.save(cegep, form())

    assert reports.overview(montreal).reports == ()
    assert reports.draft(montreal, 2026).report is None
    assert reports.save(montreal, form()).report is not None  # its own, beside the Cégep's
    assert len(people.world.reports.by_key) == 2
    assert reports.overview(cegep).reports[0].declared.amount == Decimal(30000)


@pytest.mark.parametrize(
    ("email", "role", "item_id"),
    [
        ("julie@monchoix.example.org", Role.ENTERPRISE, "ateliers-mon-choix"),
        ("sommaire@esbsl.example.org", Role.ORGANIZER, "esbsl"),
    ],
)
def test_only_a_signatory_reports(people: People, email: str, role: Role, item_id: str) -> None:
    actor = people.actor(email, role, item_id)
    reports = reports_of(people)

    for action in (lambda: reports.overview(actor), lambda: reports.save(actor, form())):
        with pytest.raises(NotAllowed):
            action()
    assert people.world.reports.by_key == {}


def test_a_pledge_withdrawn_or_no_longer_verified_loses_the_reports_at_once(people: People) -> None:
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")  # the session opened before
    stored = people.world.pledges.by_id["p-verified"]
    for changed in (replace(stored, verdict=Verdict()), replace(stored, status=PledgeStatus.WITHDRAWN)):
        people.world.pledges.by_id["p-verified"] = changed
        with pytest.raises(NotAllowed):
            reports_of(people).save(actor, form())
    assert people.world.reports.by_key == {}


@pytest.mark.parametrize("year", [1999, 2028])
def test_a_year_that_cannot_be_reported_is_not_found(people: People, year: int) -> None:
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")

    with pytest.raises(NotAllowed) as refused:
        reports_of(people).draft(actor, year)

    assert refused.value.hidden


def test_a_saved_fiscal_report_is_shown_as_saved_and_the_next_year_follows_its_period(people: People) -> None:
    reports = reports_of(people)
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")
    reports.save(actor, form(2026, start_month="7"))

    draft = reports.draft(actor, 2026)

    assert draft.period == Period(2026, 7) and draft.form.values["version"] == "1"
    assert reports.overview(actor).next_year == 2026  # its fiscal year ended in June


def test_the_due_years_are_those_its_region_set_and_not_yet_reported(people: People) -> None:
    from esja.signatory_space.report import Deadline

    people.world.deadlines.set_deadlines(
        [Deadline(2025, "01", date(2026, 3, 31)), Deadline(2025, "06", date(2026, 4, 30))]
    )
    actor = people.actor(CEGEP, Role.SIGNATORY, "p-verified")

    assert reports_of(people).overview(actor).due == ((2025, date(2026, 3, 31)),)
    reports_of(people).save(actor, form(2025))
    assert reports_of(people).overview(actor).due == ()


def test_the_last_complete_year_and_the_bars_widths() -> None:
    assert last_complete(1, date(2026, 11, 20)) == 2025
    assert last_complete(7, date(2026, 11, 20)) == 2026
    assert last_complete(4, date(2026, 3, 31)) == 2025
    assert [width(Decimal(v), Decimal(100)) for v in ("0", "0.1", "12", "13", "99", "250")] == [0, 5, 10, 15, 100, 100]


def test_a_report_counts_each_award_once_whatever_the_enterprises_sharing_it() -> None:
    from esja.signatory_space.report import Award as Awarded

    shared = [Awarded("t", "a", e, e, "Titre", Decimal(100), None) for e in ("x", "y")]
    report = YearlyReport(
        Institution("Cégep", "01"), Declared(Period(2026), Decimal(0), 0), Found(tuple(shared)), None, NOW, "p"
    )
    assert (report.found.count, report.found.amount, report.found.enterprises) == (1, Decimal(100), ("x", "y"))
    assert report.declared.share is None and report.meets_target is None


def _regions(*codes: str):  # type: ignore[no-untyped-def]
    from tests.digest_builders import in_regions

    return in_regions(*codes)
