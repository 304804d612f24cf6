"""`esja`: the command line for the people who operate ESJA.

    esja tenders parse FILE [--format seao|canadabuys|ocds]   one JSON object per tender on stdout
    esja tenders poll --source NAME [--url URL] [--format F]  one poll against the configured AWS endpoint
    esja enterprises import FILE.csv | export                  the organizers' spreadsheet of profiles
    esja match --profiles FILE.csv --tenders FILE.jsonl        matches with their reasons, one JSON a line

Exit codes: 0 done, 1 the input or a feed could not be read (message on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from esja.sources.catalogue import FORMATS

if TYPE_CHECKING:
    from esja.matching.profiles_csv import ImportResult
    from esja.store.enterprises import EnterpriseStore


def main(argv: Sequence[str] | None = None, *, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args, stdout, stderr))
    except CliError as error:
        print(f"esja: {error}", file=stderr)
        return 1


class CliError(Exception):
    """A clear message for the operator; exit code 1."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="esja", description="Operate ESJA (L'économie sociale, j'achète!).")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    tenders = commands.add_parser("tenders", help="read and poll tender feeds").add_subparsers(
        required=True, metavar="ACTION"
    )

    parse = tenders.add_parser("parse", help="print the normalised tenders of a feed file, one JSON object a line")
    parse.add_argument("file", type=Path)
    parse.add_argument("--format", choices=FORMATS, help="detected from the content when omitted")
    parse.add_argument("--source", help="the tenders' source name for a generic OCDS file (default: ocds)")
    parse.set_defaults(run=_parse)

    poll = tenders.add_parser("poll", help="poll one feed into the configured tables (moto locally)")
    poll.add_argument("--source", required=True, help="feed name: seao, canadabuys-new, canadabuys-open, or any")
    poll.add_argument("--url", help="override the feed's URL (a CKAN package_show URL for seao)")
    poll.add_argument("--format", choices=FORMATS, help="needed for a feed ESJA does not know by name")
    poll.add_argument("--json", action="store_true", help="print the report as JSON")
    poll.set_defaults(run=_poll)

    enterprises = commands.add_parser("enterprises", help="load or save enterprises and their profiles").add_subparsers(
        required=True, metavar="ACTION"
    )
    load = enterprises.add_parser("import", help="load a spreadsheet (CSV); all or nothing, idempotent")
    load.add_argument("file", type=Path)
    load.add_argument("--dry-run", action="store_true", help="check the file only")
    load.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the error messages")
    load.set_defaults(run=_import_enterprises)
    save = enterprises.add_parser("export", help="print every enterprise and profile as the CSV import reads")
    save.set_defaults(run=_export_enterprises)

    match = commands.add_parser("match", help="match tenders (JSON lines, as `tenders parse` prints) to profiles")
    match.add_argument("--profiles", type=Path, required=True, help="enterprises and profiles, CSV")
    match.add_argument("--tenders", type=Path, required=True, help="tenders, one JSON object a line")
    match.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the error messages")
    match.set_defaults(run=_match)
    return parser


def _parse(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.geo import RegionInferrer
    from esja.sources.formats import parse
    from esja.sources.parsed import FeedError

    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise CliError(f"cannot read {args.file}: {error.strerror}") from None
    try:
        parsed = parse(data, args.format, source=args.source, now=datetime.now(UTC))
    except FeedError as error:
        raise CliError(f"{args.file}: {error}") from None
    inferrer = RegionInferrer()
    for tender in parsed.tenders:
        stdout.write(json.dumps(inferrer.with_regions(tender).to_dict(), ensure_ascii=False) + "\n")
    print(
        f"{len(parsed.tenders)} tenders from {parsed.records} records, {len(parsed.rejected)} rejected records",
        file=stderr,
    )
    for rejected in parsed.rejected:
        print(f"  rejected {rejected.record}: {rejected.reason}", file=stderr)
    return 0


def _poll(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.config import ConfigurationError, Settings
    from esja.services import build_poll_service
    from esja.sources.catalogue import resolve_feed

    try:
        settings = Settings.from_env()
        feed = resolve_feed(dict(settings.feeds), args.source, fmt=args.format, url=args.url)
    except (ConfigurationError, ValueError) as error:
        raise CliError(str(error)) from None
    report = build_poll_service(settings).poll(feed)
    if args.json:
        stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        stdout.write(format_report_table([report.as_dict()]))
    return 0 if report.ok else 1


def _read_profiles(path: Path, lang: str) -> ImportResult:
    from esja.matching.profiles_csv import read_profiles_csv

    try:
        result = read_profiles_csv(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read {path}: {error}") from None
    if not result.ok:
        lines = "\n".join(f"  {error.message(lang)}" for error in result.errors)
        raise CliError(f"{path}: {len(result.errors)} error(s), nothing imported\n{lines}")
    return result


def _import_enterprises(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    result = _read_profiles(args.file, args.lang)
    print(f"{len(result.enterprises)} enterprises, {len(result.profiles)} profiles read from {args.file}", file=stdout)
    if args.dry_run:
        return 0
    summary = _enterprise_store().save(result.enterprises, result.profiles)
    print(
        f"enterprises changed: {summary.enterprises_changed}, profiles changed: {summary.profiles_changed}, "
        f"profiles removed: {summary.profiles_removed}, unchanged: {summary.unchanged}",
        file=stdout,
    )
    return 0


def _export_enterprises(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.matching.profiles_csv import write_profiles_csv

    enterprises, profiles = _enterprise_store().load()
    stdout.write(write_profiles_csv(enterprises, profiles))
    return 0


def _enterprise_store() -> EnterpriseStore:
    from esja.config import ConfigurationError, Settings
    from esja.services import aws_client
    from esja.store.enterprises import EnterpriseStore

    settings = Settings.from_env()
    try:
        settings.require("enterprises_table")
    except ConfigurationError as error:
        raise CliError(str(error)) from None
    return EnterpriseStore(settings.enterprises_table, aws_client("dynamodb"))


def _match(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.geo import RegionInferrer
    from esja.matching.index import ProfileIndex
    from esja.model import Tender

    profiles = _read_profiles(args.profiles, args.lang).profiles
    index = ProfileIndex.build(p for p in profiles if p.active)
    inferrer = RegionInferrer()
    now = datetime.now(UTC)
    count = 0
    try:
        lines = args.tenders.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CliError(f"cannot read {args.tenders}: {error.strerror}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            tender = Tender.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError) as error:
            raise CliError(f"{args.tenders}, line {number}: not a tender ({error})") from None
        for match in index.match(tender if tender.regions else inferrer.with_regions(tender), now):
            stdout.write(json.dumps(match.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    print(f"{count} matches from {len(lines)} tenders and {len(index)} profiles", file=stderr)
    return 0


COLUMNS = ("records", "tenders", "new", "changed", "unchanged", "skipped", "rejected", "announced")


def format_report_table(reports: Sequence[dict[str, object]]) -> str:
    """Poll reports as a fixed-width table: one line per file, one total line per feed."""
    header = f"{'feed / file':<46} {'outcome':<13}" + "".join(f"{c:>10}" for c in COLUMNS)
    lines = [header, "-" * len(header)]
    for report in reports:
        files = report["files"]
        assert isinstance(files, list)
        for file in files:
            lines.append(
                f"  {str(file['name'])[-44:]:<44} {file['outcome']:<13}" + "".join(f"{file[c]:>10}" for c in COLUMNS)
            )
            if file["error"]:
                lines.append(f"    ! {file['error']}")
        outcome = "ok" if report["ok"] else "FAILED"
        lines.append(f"{report['feed']!s:<42} {outcome:<13}" + "".join(f"{report[c]:>10}" for c in COLUMNS))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
