"""The console's enterprises on fakes: an organizer lists, adds, edits, exports and removes the enterprises of
their regions, through the spreadsheet's validation; another region's organizer, an enterprise's person and a
signatory are refused and change nothing; every change and export is audited without personal information."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pytest

from esja.console.enterprise_form import EnterpriseForm, subscriber_field
from esja.console.enterprises import ConsoleEnterprises, EnterpriseChanged, Refused, Saved
from esja.enterprises.removal import EnterpriseRemoval
from esja.enterprises.spreadsheet import EnterpriseSpreadsheet
from esja.matching.profiles_csv import read_profiles_csv
from esja.model import Enterprise, Profile
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role
from tests.space_builders import CESIM, ESBSL, EVERYWHERE, FJORD, JULIE, MARC, MON_CHOIX, People

PERSONAL = (JULIE.email, JULIE.name, MARC.email, MARC.name, "nina@monchoix.example.org", "Nina Roy")
SHARED = Enterprise("grappe", "La Grappe", regions_served=("QC",))


class Desk:
    """The console's enterprises on the People's world."""

    def __init__(self) -> None:
        self.people = People()
        world = self.people.world
        world.enterprises.save([SHARED], [Profile("ateliers-mon-choix", "menage", keywords=("ménage",))])
        self.removal = world.build(EnterpriseRemoval)
        self.spreadsheet = world.build(EnterpriseSpreadsheet, removal=self.removal)
        self.use = world.build(ConsoleEnterprises, spreadsheet=self.spreadsheet, removal=self.removal)

    def organizer(self, who: str = "esbsl") -> Actor:
        organizer = {"esbsl": ESBSL, "cesim": CESIM, "chantier": EVERYWHERE}[who]
        return self.people.actor(organizer.email, Role.ORGANIZER, organizer.id)

    def others(self) -> list[Actor]:
        """Everyone who may not touch Les Ateliers Mon Choix from the console."""
        return [
            self.organizer("cesim"),
            self.people.actor(JULIE.email, Role.ENTERPRISE, MON_CHOIX.id),
            self.people.actor("achats@cegep.example.org", Role.SIGNATORY, "p-verified"),
        ]

    def stored(self) -> tuple[list[Enterprise], list[Profile]]:
        return self.people.world.enterprises.load()

    def audit(self) -> list[str]:
        return self.people.world.audit_log.actions()


@pytest.fixture
def desk() -> Desk:
    return Desk()


def posted(enterprise: Enterprise | None = None, **fields: str | list[str]) -> EnterpriseForm:
    """The form as the page shows it for `enterprise`, posted back with `fields` changed."""
    shown = EnterpriseForm.of(enterprise)
    values: dict[str, list[str]] = {"version": [shown.version]}
    values |= {column: [text] for column, text in shown.cells.items() if column != "regions_served"}
    values["regions_served"] = [r.strip() for r in shown.cells.get("regions_served", "").split(";") if r.strip()]
    for row in shown.subscribers:
        values |= {row.field(column): [text] for column, text in row.cells.items()}
    values |= {name: [value] if isinstance(value, str) else value for name, value in fields.items()}
    return EnterpriseForm.posted(values)


def nina(number: int) -> dict[str, str]:
    cells = {
        "subscriber_email": "nina@monchoix.example.org",
        "subscriber_name": "Nina Roy",
        "subscriber_language": "en",
        "consent_at": "2026-11-19",
        "consent_how": "courriel",
        "consent_wording": "v2",
        "manages_space": "yes",
    }
    return {subscriber_field(number, column): text for column, text in cells.items()}


def errors_of(outcome: Saved | Refused) -> dict[str, str]:
    assert isinstance(outcome, Refused)
    return {error.field: error.fr for error in outcome.errors}


def no_personal_information(details: Mapping[str, str]) -> bool:
    return not any(person in value for value in details.values() for person in PERSONAL)


def test_an_organizer_lists_the_enterprises_of_their_regions_with_profiles_and_subscribers(desk: Desk) -> None:
    listed = {
        who: [e.enterprise.id for e in desk.use.list(desk.organizer(who))] for who in ("esbsl", "cesim", "chantier")
    }

    assert listed == {
        "esbsl": ["grappe", "ateliers-mon-choix"],  # the Québec-wide enterprise is every region's
        "cesim": ["grappe"],
        "chantier": ["coop-fjord", "grappe", "ateliers-mon-choix"],  # no region listed: every one
    }
    [_, mon_choix] = desk.use.list(desk.organizer())
    assert [p.id for p in mon_choix.profiles] == ["menage"] and mon_choix.enterprise.subscribers == (JULIE, MARC)


def test_nobody_but_an_organizer_of_its_regions_opens_an_enterprise(desk: Desk) -> None:
    assert desk.use.entry(desk.organizer(), MON_CHOIX.id).enterprise == MON_CHOIX
    for other in desk.others():
        with pytest.raises(NotAllowed):
            desk.use.entry(other, MON_CHOIX.id)
    with pytest.raises(NotAllowed) as hidden:
        desk.use.entry(desk.organizer("cesim"), MON_CHOIX.id)
    assert hidden.value.hidden  # a 404: another region's ids are not confirmed


def test_an_organizer_adds_an_enterprise_and_the_journal_says_what_not_who(desk: Desk) -> None:
    form = posted(None, enterprise_id="coop-neige", enterprise_name="Coop de neige", regions_served=["01"], **nina(1))

    saved = desk.use.create(desk.organizer(), form)

    assert isinstance(saved, Saved)
    stored = desk.people.world.enterprises.enterprise("coop-neige")
    assert (
        stored is not None
        and stored.regions_served == ("01",)
        and stored.managers[0].email == "nina@monchoix.example.org"
    )
    [record] = desk.people.world.audit_log.records
    assert (record.action, record.item.id, record.regions) == ("enterprise.create", "coop-neige", ("01",))
    assert record.details["subscribers_added"] == "1" and no_personal_information(record.details)


def test_an_enterprise_registered_under_the_same_neq_is_named_beside_the_field_and_nothing_is_saved(
    desk: Desk,
) -> None:
    desk.people.world.enterprises.save([replace(FJORD, neq="1160000123")], [])  # in region 02: not ESBSL's
    before = desk.stored()
    form = posted(None, enterprise_id="coop-neige", enterprise_name="Coop de neige", regions_served=["01"], **nina(1))

    refused = desk.use.create(desk.organizer(), replace(form, cells={**form.cells, "neq": "1160 000 123"}))
    other = desk.use.create(desk.organizer(), replace(form, cells={**form.cells, "neq": "1160000124"}))

    assert isinstance(refused, Refused)
    [error] = refused.errors
    assert error.field == "neq"
    assert error.fr == "ce NEQ est déjà celui d'une entreprise inscrite : Coop du Fjord (coop-fjord)"
    assert error.en == "this NEQ is already registered, for Coop du Fjord (coop-fjord)"
    assert isinstance(other, Saved)  # another NEQ is welcome
    assert desk.audit() == ["enterprise.create"]  # the refusal wrote nothing
    assert sorted(desk.stored()[0], key=lambda e: e.id) == sorted(
        [*before[0], other.entry.enterprise], key=lambda e: e.id
    )


def test_the_form_says_what_the_spreadsheet_says_beside_each_field_and_saves_nothing(desk: Desk) -> None:
    before = desk.stored()
    bad = nina(1) | {subscriber_field(1, "consent_at"): "hier", subscriber_field(1, "subscriber_frequency"): "mensuel"}

    refused = desk.use.create(desk.organizer(), posted(None, neq="123", regions_served=["01", "19"], **bad))

    assert errors_of(refused) == {
        "enterprise_id": "valeur obligatoire",
        "enterprise_name": "valeur obligatoire",
        "neq": "NEQ invalide «\u00a0123\u00a0» (10 chiffres)",
        "regions_served": "code de région invalide «\u00a019\u00a0» (01 à 17, QC ou CA)",
        "abonne-1-subscriber_frequency": "fréquence invalide «\u00a0mensuel\u00a0» (instant, daily, weekly)",
        "abonne-1-consent_at": "date invalide «\u00a0hier\u00a0» (AAAA-MM-JJ ou AAAA-MM-JJTHH:MM)",
    }
    assert desk.stored() == before and desk.audit() == []


def test_the_same_file_row_gives_the_same_messages_as_the_form() -> None:
    """One validation: the spreadsheet's row and the form's fields say the same of the same cell."""
    row = "enterprise_id,enterprise_name,neq\ncoop-a,Coop A,123\n"
    [from_file] = read_profiles_csv(row).errors
    form_error = errors_of(Refused(EnterpriseForm.posted({"neq": ["123"], "enterprise_name": ["A"]}).read("a")[1]))

    assert form_error == {"neq": from_file.fr}


def test_an_id_already_taken_or_an_enterprise_outside_ones_regions_is_refused(desk: Desk) -> None:
    taken = desk.use.create(
        desk.organizer(), posted(None, enterprise_id=FJORD.id, enterprise_name="X", regions_served=["01"])
    )
    elsewhere = desk.use.create(
        desk.organizer(), posted(None, enterprise_id="mtl", enterprise_name="X", regions_served=["06"])
    )

    assert errors_of(taken) == {"enterprise_id": "cet identifiant est déjà pris"}
    assert errors_of(elsewhere) == {"regions_served": "choisissez au moins une de vos régions"}
    assert desk.people.world.enterprises.enterprise("mtl") is None and desk.audit() == []


def test_an_organizer_edits_an_enterprise_and_its_subscribers_and_who_manages_its_space(desk: Desk) -> None:
    remove_marc = {subscriber_field(2, "retirer"): "oui"}
    form = posted(MON_CHOIX, enterprise_name="Ateliers Mon Choix", neq="1140000017", **remove_marc, **nina(3))

    saved = desk.use.update(desk.organizer(), MON_CHOIX.id, form)

    assert isinstance(saved, Saved)
    after = desk.people.world.enterprises.enterprise(MON_CHOIX.id)
    assert after is not None and after.name == "Ateliers Mon Choix" and after.neq == "1140000017"
    assert [s.email for s in after.subscribers] == [JULIE.email, "nina@monchoix.example.org"]
    assert [s.email for s in after.managers] == ["nina@monchoix.example.org"]  # ticked: Julie no longer manages
    assert [p.id for p in desk.people.world.enterprises.profiles_of(MON_CHOIX.id)] == ["menage"]  # kept as they were
    [record] = desk.people.world.audit_log.records
    assert record.action == "enterprise.update" and record.details["columns"] == "enterprise_name neq managers"
    assert (record.details["subscribers_added"], record.details["subscribers_removed"]) == ("1", "1")
    assert no_personal_information(record.details)


def test_saving_the_form_unchanged_writes_nothing(desk: Desk) -> None:
    saved = desk.use.update(desk.organizer(), MON_CHOIX.id, posted(MON_CHOIX))

    assert isinstance(saved, Saved) and not saved.change
    assert desk.audit() == [] and "save" not in desk.people.world.enterprises.calls[-1:]


def test_at_least_one_person_stays_with_an_enterprise_that_had_some(desk: Desk) -> None:
    everyone_off = {subscriber_field(n, "retirer"): "oui" for n in (1, 2)}

    refused = desk.use.update(desk.organizer(), MON_CHOIX.id, posted(MON_CHOIX, **everyone_off))

    assert list(errors_of(refused)) == ["abonnes"]
    assert desk.people.world.enterprises.enterprise(MON_CHOIX.id) == MON_CHOIX


def test_an_edit_made_on_an_older_version_saves_nothing(desk: Desk) -> None:
    form = posted(MON_CHOIX, enterprise_name="Vieux nom")
    desk.use.update(desk.organizer(), MON_CHOIX.id, posted(MON_CHOIX, neq="1140000017"))

    with pytest.raises(EnterpriseChanged):
        desk.use.update(desk.organizer(), MON_CHOIX.id, form)
    stored = desk.people.world.enterprises.enterprise(MON_CHOIX.id)
    assert stored is not None and stored.name == MON_CHOIX.name


def test_an_organizer_may_not_move_an_enterprise_out_of_their_regions(desk: Desk) -> None:
    refused = desk.use.update(desk.organizer(), MON_CHOIX.id, posted(MON_CHOIX, regions_served=["06"]))

    assert list(errors_of(refused)) == ["regions_served"]


def test_nobody_else_edits_removes_or_plans_removing_an_enterprise(desk: Desk) -> None:
    before = desk.stored()
    for other in desk.others():
        with pytest.raises(NotAllowed):
            desk.use.update(other, MON_CHOIX.id, posted(MON_CHOIX, enterprise_name="Pris"))
        with pytest.raises(NotAllowed):
            desk.use.removal_plan(other, MON_CHOIX.id)
        with pytest.raises(NotAllowed):
            desk.use.remove(other, MON_CHOIX.id)
    for other in desk.others()[1:]:
        with pytest.raises(NotAllowed):
            desk.use.create(other, posted(None, enterprise_id="x", enterprise_name="X", regions_served=["01"]))
    cesim_in_01 = desk.use.create(
        desk.organizer("cesim"), posted(None, enterprise_id="x", enterprise_name="X", regions_served=["01"])
    )
    assert list(errors_of(cesim_in_01)) == ["regions_served"]
    assert desk.stored() == before and desk.audit() == []


def test_an_organizer_sees_the_removal_plan_then_removes_and_the_journal_says_so(desk: Desk) -> None:
    plan = desk.use.removal_plan(desk.organizer(), MON_CHOIX.id)
    assert not plan.done and desk.people.world.enterprises.enterprise(MON_CHOIX.id) is not None
    assert (plan.enterprises[0].addresses_forgotten, plan.enterprises[0].addresses_kept) == (1, 1)  # Marc: Fjord too

    removed = desk.use.remove(desk.organizer(), MON_CHOIX.id)

    assert removed.done and desk.people.world.enterprises.enterprise(MON_CHOIX.id) is None
    [record] = desk.people.world.audit_log.records
    assert (record.action, record.item.id, record.regions) == ("enterprise.remove", MON_CHOIX.id, ("01",))
    assert record.details == removed.enterprises[0].details() and no_personal_information(record.details)


def test_the_export_is_the_organizers_enterprises_and_is_audited(desk: Desk) -> None:
    exported = desk.use.export(desk.organizer())

    assert [line.split(",")[0] for line in exported.csv.splitlines()[1:]] == ["ateliers-mon-choix"] * 2 + ["grappe"]
    assert JULIE.email in exported.csv and "coop-fjord" not in exported.csv
    [record] = desk.people.world.audit_log.records
    assert record.action == "enterprises.export" and record.details == {"enterprises": "2", "subscribers": "2"}
    assert record.regions == ("01", "QC")
    for other in desk.others()[1:]:
        with pytest.raises(NotAllowed):
            desk.use.export(other)


def test_the_export_reads_back_as_the_same_enterprises(desk: Desk) -> None:
    exported = desk.use.export(desk.organizer("chantier"))

    read = read_profiles_csv(exported.csv)
    assert sorted(read.enterprises, key=lambda e: e.id) == sorted(desk.stored()[0], key=lambda e: e.id)
    assert replace(read, first_lines={}).profiles == tuple(desk.stored()[1])
