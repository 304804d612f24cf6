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

Exit codes: 0 done, 1 the input or a feed could not be read (message on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from esja.sources.catalogue import FORMATS

if TYPE_CHECKING:
    from esja.config import Settings
    from esja.digest.signatories import SignatoryLink
    from esja.matching.profiles_csv import ImportResult
    from esja.sources.parsed import LinkedRecord
    from esja.store.enterprises import EnterpriseStore
    from esja.store.organizers import OrganizerStore
    from esja.store.pledges import PledgeStore


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


def _settings(*resources: str) -> Settings:
    """The settings from the environment, with the resources a command needs (else a clear message)."""
    from esja.config import ConfigurationError, Settings

    try:
        settings = Settings.from_env()
        settings.require(*resources)
    except ConfigurationError as error:
        raise CliError(str(error)) from None
    return settings


def _enterprise_store() -> EnterpriseStore:
    from esja.services import aws_client
    from esja.store.enterprises import EnterpriseStore

    return EnterpriseStore(_settings("enterprises_table").enterprises_table, aws_client("dynamodb"))


def _pledge_store() -> PledgeStore:
    from esja.services import aws_client
    from esja.store.pledges import PledgeStore

    return PledgeStore(_settings("pledges_table").pledges_table, aws_client("dynamodb"))


def _export_pledges(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.pledges.export import write_pledges_csv
    from esja.services import utc_now

    found = _pledge_store().everything(utc_now())
    chosen = [p for p in found if args.status in (None, p.status)]
    stdout.write(write_pledges_csv(chosen))
    print(f"{len(chosen)} pledges", file=stderr)
    return 0


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
        matches = index.match(tender if tender.regions else inferrer.with_regions(tender), now)
        for match in sorted(matches, key=lambda m: (m.enterprise_id, m.profile_id)):
            stdout.write(json.dumps(match.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    print(f"{count} matches from {len(lines)} tenders and {len(index)} profiles", file=stderr)
    return 0


def _preview_alert(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.alerts.service import UnknownEnterprise
    from esja.config import ConfigurationError, Settings
    from esja.services import build_alert_service

    try:
        service = build_alert_service(Settings.from_env(), sending=False)
        preview = service.preview(args.enterprise, args.lang)
    except (ConfigurationError, UnknownEnterprise) as error:
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


def _organizer_store() -> OrganizerStore:
    from esja.services import aws_client
    from esja.store.organizers import OrganizerStore

    return OrganizerStore(_settings("organizers_table").organizers_table, aws_client("dynamodb"))


def _link_signatory(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.digest.signatories import SignatoryLink
    from esja.services import utc_now

    wanted = [SignatoryLink(args.pledge_id, buyer_id=args.buyer_id)] if args.buyer_id else []
    wanted += [SignatoryLink(args.pledge_id, buyer_name=args.buyer_name)] if args.buyer_name else []
    if not wanted:
        raise CliError("give --buyer-id, --buyer-name or both")
    store = _organizer_store()
    if args.remove:
        for link in wanted:
            removed = store.remove_link(link)
            print(f"{'removed' if removed else 'no such link'}: {_link_words(link)}", file=stdout)
        return 0
    pledge = _pledge_store().get(args.pledge_id)
    if pledge is None:
        raise CliError(f"no pledge {args.pledge_id!r} (see `esja pledges export`)")
    for link in wanted:
        added = store.add_link(link, utc_now())
        print(
            f"{'linked' if added else 'already linked'}: {pledge.details.institution_name} → {_link_words(link)}",
            file=stdout,
        )
    if pledge.status != "confirmed":
        print(f"note: this pledge is {pledge.status}; its links count once it is confirmed", file=stderr)
    return 0


def _link_words(link: SignatoryLink) -> str:
    return f"buyer id {link.buyer_id}" if link.buyer_id else f"buyer name « {link.buyer_name} »"


def _list_signatory_links(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    for link in _organizer_store().links():
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
    saved = _organizer_store().save_organizers(read.organizers)
    print(f"written: {saved.written}, removed: {saved.removed}, unchanged: {saved.unchanged}", file=stdout)
    return 0


def _list_organizers(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    for organizer in _organizer_store().organizers():
        print(f"{organizer.id}\t{organizer.name}\t{organizer.language}\t{'; '.join(organizer.regions)}", file=stdout)
    return 0


def _preview_digest(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from esja.config import ConfigurationError, Settings
    from esja.digest.service import UnknownOrganizer
    from esja.digest.weeks import Week
    from esja.services import build_digest_service, utc_now

    try:
        week = Week.parse(args.week) if args.week else Week.last_complete(utc_now())
        service = build_digest_service(Settings.from_env(), sending=False)
        previews = service.preview(week, args.organizer, args.lang)
    except (ConfigurationError, UnknownOrganizer, ValueError) as error:
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
