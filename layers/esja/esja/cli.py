"""`esja`: the command line for the people who operate ESJA.

    esja tenders parse FILE [--format seao|canadabuys|ocds]   one JSON object per tender on stdout
    esja tenders poll --source NAME [--url URL] [--format F]  one poll against the configured AWS endpoint
    esja enterprises import FILE.csv | export                  the organizers' spreadsheet of profiles
    esja match --profiles FILE.csv --tenders FILE.jsonl        matches with their reasons, one JSON a line
    esja alerts preview --enterprise ID [--lang en] [--html F] an enterprise's next alert, rendered, not sent
    esja pledges export --format csv [--status S]              the institutions' pledges, for organizers
    esja pledges link PLEDGE_ID --buyer-id OP-… [--buyer-name N] a signatory is this buyer (--remove to undo)
    esja organizers import FILE.csv | list                     who receives the weekly digest
    esja digest preview [--week 2026-W38] [--organizer ID]     a week's digests, rendered, not sent
    esja people rekey                                          move the tables to the keyed hash of addresses

Exit codes: 0 done, 1 the input or a feed could not be read (message on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from esja.sources.catalogue import FORMATS

if TYPE_CHECKING:
    from esja.digest.signatories import SignatoryLink
    from esja.matching.profiles_csv import ImportResult
    from esja.sources.parsed import LinkedRecord

T = TypeVar("T")


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
    _spreadsheet_import(enterprises, "load a spreadsheet (CSV); all or nothing, idempotent", _import_enterprises)
    save = enterprises.add_parser("export", help="print every enterprise and profile as the CSV import reads")
    save.set_defaults(run=_export_enterprises)

    match = commands.add_parser("match", help="match tenders (JSON lines, as `tenders parse` prints) to profiles")
    match.add_argument("--profiles", type=Path, required=True, help="enterprises and profiles, CSV")
    match.add_argument("--tenders", type=Path, required=True, help="tenders, one JSON object a line")
    match.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the error messages")
    match.set_defaults(run=_match)

    alerts = commands.add_parser("alerts", help="the e-mail alerts to enterprises").add_subparsers(
        required=True, metavar="ACTION"
    )
    preview = alerts.add_parser("preview", help="render an enterprise's next alert; nothing is sent or changed")
    preview.add_argument("--enterprise", required=True, help="the enterprise's id, as in the import")
    preview.add_argument("--lang", choices=("fr", "en"), help="language of the e-mail (default: the subscriber's)")
    preview.add_argument("--html", type=Path, help="also write the HTML part to this file (open it in a browser)")
    preview.set_defaults(run=_preview_alert)

    pledges = commands.add_parser("pledges", help="the institutions' pledges").add_subparsers(
        required=True, metavar="ACTION"
    )
    export = pledges.add_parser("export", help="print every pledge not yet purged (personal information: keep safe)")
    export.add_argument("--format", choices=("csv",), default="csv")
    export.add_argument("--status", choices=("pending", "confirmed", "withdrawn"), help="only pledges in this state")
    export.set_defaults(run=_export_pledges)
    _add_link_commands(pledges)
    _add_digest_commands(commands)
    _add_people_commands(commands)
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
        f"{len(parsed.tenders)} tenders from {parsed.records} records, {len(parsed.rejected)} rejected records, "
        f"{parsed.not_notices} not notices, {len(parsed.repairs)} fields repaired",
        file=stderr,
    )
    for kind, records in parsed.repaired().items():
        print(f"  repaired {kind} in {len(records)} records: {', '.join(records)}", file=stderr)
    for rejected in parsed.rejected:
        print(f"  rejected {rejected.record}: {rejected.reason}", file=stderr)
    if parsed.linked:
        print(_links_only(parsed.linked, parsed.records), file=stderr)
    return 0


def _links_only(linked: Sequence[LinkedRecord], records: int) -> str:
    if len(linked) == records:
        return (
            f"  this file only links to its releases: none of its {records} records holds a release to read here "
            "(`esja tenders poll` fetches the linked releases)"
        )
    names = ", ".join(f"{record.record} {record.ocid}" for record in linked)
    return (
        f"  {len(linked)} records only link to their releases, not read here (`esja tenders poll` fetches them): "
        + names
    )


def _poll(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.bootstrap import build_poll_service

    service = _build(build_poll_service)
    try:
        report = service.poll_source(args.source, fmt=args.format, url=args.url)
    except ValueError as error:
        raise CliError(str(error)) from None
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
    from esja.bootstrap import build_enterprise_book

    summary = _build(build_enterprise_book).save(result)
    print(
        f"enterprises changed: {summary.enterprises_changed}, profiles changed: {summary.profiles_changed}, "
        f"profiles removed: {summary.profiles_removed}, unchanged: {summary.unchanged}",
        file=stdout,
    )
    return 0


def _export_enterprises(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.bootstrap import build_enterprise_book

    stdout.write(_build(build_enterprise_book).export_csv())
    return 0


def _build(build: Callable[[], T]) -> T:
    """A use case wired from the environment, or a clear message naming what is missing."""
    from esja.config import ConfigurationError

    try:
        return build()
    except ConfigurationError as error:
        raise CliError(str(error)) from None


def _export_pledges(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.bootstrap import build_pledge_export
    from esja.pledges.model import PledgeStatus

    exported = _build(build_pledge_export).export(PledgeStatus(args.status) if args.status else None)
    stdout.write(exported.csv)
    print(f"{exported.count} pledges", file=stderr)
    return 0


def _match(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.matching.service import FileMatcher
    from esja.model import Tender

    matcher = FileMatcher(_read_profiles(args.profiles, args.lang).profiles)
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
        for match in matcher.matches(tender, now):
            stdout.write(json.dumps(match.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    print(f"{count} matches from {len(lines)} tenders and {len(matcher)} profiles", file=stderr)
    return 0


def _preview_alert(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.alerts.service import UnknownEnterprise
    from esja.bootstrap import build_alert_service

    service = _build(lambda: build_alert_service(sending=False))
    try:
        preview = service.preview(args.enterprise, args.lang)
    except UnknownEnterprise as error:
        raise CliError(str(error)) from None
    print(f"frequency: {preview.frequency}, language: {preview.language}, status: {preview.status}", file=stderr)
    if preview.email is None:
        print("nothing to send: no new tender, change or closing-soon reminder is pending", file=stderr)
        return 0
    stdout.write(f"Subject: {preview.email.subject}\n\n{preview.email.text}")
    if args.html:
        args.html.write_text(preview.email.html, encoding="utf-8")
        print(f"HTML part written to {args.html}", file=stderr)
    return 0


def _add_link_commands(pledges: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    link = pledges.add_parser("link", help="link a signatory to the buyer id or name a publisher uses for it")
    link.add_argument("pledge_id", help="the pledge's id (see `esja pledges export`)")
    link.add_argument("--buyer-id", help="the buyer's SEAO id, e.g. OP-36518")
    link.add_argument("--buyer-name", help="the buyer's name as the publisher writes it")
    link.add_argument("--remove", action="store_true", help="remove these links instead")
    link.set_defaults(run=_link_signatory)
    links = pledges.add_parser("links", help="list the links between signatories and buyers")
    links.set_defaults(run=_list_signatory_links)


def _spreadsheet_import(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], help: str, run: Callable[..., int]
) -> None:
    """`… import FILE.csv [--dry-run] [--lang fr|en]`, the same for every spreadsheet organizers load."""
    load = actions.add_parser("import", help=help)
    load.add_argument("file", type=Path)
    load.add_argument("--dry-run", action="store_true", help="check the file only")
    load.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the error messages")
    load.set_defaults(run=run)


def _add_digest_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    organizers = commands.add_parser("organizers", help="who receives the weekly digest").add_subparsers(
        required=True, metavar="ACTION"
    )
    _spreadsheet_import(organizers, "load the organizers' spreadsheet (CSV): the whole list", _import_organizers)
    list_organizers = organizers.add_parser("list", help="print the organizers (no e-mail address)")
    list_organizers.set_defaults(run=_list_organizers)

    digest = commands.add_parser("digest", help="the organizers' weekly digest").add_subparsers(
        required=True, metavar="ACTION"
    )
    digest_preview = digest.add_parser("preview", help="render the digests of a week; nothing is sent or written")
    digest_preview.add_argument("--week", help="ISO week, e.g. 2026-W38 (default: the last complete week)")
    digest_preview.add_argument("--organizer", help="only this organizer's digest (default: every organizer's)")
    digest_preview.add_argument("--lang", choices=("fr", "en"), help="language (default: the organizer's)")
    digest_preview.add_argument("--html", type=Path, help="also write the HTML of each digest: FILE, or FILE-<id>")
    digest_preview.set_defaults(run=_preview_digest)


def _link_signatory(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.bootstrap import build_digest_setup
    from esja.digest.setup import UnknownPledge, signatory_links

    try:
        wanted = signatory_links(args.pledge_id, buyer_id=args.buyer_id, buyer_name=args.buyer_name)
    except ValueError:
        raise CliError("give --buyer-id, --buyer-name or both") from None
    setup = _build(build_digest_setup)
    if args.remove:
        for link, removed in setup.unlink(wanted):
            print(f"{'removed' if removed else 'no such link'}: {_link_words(link)}", file=stdout)
        return 0
    try:
        linked = _build(lambda: setup.link(wanted))
    except UnknownPledge:
        raise CliError(f"no pledge {args.pledge_id!r} (see `esja pledges export`)") from None
    institution = linked.pledge.details.institution_name
    for link, added in linked.links:
        print(f"{'linked' if added else 'already linked'}: {institution} → {_link_words(link)}", file=stdout)
    if linked.pledge.status != "confirmed":
        print(f"note: this pledge is {linked.pledge.status}; its links count once it is confirmed", file=stderr)
    return 0


def _link_words(link: SignatoryLink) -> str:
    return f"buyer id {link.buyer_id}" if link.buyer_id else f"buyer name « {link.buyer_name} »"


def _list_signatory_links(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.bootstrap import build_digest_setup

    for link in _build(build_digest_setup).links():
        print(f"{link.pledge_id}\t{_link_words(link)}", file=stdout)
    return 0


def _import_organizers(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.digest.organizers_csv import read_organizers_csv

    try:
        read = read_organizers_csv(args.file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read {args.file}: {error}") from None
    if read.errors:
        lines = "\n".join(f"  {error.message(args.lang)}" for error in read.errors)
        raise CliError(f"{args.file}: {len(read.errors)} error(s), nothing imported\n{lines}")
    print(f"{len(read.organizers)} organizers read from {args.file}", file=stdout)
    if args.dry_run:
        return 0
    from esja.bootstrap import build_digest_setup

    saved = _build(build_digest_setup).save_organizers(read.organizers)
    print(f"written: {saved.written}, removed: {saved.removed}, unchanged: {saved.unchanged}", file=stdout)
    return 0


def _list_organizers(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.bootstrap import build_digest_setup

    for organizer in _build(build_digest_setup).organizers():
        print(f"{organizer.id}\t{organizer.name}\t{organizer.language}\t{'; '.join(organizer.regions)}", file=stdout)
    return 0


def _preview_digest(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.bootstrap import build_digest_service
    from esja.clock import utc_now
    from esja.digest.service import UnknownOrganizer
    from esja.digest.weeks import Week

    try:
        week = Week.parse(args.week) if args.week else Week.last_complete(utc_now())
    except ValueError as error:
        raise CliError(str(error)) from None
    service = _build(lambda: build_digest_service(sending=False))
    try:
        previews = service.preview(week, args.organizer, args.lang)
    except UnknownOrganizer as error:
        raise CliError(str(error)) from None
    if not previews:
        print("no organizer: load them with `esja organizers import FILE.csv`", file=stderr)
        return 0
    for preview in previews:
        stdout.write(f"Subject: {preview.email.subject}\n\n{preview.email.text}\n")
        if args.html:
            path = (
                args.html
                if len(previews) == 1
                else args.html.with_name(f"{args.html.stem}-{preview.organizer.id}{args.html.suffix}")
            )
            path.write_text(preview.email.html, encoding="utf-8")
            print(f"{preview.organizer.id}: HTML written to {path}", file=stderr)
    return 0


def format_report_table(reports: Sequence[dict[str, object]]) -> str:
    """Poll reports as a fixed-width table: one line per file (with what was repaired in it), one
    total line per feed."""
    from esja.ingest.poll import COUNTS

    def counts(values: dict[str, object]) -> str:
        return "".join(f"{values[c]!s:>{max(10, len(c) + 2)}}" for c in COUNTS)

    header = f"{'feed / file':<46} {'outcome':<13}" + "".join(f"{c:>{max(10, len(c) + 2)}}" for c in COUNTS)
    lines = [header, "-" * len(header)]
    for report in reports:
        files = report["files"]
        assert isinstance(files, list)
        for file in files:
            lines.append(f"  {str(file['name'])[-44:]:<44} {file['outcome']:<13}" + counts(file))
            if file["error"]:
                lines.append(f"    ! {file['error']}")
            for kind, tally in file["repairs"].items():
                lines.append(f"    repaired {kind} in {tally['count']} records: {', '.join(tally['records'])}")
            if file["linked_left"]:
                lines.append(f"    {file['linked_left']} records' linked releases are left for the next runs")
        outcome = "ok" if report["ok"] else "FAILED"
        lines.append(f"{report['feed']!s:<42} {outcome:<13}" + counts(report))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())


def _add_people_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    people = commands.add_parser("people", help="what the tables keep of people").add_subparsers(
        required=True, metavar="ACTION"
    )
    rekey = people.add_parser(
        "rekey", help="move every table from the plain hash of addresses to their keyed hash (idempotent, resumable)"
    )
    rekey.set_defaults(run=_rekey_people)


def _rekey_people(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.bootstrap import build_address_rekeying

    report = _build(build_address_rekeying).run()
    print(", ".join(f"{name.replace('_', ' ')}: {value}" for name, value in report.as_dict().items()), file=stdout)
    return 0
