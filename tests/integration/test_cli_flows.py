"""The `esja` command on moto as an operator runs it end to end: from a poll to an alert they can preview,
enterprises removed by id or by the spreadsheet, each import, export and removal audited as the console's are
(the person at the terminal), and a missing setting that says how to get one."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path

import pytest

from esja.alerts.recipients import recipients_of
from esja.audit.log import AuditRecord
from esja.cli import main
from esja.clock import utc_now
from esja.matching.profiles_csv import read_profiles_csv
from esja.store.audit_log import AuditLogStore
from esja.store.enterprises import EnterpriseStore
from esja.store.subscriptions import SubscriptionStore
from local.feed_server import FeedServer, Route
from local.runtime import LocalAws, environment
from tests.alert_builders import ENV
from tests.feed_builders import canadabuys_csv, canadabuys_row
from tests.moto_tables import LOCAL_KEYS

ROOT = Path(__file__).resolve().parents[2]
ENTERPRISES = ROOT / "examples" / "enterprises.csv"
ENGLISH, FRENCH = {"LANG": "en_CA.UTF-8"}, {"LANG": "C.UTF-8"}  # C names no language: French, the default
# The functions whose variables the commands here need (WebFunction: the Directory table a removal empties).
FUNCTIONS = ("PollTendersFunction", "MatchTendersFunction", "SendAlertsFunction", "WebFunction")


def run(*argv: str, environ: Mapping[str, str] = ENGLISH) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, environ=environ)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def operator(aws: LocalAws) -> Iterator[LocalAws]:
    """The environment `make moto` prints: every function's variables at once."""
    merged: dict[str, str] = dict(ENV)
    for function in FUNCTIONS:
        merged |= aws.environment(function)
    with environment(merged):
        yield aws


def test_after_a_poll_the_stored_tenders_are_matched_and_the_alert_shows_them(
    operator: LocalAws, publisher: FeedServer
) -> None:
    publisher.routes["/new.csv"] = Route(canadabuys_csv(canadabuys_row("cb-1-000001")))
    assert run("enterprises", "import", str(ENTERPRISES))[0] == 0
    assert run("tenders", "poll", "--source", "canadabuys-new", "--url", publisher.url("/new.csv"))[0] == 0
    _, before, err = run("alerts", "preview", "--enterprise", "ateliers-mon-choix")
    assert before == "" and "nothing to send" in err  # no function consumes the queue here

    code, out, _ = run("tenders", "match")
    again = run("tenders", "match")[1]
    _, alert, _ = run("alerts", "preview", "--enterprise", "ateliers-mon-choix")

    assert code == 0 and "open tenders read: 1" in out and "new matches: " in out and "new matches: 0" not in out
    assert "new matches: 0" in again  # each match is written once
    assert alert.startswith("Subject: 1 nouvel appel d'offres pour Les Ateliers Mon Choix")  # Julie reads French
    assert "Services de conciergerie" in alert


def test_matching_without_profiles_says_how_to_load_them(operator: LocalAws) -> None:
    code, out, err = run("tenders", "match", environ=FRENCH)

    assert code == 0 and "avis ouverts lus\u00a0: 0" in out
    assert "aucun profil\u00a0: chargez-les d'abord avec `esja enterprises import FICHIER.csv`" in err


def test_a_missing_setting_names_the_variable_and_make_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("TENDERS_TABLE", "FEEDS_TABLE", "MATCH_QUEUE_URL"):
        monkeypatch.delenv(variable, raising=False)

    french = run("tenders", "poll", "--source", "seao", environ=FRENCH)
    english = run("tenders", "poll", "--source", "seao")

    assert french[0] == english[0] == 1
    assert (
        "TENDERS_TABLE, FEEDS_TABLE, MATCH_QUEUE_URL" in french[2] and "`make moto` lance un serveur moto" in french[2]
    )
    assert "Locally, `make moto` starts a moto server" in english[2]


def test_an_enterprise_is_removed_by_id_with_a_dry_run_first(operator: LocalAws) -> None:
    run("enterprises", "import", str(ENTERPRISES))
    julie = LOCAL_KEYS("direction.monchoix@example.org")
    subscriptions = SubscriptionStore(operator.resources.names["SubscriptionsTable"], operator.client("dynamodb"))
    read = read_profiles_csv(ENTERPRISES.read_text(encoding="utf-8"))
    [listing] = [r.listing for r in recipients_of(read.enterprises, read.profiles, LOCAL_KEYS) if r.key == julie]
    subscriptions.enrol(julie, listing, utc_now())  # as the first alert run does

    enterprises = EnterpriseStore(operator.resources.names["EnterprisesTable"], operator.client("dynamodb"))
    assert enterprises.managed_by(julie) == ["ateliers-mon-choix"]  # Julie manages its space

    dry = run("enterprises", "remove", "ateliers-mon-choix", "--dry-run", environ=FRENCH)
    still = run("enterprises", "export")[1]
    code, out, _ = run("enterprises", "remove", "ateliers-mon-choix", environ=FRENCH)
    unknown = run("enterprises", "remove", "ateliers-mon-choix")

    assert dry[0] == 0 and "serait retirée\u00a0: ateliers-mon-choix «\u00a0Les Ateliers Mon Choix\u00a0»" in dry[1]
    assert "ateliers-mon-choix" in still
    assert code == 0 and "retirée\u00a0: ateliers-mon-choix" in out and "profils\u00a0: 4" in out
    assert "La preuve du consentement de leurs abonnés est gardée jusqu'au " in out
    assert "ateliers-mon-choix" not in run("enterprises", "export")[1]
    assert subscriptions.state(julie).subscriber_id is None
    assert enterprises.managed_by(julie) == []  # she can no longer sign in to its space
    assert [r.expires_at is not None for r in subscriptions.history(julie)] == [True]
    assert unknown[0] == 1 and "unknown enterprise(s): ateliers-mon-choix" in unknown[2]


def test_an_import_with_prune_removes_the_enterprises_the_file_leaves_out(operator: LocalAws, tmp_path: Path) -> None:
    run("enterprises", "import", str(ENTERPRISES))
    lines = ENTERPRISES.read_text(encoding="utf-8").splitlines()
    kept = tmp_path / "kept.csv"
    kept.write_text(
        "\n".join([lines[0], *(line for line in lines[1:] if line.startswith("ateliers-mon-choix,"))]) + "\n"
    )
    others = {line.split(",")[0] for line in lines[1:]} - {"ateliers-mon-choix"}

    dry = run("enterprises", "import", str(kept), "--prune", "--dry-run")
    exported = run("enterprises", "export")[1]
    code, out, _ = run("enterprises", "import", str(kept), "--prune")

    assert dry[0] == 0 and sum(line.startswith("would be removed: ") for line in dry[1].splitlines()) == len(others)
    assert all(enterprise in exported for enterprise in others)  # the dry run changed nothing
    assert code == 0 and sum(line.startswith("removed: ") for line in out.splitlines()) == len(others)
    assert {line.split(",")[0] for line in run("enterprises", "export")[1].splitlines()[1:]} == {"ateliers-mon-choix"}
    assert "no enterprise to remove" in run("enterprises", "import", str(kept), "--prune")[1]


def test_an_import_dry_run_says_each_enterprise_it_would_change_and_saves_nothing(
    operator: LocalAws, tmp_path: Path
) -> None:
    run("enterprises", "import", str(ENTERPRISES))
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(ENTERPRISES.read_text(encoding="utf-8").replace("Les Ateliers Mon Choix", "Ateliers Mon Choix"))

    code, out, _ = run("enterprises", "import", str(renamed), "--dry-run", environ=FRENCH)

    assert (
        code == 0
        and "modifiée\u00a0: ateliers-mon-choix «\u00a0Ateliers Mon Choix\u00a0» · colonnes\u00a0: enterprise_name"
        in out
    )
    assert "entreprises sans changement\u00a0: 11 · rien n'est enregistré (--dry-run)" in out
    assert "Les Ateliers Mon Choix" in run("enterprises", "export")[1]


def journal(aws: LocalAws) -> tuple[list[AuditRecord], str]:
    """The audit log's records, oldest first, and the table's raw items as text (what anyone reading it sees)."""
    name, client = aws.resources.names["AuditTable"], aws.client("dynamodb")
    now = utc_now()
    records = AuditLogStore(name, client).between(now - timedelta(hours=1), now + timedelta(minutes=1))
    raw = [item for page in client.get_paginator("scan").paginate(TableName=name) for item in page["Items"]]
    return records[::-1], repr(raw)


def test_an_export_from_the_terminal_is_audited_saying_who_when_what_and_how_many_never_the_addresses(
    operator: LocalAws,
) -> None:
    run("enterprises", "import", str(ENTERPRISES))
    before = len(journal(operator)[0])
    started = utc_now()

    code, exported, err = run("enterprises", "export")

    records, raw = journal(operator)
    [record] = records[before:]
    read = read_profiles_csv(exported)
    assert code == 0 and err == "" and exported.startswith("enterprise_id,")  # the output as it was
    assert "direction.monchoix@example.org" in exported  # the export holds the addresses…
    assert (record.action, record.item.type, record.actor_role, record.actor_id) == (
        "enterprises.export",
        "enterprises",
        "organizer",
        "terminal",
    )  # what, and who: whoever holds the stack's credentials at the terminal
    assert started <= record.at <= utc_now()  # when
    subscribers = sum(len(e.subscribers) for e in read.enterprises)
    assert record.details == {"enterprises": str(len(read.enterprises)), "subscribers": str(subscribers)}
    assert "@" not in raw  # … the audit log none of them


def test_an_import_and_a_removal_from_the_terminal_are_audited_as_the_consoles_and_a_dry_run_is_not(
    operator: LocalAws, tmp_path: Path
) -> None:
    code, out, _ = run("enterprises", "import", str(ENTERPRISES))
    imported = journal(operator)[0]
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(ENTERPRISES.read_text(encoding="utf-8").replace("Les Ateliers Mon Choix", "Ateliers Mon Choix"))
    run("enterprises", "import", str(renamed), "--dry-run")
    run("enterprises", "remove", "ateliers-mon-choix", "--dry-run")
    after_dry_runs = journal(operator)[0]

    run("enterprises", "import", str(renamed))
    run("enterprises", "remove", "ateliers-mon-choix")

    records, raw = journal(operator)
    ids = {line.split(",")[0] for line in ENTERPRISES.read_text(encoding="utf-8").splitlines()[1:]}
    assert code == 0 and out.splitlines()[-1].startswith(f"enterprises changed: {len(ids)} ·")  # as before
    assert {(r.action, r.item.id, r.actor_id) for r in imported} == {("enterprise.import", i, "terminal") for i in ids}
    assert after_dry_runs == imported  # a dry run changes nothing and writes nothing
    renaming, removing = records[len(imported) :]
    assert (renaming.action, renaming.item.id, renaming.details["columns"]) == (
        "enterprise.import",
        "ateliers-mon-choix",
        "enterprise_name",
    )
    assert (removing.action, removing.item.id, removing.regions) == ("enterprise.remove", "ateliers-mon-choix", ("01",))
    assert removing.details["profiles"] == "4" and removing.details["addresses_forgotten"] == "2"
    assert "@" not in raw
