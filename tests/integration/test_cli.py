"""The `esja` command as an operator uses it."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from pathlib import Path

from esja.cli import main
from local.feed_server import FeedServer, Route
from local.runtime import LocalAws, environment
from tests.feed_builders import canadabuys_csv, canadabuys_row

DRIFT = Path(__file__).resolve().parents[1] / "samples" / "drift"


ENGLISH = {"LANG": "en_CA.UTF-8"}


def run(*argv: str, environ: Mapping[str, str] = ENGLISH) -> tuple[int, str, str]:
    """The command as an operator whose environment speaks English runs it (unless `environ` says otherwise)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, environ=environ)
    return code, out.getvalue(), err.getvalue()


def test_parse_prints_one_json_object_per_tender_and_counts_on_stderr(shared_data: Path) -> None:
    code, out, err = run("tenders", "parse", str(shared_data / "seao" / "hebdo_20260914_20260920_excerpt.json"))

    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert len(lines) == 32 and lines[0]["key"].startswith("seao:ocds-ec9k95-")
    assert "tenders: 32 · records read: 32 · rejected: 0" in err


def test_parse_detects_canadabuys_csv(shared_data: Path) -> None:
    path = shared_data / "canadabuys" / "newTenderNotice-nouvelAvisAppelOffres_2024-12-09_excerpt.csv"

    code, out, _ = run("tenders", "parse", str(path))

    assert code == 0 and all(json.loads(line)["source"] == "canadabuys" for line in out.splitlines())


def test_parse_of_a_missing_file_exits_1_with_a_clear_message(tmp_path: Path) -> None:
    code, out, err = run("tenders", "parse", str(tmp_path / "absent.json"))

    assert code == 1 and out == ""
    assert "cannot read" in err and "absent.json" in err


def test_parse_of_a_truncated_file_exits_1_and_prints_no_tender(shared_data: Path, tmp_path: Path) -> None:
    whole = (shared_data / "seao" / "hebdo_20260914_20260920_excerpt.json").read_bytes()
    truncated = tmp_path / "hebdo_truncated.json"
    truncated.write_bytes(whole[: len(whole) // 2])

    code, out, err = run("tenders", "parse", str(truncated))

    assert code == 1 and out == "" and "hebdo_truncated.json" in err


def test_parse_counts_rejected_records_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "drift.csv"
    path.write_bytes(canadabuys_csv(canadabuys_row("cb-1-000001"), {"title-titre-eng": "No reference number"}))

    code, out, err = run("tenders", "parse", str(path), "--format", "canadabuys")

    assert code == 0 and len(out.splitlines()) == 1
    assert "rejected: 1" in err


def test_parse_reports_each_repair_by_field_with_the_records_never_their_content() -> None:
    code, out, err = run("tenders", "parse", str(DRIFT / "amounts_as_text.json"))

    assert code == 0 and len(out.splitlines()) == 5
    assert "tenders: 5 · records read: 5 · rejected: 0 · not notices: 0 · fields repaired: 5" in err
    assert (
        "  repaired tender.value.amount (number written as text: read as the number) in 2 record(s): "
        "releases[1] ocds-ej3mpl-2026-4411, releases[2] ocds-ej3mpl-2026-4412"
    ) in err.splitlines()
    assert "180739.2" not in err and "a definir" not in err


def test_parse_tells_records_that_are_not_notices_from_rejected_ones() -> None:
    code, out, err = run("tenders", "parse", str(DRIFT / "not_notices.json"))

    assert code == 0 and len(out.splitlines()) == 1
    assert "tenders: 1 · records read: 3 · rejected: 0 · not notices: 2" in err


def test_parse_says_plainly_that_a_file_only_links_to_its_releases() -> None:
    code, out, err = run("tenders", "parse", str(DRIFT / "linked_records.json"))

    assert code == 0 and out == ""
    assert "this file only links to its releases" in err
    assert "`esja tenders poll` fetches the linked releases" in err


def test_a_derived_title_is_marked_in_the_output() -> None:
    _, out, _ = run("tenders", "parse", str(DRIFT / "titles_missing.json"))

    first = json.loads(out.splitlines()[0])
    assert first["title"]["en"] == "Suministro de raciones alimentarias para el programa escolar"
    assert first["derived"] == ["title"]


def test_poll_prints_what_it_fetched_stored_and_announced(aws: LocalAws, publisher: FeedServer) -> None:
    publisher.routes["/new.csv"] = Route(canadabuys_csv(canadabuys_row("cb-1-000001"), canadabuys_row("cb-1-000002")))
    args = ("tenders", "poll", "--source", "canadabuys-new", "--url", publisher.url("/new.csv"), "--json")

    with environment(aws.environment("PollTendersFunction")):
        code, out, _ = run(*args)
        again_code, again, _ = run(*args)

    report = json.loads(out)
    assert code == again_code == 0
    assert report["new"] == 2 and report["announced"] == 2 and report["rejected"] == 0
    assert json.loads(again)["files"][0]["outcome"] == "not-modified"


def test_poll_of_an_unknown_feed_exits_1(aws: LocalAws) -> None:
    with environment(aws.environment("PollTendersFunction")):
        code, _, err = run("tenders", "poll", "--source", "somewhere")

    assert code == 1 and "unknown feed “somewhere”" in err


def test_poll_table_names_what_was_repaired(aws: LocalAws, publisher: FeedServer) -> None:
    publisher.routes["/drift.json"] = Route((DRIFT / "dates_unreadable.json").read_bytes())
    args = ("tenders", "poll", "--source", "agency", "--format", "ocds", "--url", publisher.url("/drift.json"))

    with environment(aws.environment("PollTendersFunction")):
        code, out, _ = run(*args)

    lines = out.splitlines()
    assert code == 0
    repaired = lines.index("    repaired tender.tenderPeriod.endDate (empty: no value) in 1 record(s): releases[1]")
    assert lines[repaired + 1] == "      ocds-z4kup1-2026-0018"  # wrapped: the table is at most 100 columns
    header = lines[0].split()
    assert header == ["feed", "/", "file", "outcome", "records", "tenders", "new", "changed", "unchanged", "announced"]
    assert "    fields repaired: 4" in lines
