"""The `esja` command as an operator uses it."""

from __future__ import annotations

import io
import json
from pathlib import Path

from esja.cli import main
from local.feed_server import FeedServer, Route
from local.runtime import LocalAws, environment
from tests.feed_builders import canadabuys_csv, canadabuys_row


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_parse_prints_one_json_object_per_tender_and_counts_on_stderr(shared_data: Path) -> None:
    code, out, err = run("tenders", "parse", str(shared_data / "seao" / "hebdo_20260914_20260920_excerpt.json"))

    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert len(lines) == 32 and lines[0]["key"].startswith("seao:ocds-ec9k95-")
    assert "32 tenders from 32 records, 0 rejected records" in err


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
    assert "1 rejected records" in err


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

    assert code == 1 and "unknown feed 'somewhere'" in err
