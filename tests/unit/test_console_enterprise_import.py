"""The console's import on fakes: a dry run says what the file would change and changes nothing; the confirmed
import is exactly the dry run (the file held for that session, once, 30 minutes); a file that is no CSV in
UTF-8, has errors or reaches beyond the organizer's regions changes nothing and says where; only an organizer of
every region imports the whole list."""

from __future__ import annotations

from dataclasses import replace

import pytest

from esja.console.enterprise_import import MAX_FILE_BYTES, ConsoleImport, Done, DryRun, HeldFileGone
from esja.enterprises.removal import EnterpriseRemoval
from esja.enterprises.spreadsheet import Changes, EnterpriseSpreadsheet
from esja.matching.profiles_csv import write_profiles_csv
from esja.model import Enterprise, Profile, Subscriber
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role
from tests.space_builders import CESIM, CONSENT, ESBSL, EVERYWHERE, FJORD, JULIE, MARC, MON_CHOIX, People

MENAGE = Profile(MON_CHOIX.id, "menage", "Ménage", keywords=("ménage",))
COUTURE = Profile(MON_CHOIX.id, "couture", "Couture", keywords=("couture",))
NINA = Subscriber("nina@monchoix.example.org", "Nina Roy", "en", "weekly", CONSENT)


class Importing:
    def __init__(self) -> None:
        self.people = People()
        self.world = self.people.world
        self.world.enterprises.save([MON_CHOIX], [MENAGE])
        removal = self.world.build(EnterpriseRemoval)
        spreadsheet = self.world.build(EnterpriseSpreadsheet, removal=removal)
        self.use = self.world.build(ConsoleImport, spreadsheet=spreadsheet)

    def organizer(self, organizer_id: str = "esbsl") -> Actor:
        email = {"esbsl": ESBSL, "cesim": CESIM, "chantier": EVERYWHERE}[organizer_id].email
        return self.people.actor(email, Role.ORGANIZER, organizer_id)

    def stored(self) -> tuple[list[Enterprise], list[Profile]]:
        return self.world.enterprises.load()


@pytest.fixture
def importing() -> Importing:
    return Importing()


def csv_file(enterprises: list[Enterprise], profiles: list[Profile]) -> bytes:
    return write_profiles_csv(enterprises, profiles).encode()


# Mon Choix renamed, Marc off and Nina on, its « ménage » profile changed and « couture » added; a new enterprise.
CHANGED = csv_file(
    [
        replace(MON_CHOIX, name="Ateliers Mon Choix", subscribers=(JULIE, NINA)),
        Enterprise("verger", "Verger", regions_served=("01",), subscribers=(MARC,)),
    ],
    [replace(MENAGE, keywords=("ménage", "entretien")), COUTURE, Profile("verger", "pommes", keywords=("pommes",))],
)


def test_a_dry_run_says_what_would_change_and_changes_nothing(importing: Importing) -> None:
    before = importing.stored()

    dry = importing.use.dry_run(importing.organizer(), CHANGED)

    assert dry.plan.ok and dry.held_id and importing.stored() == before
    [mon_choix, verger] = dry.plan.changes
    assert (mon_choix.added, mon_choix.columns) == (False, ("enterprise_name",))
    assert mon_choix.profiles == Changes(added=("couture",), changed=("menage",))
    assert mon_choix.subscribers == Changes(added=(NINA.email,), removed=(MARC.email,))
    assert verger.added and verger.profiles == Changes(added=("pommes",))
    assert importing.world.audit_log.records == []


def test_the_confirmed_import_is_the_dry_run_and_each_enterprise_is_journaled(importing: Importing) -> None:
    organizer = importing.organizer()
    dry = importing.use.dry_run(organizer, CHANGED)

    done = importing.use.confirm(organizer, dry.held_id)

    assert isinstance(done, Done) and done.plan.fingerprint == dry.plan.fingerprint
    enterprises, profiles = importing.stored()
    assert [e.name for e in enterprises] == ["Ateliers Mon Choix", "Coop du Fjord", "Verger"]  # Fjord: not in the file
    assert [(p.enterprise_id, p.id) for p in profiles] == [
        (MON_CHOIX.id, "couture"),
        (MON_CHOIX.id, "menage"),
        ("verger", "pommes"),
    ]
    records = importing.world.audit_log.records
    assert [(r.action, r.item.id) for r in records] == [
        ("enterprise.import", MON_CHOIX.id),
        ("enterprise.import", "verger"),
    ]
    assert records[0].details["subscribers_added"] == "1" and "nina" not in repr(records[0].details)


def test_a_dry_run_is_confirmed_once_by_its_session_within_30_minutes(importing: Importing) -> None:
    organizer = importing.organizer()
    other_session = importing.organizer()  # the same organizer, signed in elsewhere
    late = importing.use.dry_run(organizer, CHANGED)
    importing.world.clock.advance(minutes=31)
    stolen = importing.use.dry_run(organizer, CHANGED)
    before = importing.stored()

    for actor, held_id in ((organizer, late.held_id), (other_session, stolen.held_id), (organizer, "made-up")):
        with pytest.raises(HeldFileGone):
            importing.use.confirm(actor, held_id)
    assert importing.stored() == before

    assert isinstance(importing.use.confirm(organizer, stolen.held_id), Done)
    with pytest.raises(HeldFileGone):
        importing.use.confirm(organizer, stolen.held_id)  # a second click imports nothing twice


def test_when_the_enterprises_changed_since_the_dry_run_nothing_is_imported_and_the_new_plan_shown(
    importing: Importing,
) -> None:
    organizer = importing.organizer()
    dry = importing.use.dry_run(organizer, CHANGED)
    importing.world.enterprises.save([replace(MON_CHOIX, name="Ateliers Mon Choix")], [MENAGE])  # a colleague
    before = importing.stored()

    again = importing.use.confirm(organizer, dry.held_id)

    assert isinstance(again, DryRun) and again.changed_since and again.held_id != dry.held_id
    assert again.plan.changes[0].columns == ()  # the name is no longer a change
    assert importing.stored() == before and importing.world.audit_log.records == []
    assert isinstance(importing.use.confirm(organizer, again.held_id), Done)


def test_a_file_reaching_another_regions_enterprise_changes_nothing_and_says_where(importing: Importing) -> None:
    importing.world.enterprises.save([FJORD], [])
    theirs = csv_file([replace(FJORD, name="Pris")], [])
    moved = csv_file([replace(MON_CHOIX, regions_served=("06",))], [MENAGE])

    errors = [importing.use.dry_run(importing.organizer(), data).plan.errors for data in (theirs, moved)]

    assert [[(e.line, e.column, e.fr) for e in found] for found in errors] == [
        [(2, "enterprise_id", "cet identifiant est celui d'une entreprise hors de vos régions")],
        [(2, "regions_served", "l'entreprise ne sert aucune de vos régions")],
    ]
    assert importing.world.held_files.held == {}


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", 1, "ce fichier est un classeur (Excel, LibreOffice), pas un fichier CSV"),
        ("enterprise_id\nété\n".encode("utf-16"), 1, "ce fichier est en UTF-16"),
        ("enterprise_id,enterprise_name\na,Café\n".encode("cp1252"), 2, "ce fichier n'est pas en UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", 1, "ce fichier n'est pas du texte"),
        (b"", 1, "fichier vide"),
        (b'enterprise_id,enterprise_name\na,"never closed\n' + b"x" * 140_000, 2, "guillemet jamais refermé"),
    ],
)
def test_a_file_that_is_no_csv_text_in_utf8_is_one_clear_error(
    importing: Importing, data: bytes, line: int, message: str
) -> None:
    [error] = importing.use.dry_run(importing.organizer(), data).plan.errors

    assert (error.line, error.column) == (line, None) and error.fr.startswith(message)
    assert importing.world.held_files.held == {}


def test_a_formula_cell_and_bad_cells_are_errors_by_line_and_column_and_nothing_is_held(importing: Importing) -> None:
    data = (
        "enterprise_id,enterprise_name,profile_id,unspsc,keywords\n"
        'ateliers-mon-choix,"=HYPERLINK(""http://x.example"")",menage,,ménage\n'
        "ateliers-mon-choix,,couture,7611x,couture\n"
    ).encode()

    dry = importing.use.dry_run(importing.organizer(), data)

    assert [(e.line, e.column) for e in dry.plan.errors] == [(2, "enterprise_name"), (3, "unspsc")]
    assert dry.plan.errors[0].message("en") == (
        "line 2, column enterprise_name: starts with “=”: a spreadsheet would run it as a formula"
    )
    assert not dry.held_id and importing.world.held_files.held == {}


def test_a_file_too_big_is_refused_before_it_is_read(importing: Importing) -> None:
    data = CHANGED + b"\n" * (MAX_FILE_BYTES + 1 - len(CHANGED))

    [error] = importing.use.dry_run(importing.organizer(), data).plan.errors

    assert error.fr.startswith("fichier trop gros : 1 Mo au plus")


def test_a_file_that_changes_nothing_has_nothing_to_confirm(importing: Importing) -> None:
    dry = importing.use.dry_run(importing.organizer(), csv_file([MON_CHOIX], [MENAGE]))

    assert dry.plan.ok and dry.plan.changes == () and dry.plan.unchanged == 1 and not dry.held_id


def test_only_an_organizer_of_every_region_imports_the_whole_list(importing: Importing) -> None:
    importing.world.enterprises.save([FJORD], [])
    with pytest.raises(NotAllowed):
        importing.use.dry_run(importing.organizer(), CHANGED, prune=True)

    everywhere = importing.organizer("chantier")
    dry = importing.use.dry_run(everywhere, CHANGED, prune=True)
    assert dry.plan.pruned is not None and [e.enterprise_id for e in dry.plan.pruned.enterprises] == [FJORD.id]
    done = importing.use.confirm(everywhere, dry.held_id)

    assert isinstance(done, Done) and importing.world.enterprises.enterprise(FJORD.id) is None
    assert importing.world.audit_log.actions()[-1] == "enterprise.remove"


@pytest.mark.parametrize("who", ["enterprise", "signatory"])
def test_nobody_but_an_organizer_imports(importing: Importing, who: str) -> None:
    actor = (
        importing.people.actor(JULIE.email, Role.ENTERPRISE, MON_CHOIX.id)
        if who == "enterprise"
        else importing.people.actor("achats@cegep.example.org", Role.SIGNATORY, "p-verified")
    )
    organizer = importing.organizer()
    held = importing.use.dry_run(organizer, CHANGED).held_id

    with pytest.raises(NotAllowed):
        importing.use.dry_run(actor, CHANGED)
    with pytest.raises(NotAllowed):
        importing.use.confirm(actor, held)
    assert importing.stored()[0] == [MON_CHOIX, FJORD]


def test_a_file_too_big_to_hold_is_said_so(importing: Importing) -> None:
    importing.world.held_files.max_bytes = 100

    dry = importing.use.dry_run(importing.organizer(), CHANGED)

    assert not dry.held_id and dry.plan.errors[0].fr.startswith("fichier trop gros")
