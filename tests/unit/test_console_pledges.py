"""The console's pledges on fakes (esja.console): verifying, rejecting (the signer told why), withdrawing on
request, correcting a name, linking to a buyer, exporting, the institutions' domains — each audited, each
refused to another region's organizer, to an enterprise and to a signatory, nothing changed."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from esja.console.buyer_links import BuyerLinks
from esja.console.domains import DomainList
from esja.console.errors import Conflict, InvalidForm, UnknownPledge
from esja.console.pledge_export import PledgeExport
from esja.console.pledges import PledgeBook, PledgeFilter
from esja.digest.signatories import SignatoryLink
from esja.people.actor import Actor, NotAllowed, at_the_terminal
from esja.people.roles import Role
from esja.pledges.domains import InstitutionDomain
from esja.pledges.model import PledgeStatus, Stage, Verdict, Verification
from esja.typography import NBSP
from tests.fakes import REJECTED
from tests.space_builders import CESIM, ESBSL, EVERYWHERE, JULIE, NOW, People, pledge

ALL_STAGES: frozenset[Stage] = frozenset()


@pytest.fixture
def people() -> People:
    return People()


def esbsl(people: People) -> Actor:
    return people.actor(ESBSL.email, Role.ORGANIZER, "esbsl")


def cesim(people: People) -> Actor:
    return people.actor(CESIM.email, Role.ORGANIZER, "cesim")


def book(people: People) -> PledgeBook:
    return people.world.build(PledgeBook)


def public(people: People) -> list[str]:
    return [institution.name for institution in _registry(people)]


def _registry(people: People) -> list[Any]:
    from esja.pledges.model import by_institution

    return by_institution(people.world.pledges.registry(NOW))


# --- the list, and one pledge ---------------------------------------------------------------------------


def test_the_list_shows_the_pledges_to_verify_of_the_organizers_regions_first(people: People) -> None:
    waiting = pledge("p-montreal-waiting", "a2@montreal.example.org", region="06", verdict=Verdict())
    people.world.pledges.by_id[waiting.id] = waiting

    mine = book(people).list(esbsl(people), PledgeFilter())
    theirs = book(people).list(cesim(people), PledgeFilter())
    everywhere = book(people).list(people.actor(EVERYWHERE.email, Role.ORGANIZER, "chantier"), PledgeFilter())

    assert [p.id for p in mine.pledges] == ["p-to-verify"]
    assert [p.id for p in theirs.pledges] == ["p-montreal-waiting"]
    assert {p.id for p in everywhere.pledges} == {"p-to-verify", "p-montreal-waiting"}


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (PledgeFilter(frozenset({Stage.VERIFIED})), ["p-verified"]),
        (PledgeFilter(frozenset({Stage.REJECTED})), ["p-rejected"]),
        (PledgeFilter(frozenset({Stage.WITHDRAWN})), ["p-withdrawn"]),
        (PledgeFilter(ALL_STAGES, text="cegep"), ["p-verified"]),  # accents and case aside
        (PledgeFilter(ALL_STAGES, region="06"), []),  # not ESBSL's region: nothing, even if asked
    ],
)
def test_the_list_filters_by_stage_region_and_name(people: People, chosen: PledgeFilter, expected: list[str]) -> None:
    assert [p.id for p in book(people).list(esbsl(people), chosen).pledges] == expected


def test_a_pledge_shows_who_decided_by_name_and_its_buyers(people: People) -> None:
    people.world.organizers.links_by_key["x"] = SignatoryLink("p-verified", buyer_id="OP-1")

    case = book(people).case(esbsl(people), "p-verified")

    assert case.decided_by == "Économie sociale Bas-Saint-Laurent"
    assert case.links == (SignatoryLink("p-verified", buyer_id="OP-1"),)


def test_another_regions_pledge_is_answered_as_no_pledge(people: People) -> None:
    with pytest.raises(UnknownPledge) as refused:
        book(people).case(cesim(people), "p-to-verify")

    assert refused.value.hidden  # a 404: the id's existence is not confirmed


# --- verifying and rejecting ---------------------------------------------------------------------------


def test_verifying_makes_a_pledge_public_and_is_audited(people: People) -> None:
    assert "Ville de Rimouski" not in public(people)

    verified = book(people).verify(esbsl(people), "p-to-verify")

    assert verified.is_verified_signatory and verified.verdict is not None
    assert (verified.verdict.by, verified.verdict.how, verified.verdict.at) == ("esbsl", "organizer", NOW)
    assert "Ville de Rimouski" in public(people)
    [record] = people.world.audit_log.records
    assert (record.action, record.item.id, record.actor_id, record.regions) == (
        "pledge.verify",
        "p-to-verify",
        "esbsl",
        ("01",),
    )
    assert record.details == {"how": "organizer", "was": "to-verify"}


@pytest.mark.parametrize(
    ("pledge_id", "conflict"),
    [("p-verified", "already-verified"), ("p-withdrawn", "withdrawn"), ("p-pending", "pending")],
)
def test_only_a_confirmed_pledge_not_yet_verified_is_verified(people: People, pledge_id: str, conflict: str) -> None:
    pending = pledge("p-pending", "p@ville.example.org", status=PledgeStatus.PENDING, confirmed_at=None, verdict=None)
    people.world.pledges.by_id[pending.id] = pending
    before = dict(people.world.pledges.by_id)

    with pytest.raises(Conflict) as refused:
        book(people).verify(esbsl(people), pledge_id)

    assert refused.value.code == conflict
    assert people.world.pledges.by_id == before and people.world.audit_log.records == []


def test_two_organizers_deciding_at_once_decide_once(people: People) -> None:
    """The verdict is recorded on the pledge as it was read: a decision made in between wins."""
    read = people.world.pledges.by_id["p-to-verify"]
    pledges = people.world.pledges
    original = pledges.get

    def read_then_decided_elsewhere(pledge_id: str) -> Any:
        found = original(pledge_id)
        pledges.by_id[pledge_id] = replace(read, verdict=Verdict(Verification.REJECTED, NOW, "chantier", "organizer"))
        return found

    pledges.get = read_then_decided_elsewhere  # type: ignore[method-assign]

    with pytest.raises(Conflict, match="changed"):
        book(people).verify(esbsl(people), "p-to-verify")
    assert people.world.audit_log.records == []


def test_rejecting_tells_the_signer_why_in_their_language_and_purges_the_pledge_later(people: People) -> None:
    people.world.pledges.by_id["p-to-verify"] = replace(people.world.pledges.by_id["p-to-verify"], language="fr")
    reason = 'Adresse personnelle : appelez-nous au <script>alert("x")</script> & merci'

    rejection = book(people).reject(esbsl(people), "p-to-verify", f"  {reason}\n")

    assert rejection.told and rejection.pledge.stage is Stage.REJECTED
    assert rejection.pledge.purge_at == NOW + timedelta(days=30)
    [email] = people.world.mailer.sent
    assert email.to == "maire@ville.example.org" and email.language == "fr"
    assert email.subject == f"Votre engagement n'a pas pu être vérifié — L'économie sociale, j'achète{NBSP}!"
    assert "<script>" not in email.html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; merci" in email.html
    assert f"Adresse personnelle{NBSP}: appelez-nous" in email.text and f"«{NBSP}Ville de Rimouski{NBSP}»" in email.text
    [record] = people.world.audit_log.records
    assert record.action == "pledge.reject" and record.details == {"was": "to-verify", "told": "yes", "sessions": "0"}
    assert reason not in str(record.details)  # the reason is the pledge's, deleted with it; not the journal's


def test_a_rejection_in_english_is_worded_in_english(people: People) -> None:
    people.world.pledges.by_id["p-to-verify"] = replace(people.world.pledges.by_id["p-to-verify"], language="en")

    book(people).reject(esbsl(people), "p-to-verify", "Nothing shows you speak for the city.")

    [email] = people.world.mailer.sent
    assert email.subject.startswith("Your pledge could not be verified") and "The organizer's reason:" in email.text


def test_a_rejection_ses_refuses_is_recorded_and_the_organizer_told_to_reach_the_signer(people: People) -> None:
    people.world.mailer.refuse(REJECTED)

    rejection = book(people).reject(esbsl(people), "p-to-verify", "Adresse personnelle.")

    assert not rejection.told and people.world.pledges.by_id["p-to-verify"].stage is Stage.REJECTED
    assert people.world.audit_log.records[0].details["told"] == "no"


@pytest.mark.parametrize("reason", ["", "  ", "ok", "x" * 501, "voir evil-phish.com", "caché\u200b"])
def test_a_rejection_needs_a_reason_fit_for_an_email(people: People, reason: str) -> None:
    with pytest.raises(InvalidForm) as refused:
        book(people).reject(esbsl(people), "p-to-verify", reason)

    assert refused.value.error("reason") is not None
    assert people.world.pledges.by_id["p-to-verify"].stage is Stage.TO_VERIFY and people.world.mailer.sent == []


def test_a_verified_pledge_rejected_later_leaves_every_public_place(people: People) -> None:
    book(people).reject(esbsl(people), "p-verified", "La directrice nous dit n'avoir rien signé.")

    assert "Cégep de Rimouski" not in public(people)


# --- withdrawing, renaming -------------------------------------------------------------------------------


def test_withdrawing_on_request_keeps_why_and_is_audited(people: People) -> None:
    withdrawn = book(people).withdraw(esbsl(people), "p-verified", "Demande de la directrice par téléphone.")

    assert withdrawn.status is PledgeStatus.WITHDRAWN and withdrawn.purge_at == NOW + timedelta(days=30)
    assert withdrawn.withdrawal_reason == "Demande de la directrice par téléphone."
    assert "Cégep de Rimouski" not in public(people)
    [record] = people.world.audit_log.records
    assert (record.action, record.details) == (
        "pledge.withdraw",
        {"was": "verified", "on_request": "yes", "sessions": "0"},
    )
    with pytest.raises(Conflict, match="withdrawn"):
        book(people).withdraw(esbsl(people), "p-verified", "Encore.")


def test_a_typo_in_the_institutions_name_is_corrected_and_both_spellings_journaled(people: People) -> None:
    people.world.pledges.by_id["p-verified"] = replace(
        people.world.pledges.by_id["p-verified"],
        details=replace(people.world.pledges.by_id["p-verified"].details, institution_name="Cégep de Rimousky"),
    )

    renamed = book(people).rename(esbsl(people), "p-verified", " Cégep  de Rimouski ")

    assert renamed.details.institution_name == "Cégep de Rimouski" and "Cégep de Rimouski" in public(people)
    [record] = people.world.audit_log.records
    assert record.details == {"before": "Cégep de Rimousky", "after": "Cégep de Rimouski"}
    assert book(people).rename(esbsl(people), "p-verified", "Cégep de Rimouski") == renamed  # unchanged: no record
    assert len(people.world.audit_log.records) == 1


@pytest.mark.parametrize("name", ["", "x", "evil-phish.com", "a" * 201, "\u202eCégep"])
def test_a_name_unfit_for_the_registry_is_refused(people: People, name: str) -> None:
    with pytest.raises(InvalidForm):
        book(people).rename(esbsl(people), "p-verified", name)

    assert people.world.pledges.by_id["p-verified"].details.institution_name == "Cégep de Rimouski"


# --- buyers, export ------------------------------------------------------------------------------------------


def test_a_pledge_is_linked_to_a_buyer_and_unlinked_both_audited(people: People) -> None:
    links = people.world.build(BuyerLinks)

    linked = links.link(esbsl(people), "p-verified", buyer_id=" OP-36518 ", buyer_name="Cégep  de Rimouski")
    again = links.link(esbsl(people), "p-verified", buyer_id="OP-36518")
    unlinked = links.unlink(esbsl(people), "p-verified", buyer_id="OP-36518")

    assert [new for _, new in linked.links] == [True, True] and [new for _, new in again.links] == [False]
    assert [existed for _, existed in unlinked.links] == [True]
    assert list(people.world.organizers.links_by_key.values()) == [
        SignatoryLink("p-verified", buyer_name="Cégep de Rimouski")
    ]
    assert [(r.action, dict(r.details)) for r in people.world.audit_log.records] == [
        ("pledge.link", {"buyer_id": "OP-36518"}),
        ("pledge.link", {"buyer_name": "Cégep de Rimouski"}),
        ("pledge.unlink", {"buyer_id": "OP-36518"}),
    ]


@pytest.mark.parametrize(("buyer_id", "buyer_name"), [("", ""), ("OP 1", ""), ("x" * 41, ""), ("", "voir bit.ly/x")])
def test_a_link_names_a_buyer_id_or_a_name_fit_to_be_read(people: People, buyer_id: str, buyer_name: str) -> None:
    with pytest.raises(InvalidForm):
        people.world.build(BuyerLinks).link(esbsl(people), "p-verified", buyer_id=buyer_id, buyer_name=buyer_name)

    assert people.world.organizers.links_by_key == {}


def test_the_export_is_the_organizers_regions_audited_and_safe_for_spreadsheets(people: People) -> None:
    people.world.pledges.by_id["p-verified"] = replace(
        people.world.pledges.by_id["p-verified"],
        details=replace(people.world.pledges.by_id["p-verified"].details, signatory_name="=HYPERLINK(1)"),
    )
    export = people.world.build(PledgeExport)

    exported = export.export(esbsl(people), PledgeFilter(ALL_STAGES))
    everything = export.export(at_the_terminal(), PledgeFilter(ALL_STAGES))

    rows = list(csv.DictReader(io.StringIO(exported.csv)))
    assert exported.count == 4 and {r["region"] for r in rows} == {"01"}  # not Montréal's
    assert everything.count == 5
    verified = next(r for r in rows if r["pledge_id"] == "p-verified")
    assert verified["signatory_name"] == "'=HYPERLINK(1)" and verified["verification"] == "verified"
    assert (verified["verified_by"], verified["verified_how"]) == ("esbsl", "organizer")
    first, terminal = people.world.audit_log.records
    assert (first.action, first.actor_id, first.regions, first.details["count"]) == (
        "pledges.export",
        "esbsl",
        ("01",),
        "4",
    )
    assert (terminal.actor_id, terminal.network, terminal.regions) == ("terminal", "terminal", ("01", "06"))


# --- the institutions' domains ------------------------------------------------------------------------------


def test_an_organizer_lists_an_institutions_domain_and_takes_it_off_both_audited(people: People) -> None:
    domains = people.world.build(DomainList)

    listed = domains.add(esbsl(people), institution=" Ville de Rimouski ", region="01", domain="@Ville.Rimouski.QC.ca.")

    assert (listed.institution, listed.domain, listed.listed_by, listed.listed_at) == (
        "Ville de Rimouski",
        "ville.rimouski.qc.ca",
        "esbsl",
        NOW,
    )
    assert domains.domains(esbsl(people)).domains == ((listed, "Économie sociale Bas-Saint-Laurent"),)
    assert domains.domains(cesim(people)).domains == ()
    with pytest.raises(Conflict, match="already-listed"):
        domains.add(esbsl(people), institution="VILLE DE RIMOUSKI", region="01", domain="ville.rimouski.qc.ca")
    with pytest.raises(NotAllowed):
        domains.remove(cesim(people), listed.key)  # another region's
    assert domains.remove(esbsl(people), listed.key) == listed and domains.domains(esbsl(people)).domains == ()
    assert [(r.action, r.regions, dict(r.details)) for r in people.world.audit_log.records] == [
        ("domain.add", ("01",), {"institution": "Ville de Rimouski", "domain": "ville.rimouski.qc.ca"}),
        ("domain.remove", ("01",), {"institution": "Ville de Rimouski", "domain": "ville.rimouski.qc.ca"}),
    ]


@pytest.mark.parametrize(
    ("domain", "code"),
    [
        ("gmail.com", "public_mail"),
        ("Videotron.ca", "public_mail"),
        ("mail.yahoo.com", "public_mail"),  # a public domain's subdomain
        ("globetrotter.net", "public_mail"),  # a Québec provider the list lacks
        ("", "domain"),
        ("localhost", "domain"),
        ("x@ville.qc.ca", "domain"),
        ("ville rimouski.qc.ca", "domain"),
        ("<script>.ca", "domain"),
    ],
)
def test_a_public_mail_domain_or_no_domain_is_refused_and_says_why(people: People, domain: str, code: str) -> None:
    with pytest.raises(InvalidForm) as refused:
        people.world.build(DomainList).add(esbsl(people), institution="Ville de Rimouski", region="01", domain=domain)

    error = refused.value.error("domain")
    assert error is not None and error.code == code
    assert people.world.organizers.domains_by_key == {} and people.world.audit_log.records == []


def test_an_organizer_lists_domains_only_in_their_regions(people: People) -> None:
    with pytest.raises(InvalidForm) as refused:
        people.world.build(DomainList).add(
            esbsl(people), institution="Ville de Montréal", region="06", domain="montreal.ca"
        )

    assert refused.value.error("region") is not None and people.world.organizers.domains_by_key == {}


# --- nobody but the region's organizer -------------------------------------------------------------------


def actions(people: People) -> dict[str, Callable[[Actor], object]]:
    """Every action of the console's pledges and domains, on ESBSL's pledges and domains."""
    built, links, domains = book(people), people.world.build(BuyerLinks), people.world.build(DomainList)
    listed = InstitutionDomain("Ville de Rimouski", "01", "ville.rimouski.qc.ca", "esbsl", NOW)
    key = listed.key
    people.world.organizers.domains_by_key[key] = listed
    return {
        "case": lambda actor: built.case(actor, "p-to-verify"),
        "verify": lambda actor: built.verify(actor, "p-to-verify"),
        "reject": lambda actor: built.reject(actor, "p-to-verify", "Adresse personnelle."),
        "withdraw": lambda actor: built.withdraw(actor, "p-verified", "À sa demande."),
        "rename": lambda actor: built.rename(actor, "p-verified", "Cégep de Rimouski (campus)"),
        "link": lambda actor: links.link(actor, "p-verified", buyer_id="OP-1"),
        "unlink": lambda actor: links.unlink(actor, "p-verified", buyer_id="OP-1"),
        "remove-domain": lambda actor: domains.remove(actor, key),
        "add-domain": lambda actor: domains.add(actor, institution="Ville de Rimouski", region="01", domain="x.ca"),
    }


@pytest.mark.parametrize(
    "who",
    [
        ("digest@cesim.example.org", Role.ORGANIZER, "cesim"),  # another region's organizer
        (JULIE.email, Role.ENTERPRISE, "ateliers-mon-choix"),
        ("achats@cegep.example.org", Role.SIGNATORY, "p-verified"),  # the pledge's own signatory
    ],
)
@pytest.mark.parametrize(
    "action", ["case", "verify", "reject", "withdraw", "rename", "link", "unlink", "remove-domain", "add-domain"]
)
def test_nobody_but_the_regions_organizers_acts_on_its_pledges(
    people: People, who: tuple[str, Role, str], action: str
) -> None:
    actor = people.actor(*who)
    do = actions(people)[action]
    pledges_before = dict(people.world.pledges.by_id)
    domains_before = dict(people.world.organizers.domains_by_key)

    with pytest.raises((NotAllowed, InvalidForm)):
        do(actor)

    assert people.world.pledges.by_id == pledges_before and people.world.organizers.domains_by_key == domains_before
    assert people.world.organizers.links_by_key == {} and people.world.audit_log.records == []
    assert people.world.mailer.sent == []


@pytest.mark.parametrize(
    "who",
    [(JULIE.email, Role.ENTERPRISE, "ateliers-mon-choix"), ("achats@cegep.example.org", Role.SIGNATORY, "p-verified")],
)
def test_lists_and_exports_are_the_organizers_only(people: People, who: tuple[str, Role, str]) -> None:
    actor = people.actor(*who)

    for read in (
        lambda: book(people).list(actor, PledgeFilter()),
        lambda: people.world.build(PledgeExport).export(actor, PledgeFilter(ALL_STAGES)),
        lambda: people.world.build(DomainList).domains(actor),
    ):
        with pytest.raises(NotAllowed):
            read()
    assert people.world.audit_log.records == []
