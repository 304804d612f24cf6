"""`esja`: the command line for the people who operate ESJA.

    esja tenders parse FILE [--format seao|canadabuys|ocds]   one JSON object per tender on stdout
    esja tenders poll --source NAME [--url URL] [--format F]  one poll against the configured AWS endpoint

Exit codes: 0 done, 1 the input or a feed could not be read (message on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from esja.sources.catalogue import FORMATS


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
    return parser


def _parse(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
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
    for tender in parsed.tenders:
        stdout.write(json.dumps(tender.to_dict(), ensure_ascii=False) + "\n")
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
