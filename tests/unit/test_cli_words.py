"""The `esja` command speaks the environment's language, French by default, and its poll table shows each
file as soon as it is read, at most 100 columns wide."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

from esja.cli import Console, PollTable, main
from esja.config import command_language
from esja.ingest.poll import FileOutcome, FileReport, PollService
from esja.sources.catalogue import SEAO_DATASET_ID, FeedConfig
from esja.sources.http import Fetched, FetchError
from local.feed_server import ckan_package_show
from tests.fakes import FakePublisher, FakeWorld
from tests.feed_builders import seao_package, seao_release

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "fr"),
        ({"LANG": "C.UTF-8"}, "fr"),  # the C locale names no language
        ({"LANG": "en_CA.UTF-8"}, "en"),
        ({"LANG": "fr_CA.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),  # messages' own category wins over LANG
        ({"LC_MESSAGES": "en_US.UTF-8", "LC_ALL": "fr_CA.UTF-8"}, "fr"),  # LC_ALL wins over both
        ({"LANGUAGE": "de:en:fr", "LC_ALL": "fr_CA.UTF-8"}, "en"),  # LANGUAGE's list first, its first we speak
        ({"LANGUAGE": "de", "LANG": "en_CA.UTF-8"}, "fr"),  # a language we do not speak: French, not English
        ({"LANGUAGE": "", "LANG": "EN"}, "en"),
    ],
)
def test_the_language_is_the_environments_as_gettext_reads_it(environ: dict[str, str], language: str) -> None:
    assert command_language(environ) == language


def run(*argv: str, environ: Mapping[str, str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, environ=environ)
    return code, out.getvalue(), err.getvalue()


def test_a_message_is_french_by_default_and_english_when_asked(tmp_path: Path) -> None:
    missing = tmp_path / "absent.json"

    french = run("tenders", "parse", str(missing), environ={})
    english = run("tenders", "parse", str(missing), environ={"LANGUAGE": "en"})

    assert french[2] == f"esja{NBSP}: impossible de lire {missing}{NBSP}: No such file or directory\n"
    assert english[2] == f"esja: cannot read {missing}: No such file or directory\n"


def test_the_help_is_in_the_language_with_its_typography(capsys: pytest.CaptureFixture[str]) -> None:
    for environ in ({}, {"LANG": "en_CA.UTF-8"}):
        with pytest.raises(SystemExit) as done:
            main(["enterprises", "remove", "--help"], environ=environ)
        assert done.value.code == 0
    french, english = capsys.readouterr().out.split("usage: ")

    assert french.startswith(f"usage{NBSP}: esja enterprises remove [-h] [--dry-run] ID [ID ...]")
    assert "afficher cette aide et quitter" in french and "vérifier seulement" in french
    assert "show this help" not in french and "positional arguments" not in french
    assert "show this help and exit" in english and "check only: nothing is changed" in english


def test_a_usage_error_is_worded_in_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["tenders", "poll"], environ={})
    with pytest.raises(SystemExit):
        main(["tenders", "parse", "f.json", "--format", "xml"], environ={})

    err = capsys.readouterr().err
    assert refused.value.code == 2
    assert f"esja tenders poll{NBSP}: erreur{NBSP}: ces arguments sont requis{NBSP}: --source" in err
    assert f"argument --format{NBSP}: choix invalide{NBSP}: 'xml' (choisir parmi 'seao', 'canadabuys', 'ocds')" in err


# --- the poll's table ---------------------------------------------------------------------------------


def a_file(name: str, **counts: int) -> FileReport:
    file = FileReport(name)
    file.counts |= counts
    return file


def table_of(lang: str, *files: FileReport) -> list[str]:
    out = io.StringIO()
    table = PollTable(Console(out, out, lang))  # type: ignore[arg-type]
    for file in files:
        table.file_done(file)
    return out.getvalue().splitlines()


def test_every_line_of_a_busy_poll_fits_in_100_columns_in_both_languages() -> None:
    busy = a_file("hebdo_20261116_20261122_a_very_long_publisher_file_name.json", **dict.fromkeys(
        ("records", "tenders", "new", "changed", "unchanged", "skipped", "rejected", "not_notices", "repaired",
         "announced", "linked"), 1_234_567))  # fmt: skip
    busy.repairs = {
        "tender.value.amount (number written as text: read as the number)": [f"releases[{n}]" for n in range(40)]
    }
    busy.linked_left = 12
    failed = a_file("CKAN package_show")
    failed.outcome, failed.error = FileOutcome.FAILED, "HTTP 503 from https://www.donneesquebec.ca/" + "x" * 90

    for lang in ("fr", "en"):
        lines = table_of(lang, busy, failed)
        assert max(map(len, lines)) <= 100, lang
        assert sum("releases[" in line for line in lines) >= 2  # the repairs wrapped, not cut
        assert lines[2].startswith("  …y_long_publisher_file_name.json ")  # its end tells files apart
    assert table_of("fr", busy)[0].split() == ["flux", "/", "fichier", "résultat", "lus", "avis", "nouveaux",
                                               "modifiés", "inchangés", "annoncés"]  # fmt: skip


def test_counts_worth_knowing_show_under_their_file_only_when_not_zero() -> None:
    quiet, busy = a_file("a.csv", records=2, tenders=2, new=2), a_file("b.csv", rejected=1, not_notices=3)

    lines = table_of("fr", quiet, busy)

    assert lines[2].split() == ["a.csv", "ok", "2", "2", "2", "0", "0", "0"]
    assert lines[4] == f"    rejetés{NBSP}: 1 · non-avis{NBSP}: 3" and len(lines) == 5


def test_each_file_is_shown_as_soon_as_it_is_read_before_the_next_is_fetched() -> None:
    world = FakeWorld(datetime(2026, 11, 20, 12, tzinfo=UTC))
    ckan = f"https://donneesquebec.example/package_show?id={SEAO_DATASET_ID}"
    paths = [f"/hebdo_202611{d:02d}_202611{d + 6:02d}.json" for d in (2, 9)]
    world.fetcher.publish(ckan, ckan_package_show("https://donneesquebec.example", paths))
    world.fetcher.publish(f"https://donneesquebec.example{paths[0]}", FetchError("HTTP 503"))
    world.fetcher.publish(
        f"https://donneesquebec.example{paths[1]}", seao_package(seao_release("ocds-x-1", "20261110150000"))
    )
    events: list[str] = []
    service = world.build(
        PollService,
        fetcher=Watched(world.fetcher, events),
        seao_backfill_weeks=2,
        feeds={"seao": FeedConfig("seao", "seao", ckan)},
    )

    service.poll_source("seao", on_file=lambda file: events.append(f"shown {file.name} {file.outcome}"))

    assert events == [
        f"fetch package_show?id={SEAO_DATASET_ID}",
        "fetch hebdo_20261102_20261108.json",
        "shown hebdo_20261102_20261108.json failed",
        "fetch hebdo_20261109_20261115.json",
        "shown hebdo_20261109_20261115.json ok",
    ]


class Watched:
    """The publishers, noting each fetch among the other events."""

    def __init__(self, publisher: FakePublisher, events: list[str]) -> None:
        self._publisher, self._events = publisher, events

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        self._events.append(f"fetch {url.rsplit('/', 1)[-1]}")
        return self._publisher.get(url, etag=etag, last_modified=last_modified)
