"""`esja`: the command line for the people who operate ESJA.

    esja tenders parse FILE [--format seao|canadabuys|ocds]   one JSON object per tender on stdout
    esja tenders poll --source NAME [--url URL] [--format F]  one poll against the configured AWS endpoint
    esja tenders match                                         the open tenders stored, matched to the profiles
    esja enterprises import FILE.csv [--prune] | export        the organizers' spreadsheet of profiles
    esja enterprises remove ID… [--dry-run]                    enterprises removed, with their subscribers' data
    esja match --profiles FILE.csv --tenders FILE.jsonl        matches with their reasons, one JSON a line
    esja alerts preview --enterprise ID [--lang en] [--html F] an enterprise's next alert, rendered, not sent
    esja pledges export --format csv [--status S]              the institutions' pledges, for organizers
    esja pledges link PLEDGE_ID --buyer-id OP-… [--buyer-name N] a signatory is this buyer (--remove to undo)
    esja organizers import FILE.csv | list                     who receives the weekly digest
    esja digest preview [--week 2026-W38] [--organizer ID]     a week's digests, rendered, not sent
    esja digest figures --from 2026-W01 [--to 2026-W47]       keep past weeks' figures (the programme report)
    esja people rekey                                          move the tables to the keyed hash of addresses

It speaks French or English, as the environment says (LANGUAGE, LC_ALL, LC_MESSAGES, LANG: read by
esja.config.command_language), French otherwise, as the pages do: every word it writes is a catalogue's
(templates/i18n/cli.json) through esja.rendering.wording, so that French gets its typography.

Exit codes: 0 done, 1 the input or a feed could not be read (message on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar

from esja.config import command_language
from esja.model import Language
from esja.rendering import wording
from esja.sources.catalogue import FORMATS

if TYPE_CHECKING:
    from esja.digest.signatories import SignatoryLink
    from esja.enterprises.removal import Removal
    from esja.enterprises.spreadsheet import EnterpriseChange
    from esja.ingest.poll import FileReport
    from esja.matching.profiles_csv import ImportResult
    from esja.sources.parsed import LinkedRecord

T = TypeVar("T")
WIDTH = 100  # columns of the poll table and of every line wrapped
FIGURES_WEEKS_AT_A_TIME = 160  # three years: what the programme report reads at most


@dataclass(frozen=True, slots=True)
class Console:
    """Where a command writes, in its language: data and results on stdout, the rest on stderr."""

    stdout: TextIO
    stderr: TextIO
    lang: Language

    def say(self, key: str, **fields: object) -> str:
        return wording(f"cli.{key}", self.lang, **fields)

    def out(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)

    def note(self, text: str) -> None:
        print(text, file=self.stderr, flush=True)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
    environ: Mapping[str, str] | None = None,
) -> int:
    console = Console(stdout, stderr, command_language(environ))
    args = _parser(console).parse_args(argv)
    try:
        return int(args.run(args, console))
    except CliError as error:
        console.note(wording("label_value", console.lang, label="esja", value=str(error)))
        return 1


class CliError(Exception):
    """A clear message for the operator, in their language; exit code 1."""


# --- argparse, in the console's language ---


class _Parser(argparse.ArgumentParser):
    """argparse speaking the console's language: its headings, -h, the usage line, and the usage errors an
    operator meets (rarer ones keep argparse's English)."""

    def __init__(self, *args: Any, console: Console, **kwargs: Any) -> None:
        usage = console.say("usage")
        super().__init__(*args, **kwargs | {"add_help": False, "formatter_class": lambda prog: _Formatter(prog, usage)})
        self.console = console
        self._positionals.title = console.say("positionals")  # the groups argparse made, named in English
        self._optionals.title = console.say("options")
        self.add_argument("-h", "--help", action="help", help=console.say("help"))
        self._commands: argparse._SubParsersAction[_Parser] | None = None

    def command(self, name: str, help_key: str, run: Callable[..., int] | None = None) -> _Parser:
        """A sub-command of this one (`esja tenders poll`), run by `run` or by its own sub-commands."""
        if self._commands is None:
            metavar = self.console.say("command" if self.prog == "esja" else "action")
            self._commands = self.add_subparsers(required=True, metavar=metavar)
        parser = self._commands.add_parser(name, help=self.console.say(help_key), console=self.console)
        if run is not None:
            parser.set_defaults(run=run)
        return parser

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, self.console.say("error", prog=self.prog, message=_usage_error(message, self.console)) + "\n")


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str, usage: str) -> None:
        super().__init__(prog, width=WIDTH)
        self._usage = usage

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, self._usage if prefix is None else prefix)


# argparse's messages for the usage errors an operator meets (Python 3.11 to 3.13 word them so).
_USAGE_ERRORS = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"the following arguments are required: (?P<names>.+)", "argparse.required"),
        (
            r"argument (?P<argument>\S+): invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)",
            "argparse.choice",
        ),
        (r"unrecognized arguments: (?P<names>.+)", "argparse.unrecognized"),
        (r"argument (?P<argument>\S+): expected one argument", "argparse.one"),
    )
)


def _usage_error(message: str, console: Console) -> str:
    for pattern, key in _USAGE_ERRORS:
        if found := pattern.fullmatch(message):
            return console.say(key, **found.groupdict())
    return message


def _parser(console: Console) -> _Parser:
    parser = _Parser(prog="esja", description=console.say("description"), console=console)
    say = console.say
    tenders = parser.command("tenders", "tenders.help")

    parse = tenders.command("parse", "parse.help", _parse)
    parse.add_argument("file", type=Path, help=say("parse.file"))
    parse.add_argument("--format", choices=FORMATS, help=say("parse.format"))
    parse.add_argument("--source", help=say("parse.source"))

    poll = tenders.command("poll", "poll.help", _poll)
    poll.add_argument("--source", required=True, help=say("poll.source"))
    poll.add_argument("--url", help=say("poll.url"))
    poll.add_argument("--format", choices=FORMATS, help=say("poll.format"))
    poll.add_argument("--json", action="store_true", help=say("poll.json"))

    tenders.command("match", "tenders.match", _match_stored)

    enterprises = parser.command("enterprises", "enterprises.help")
    _spreadsheet_import(enterprises, "enterprises.import", _import_enterprises).add_argument(
        "--prune", action="store_true", help=say("import.prune")
    )
    enterprises.command("export", "enterprises.export", _export_enterprises)
    remove = enterprises.command("remove", "enterprises.remove", _remove_enterprises)
    remove.add_argument("ids", nargs="+", metavar="ID", help=say("remove.ids"))
    remove.add_argument("--dry-run", action="store_true", help=say("dry_run"))

    match = parser.command("match", "match.help", _match)
    match.add_argument("--profiles", type=Path, required=True, help=say("match.profiles"))
    match.add_argument("--tenders", type=Path, required=True, help=say("match.tenders"))
    match.add_argument("--lang", choices=("fr", "en"), help=say("lang"))

    preview = parser.command("alerts", "alerts.help").command("preview", "preview.help", _preview_alert)
    preview.add_argument("--enterprise", required=True, help=say("preview.enterprise"))
    preview.add_argument("--lang", choices=("fr", "en"), help=say("preview.lang"))
    preview.add_argument("--html", type=Path, help=say("preview.html"))

    pledges = parser.command("pledges", "pledges.help")
    export = pledges.command("export", "pledges.export", _export_pledges)
    export.add_argument("--format", choices=("csv",), default="csv", help=say("pledges.format"))
    export.add_argument("--status", choices=("pending", "confirmed", "withdrawn"), help=say("pledges.status"))
    _add_link_commands(pledges)
    _add_digest_commands(parser)
    parser.command("people", "people.help").command("rekey", "people.rekey", _rekey_people)
    return parser


def _spreadsheet_import(actions: _Parser, help_key: str, run: Callable[..., int]) -> _Parser:
    """`… import FILE.csv [--dry-run] [--lang fr|en]`, the same for every spreadsheet organizers load."""
    load = actions.command("import", help_key, run)
    load.add_argument("file", type=Path, help=actions.console.say("import.file"))
    load.add_argument("--dry-run", action="store_true", help=actions.console.say("dry_run"))
    load.add_argument("--lang", choices=("fr", "en"), help=actions.console.say("lang"))
    return load


def _build(build: Callable[[], T], console: Console) -> T:
    """A use case wired from the environment, or a message naming what is missing and how to get it."""
    from esja.config import ConfigurationError

    try:
        return build()
    except ConfigurationError as error:
        if error.missing:
            raise CliError(console.say("error.settings", names=", ".join(error.missing))) from None
        raise CliError(str(error)) from None


def _read(path: Path, console: Console) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise CliError(console.say("error.unreadable", path=path, reason=reason)) from None


# --- tenders ---


def _parse(args: argparse.Namespace, console: Console) -> int:
    from esja.geo import RegionInferrer
    from esja.sources.formats import parse
    from esja.sources.parsed import FeedError

    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise CliError(console.say("error.unreadable", path=args.file, reason=error.strerror)) from None
    try:
        parsed = parse(data, args.format, source=args.source, now=datetime.now(UTC))
    except FeedError as error:
        raise CliError(console.say("error.in_file", path=args.file, reason=error)) from None
    inferrer = RegionInferrer()
    for tender in parsed.tenders:
        console.stdout.write(json.dumps(inferrer.with_regions(tender).to_dict(), ensure_ascii=False) + "\n")
    console.note(
        console.say(
            "parse.summary",
            tenders=len(parsed.tenders),
            records=parsed.records,
            rejected=len(parsed.rejected),
            not_notices=parsed.not_notices,
            repaired=len(parsed.repairs),
        )
    )
    for kind, records in parsed.repaired().items():
        console.note(console.say("parse.repaired", kind=kind, count=len(records), records=", ".join(records)))
    for rejected in parsed.rejected:
        console.note(console.say("parse.rejected", record=rejected.record, reason=rejected.reason))
    if parsed.linked:
        console.note(_links_only(parsed.linked, parsed.records, console))
    return 0


def _links_only(linked: Sequence[LinkedRecord], records: int, console: Console) -> str:
    if len(linked) == records:
        return console.say("parse.only_links", records=records)
    names = ", ".join(f"{record.record} {record.ocid}" for record in linked)
    return console.say("parse.some_links", count=len(linked), records=names)


def _poll(args: argparse.Namespace, console: Console) -> int:
    from esja.bootstrap import build_poll_service
    from esja.sources.catalogue import UnknownFeed

    service = _build(build_poll_service, console)
    table = PollTable(console)
    try:
        report = service.poll_source(
            args.source, fmt=args.format, url=args.url, on_file=None if args.json else table.file_done
        )
    except UnknownFeed as error:
        raise CliError(console.say("error.unknown_feed", source=error.source, known=", ".join(error.known))) from None
    except ValueError as error:
        raise CliError(str(error)) from None
    if args.json:
        console.out(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        table.feed_done(report.as_dict())
    return 0 if report.ok else 1


def _match_stored(args: argparse.Namespace, console: Console) -> int:
    from esja.bootstrap import build_match_service

    run = _build(build_match_service, console).match_stored()
    if not run.profiles:
        console.note(console.say("tenders.no_profile"))
    console.out(console.say("tenders.matched", tenders=run.tenders, profiles=run.profiles, matches=run.new_matches))
    return 0


# The poll's counts: those of the columns, and those shown under a file's line when they are not zero.
_COLUMNS = ("records", "tenders", "new", "changed", "unchanged", "announced")
_DETAILS = ("skipped", "rejected", "not_notices", "repaired", "linked")
_NAME, _OUTCOME = 32, 12


class PollTable:
    """A poll's report as a table at most WIDTH columns wide: one line per file, printed as soon as the file
    is done (a SEAO backfill reads for minutes), under it what is worth knowing, then the feed's totals."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._say = console.say
        self._widths = [max(8, len(self._say(f"poll.{c}")) + 1) for c in _COLUMNS]
        self._started = False

    def file_done(self, file: FileReport) -> None:
        """As soon as the poll is done with the file."""
        self.print(self.file_lines(file.as_dict()))

    def feed_done(self, report: dict[str, Any]) -> None:
        self.print(self.feed_lines(report))

    def print(self, lines: list[str]) -> None:
        if not self._started:
            self._started = True
            lines = self.header() + lines
        for line in lines:
            self._console.out(line)

    def header(self) -> list[str]:
        first = f"{self._say('poll.file'):<{_NAME + 2}} {self._say('poll.outcome'):<{_OUTCOME}}" + "".join(
            f"{self._say(f'poll.{c}'):>{w}}" for c, w in zip(_COLUMNS, self._widths, strict=True)
        )
        return [first, "-" * len(first)]

    def file_lines(self, file: dict[str, Any]) -> list[str]:
        name, outcome = _shortened(str(file["name"])), self._say(f"poll.{file['outcome']}")
        lines = [f"  {name:<{_NAME}} {outcome:<{_OUTCOME}}{self._counts(file)}", *self._details(file)]
        if file["error"]:
            lines += _wrapped(f"! {file['error']}", indent=4)
        for kind, tally in file["repairs"].items():
            records = ", ".join(tally["records"])
            lines += _wrapped(self._say("poll.repairs", kind=kind, count=tally["count"], records=records), indent=4)
        if file["linked_left"]:
            lines += _wrapped(self._say("poll.linked_left", count=file["linked_left"]), indent=4)
        return lines

    def feed_lines(self, report: dict[str, Any]) -> list[str]:
        name, outcome = str(report["feed"])[: _NAME + 2], self._say("poll.ok" if report["ok"] else "poll.feed_failed")
        return [f"{name:<{_NAME + 2}} {outcome:<{_OUTCOME}}{self._counts(report)}", *self._details(report)]

    def _counts(self, values: dict[str, Any]) -> str:
        return "".join(f"{values[c]!s:>{w}}" for c, w in zip(_COLUMNS, self._widths, strict=True))

    def _details(self, values: dict[str, Any]) -> list[str]:
        shown = [
            wording("label_value", self._console.lang, label=self._say(f"poll.{name}"), value=values[name])
            for name in _DETAILS
            if values[name]
        ]
        return _wrapped(" · ".join(shown), indent=4) if shown else []


def _shortened(name: str) -> str:
    """A file's name in its column: its end, which tells files apart (« …_20261116_20261122.json »)."""
    return name if len(name) <= _NAME else "…" + name[-(_NAME - 1) :]


def _wrapped(text: str, *, indent: int) -> list[str]:
    """At most WIDTH columns (never broken at a non-breaking space: textwrap breaks at ASCII spaces only)."""
    return textwrap.wrap(text, WIDTH, initial_indent=" " * indent, subsequent_indent=" " * (indent + 2))


def format_report_table(reports: Sequence[dict[str, Any]], lang: Language = "en") -> str:
    """Poll reports (as the function returns them) as the command prints them, whole."""
    out = io.StringIO()
    table = PollTable(Console(out, out, lang))
    for report in reports:
        table.print([line for file in report["files"] for line in table.file_lines(file)])
        table.feed_done(report)
    return out.getvalue()


# --- enterprises ---


def _read_profiles(path: Path, lang: Language, console: Console) -> ImportResult:
    from esja.matching.profiles_csv import read_profiles_file

    try:
        result = read_profiles_file(path.read_bytes())
    except OSError as error:
        raise CliError(console.say("error.unreadable", path=path, reason=error.strerror)) from None
    if not result.ok:
        lines = "\n".join(f"  {error.message(lang)}" for error in result.errors)
        raise CliError(console.say("error.spreadsheet", path=path, count=len(result.errors)) + "\n" + lines)
    return result


def _import_enterprises(args: argparse.Namespace, console: Console) -> int:
    """The console's import (esja.enterprises.spreadsheet), with every region in reach: audited alike."""
    from esja.bootstrap import build_enterprise_spreadsheet
    from esja.people.actor import at_the_terminal

    result = _read_profiles(args.file, args.lang or console.lang, console)
    say = console.say
    console.out(say("import.read", enterprises=len(result.enterprises), profiles=len(result.profiles), path=args.file))
    spreadsheet = _build(lambda: build_enterprise_spreadsheet(prune=args.prune), console)
    plan = spreadsheet.plan(result, prune=args.prune)
    for change in plan.changes:
        console.out(_change_line(change, console))
    if args.dry_run:
        console.out(say("import.would_stay", unchanged=plan.unchanged))
        if plan.pruned is not None:
            _print_removal(plan.pruned, console)
        return 0
    done = spreadsheet.apply(at_the_terminal(), plan)
    saved = done.saved
    console.out(
        say(
            "import.saved",
            enterprises=saved.enterprises_changed,
            profiles=saved.profiles_changed,
            removed=saved.profiles_removed,
            unchanged=saved.unchanged,
        )
    )
    if done.removed is not None:
        _print_removal(done.removed, console)
    return 0


def _change_line(change: EnterpriseChange, console: Console) -> str:
    """« modifiée : coop-a « Coop A » · colonnes : neq · profils ajoutés : 1, modifiés : 0, retirés : 0 · … »."""
    profiles, subscribers = change.profiles, change.subscribers
    return console.say(
        "import.added" if change.added else "import.changed",
        id=change.enterprise_id,
        name=change.name,
        columns=", ".join(change.columns) or "—",
        profiles=console.say(
            "import.counts", added=len(profiles.added), changed=len(profiles.changed), removed=len(profiles.removed)
        ),
        subscribers=console.say(
            "import.counts",
            added=len(subscribers.added),
            changed=len(subscribers.changed),
            removed=len(subscribers.removed),
        ),
    )


def _export_enterprises(args: argparse.Namespace, console: Console) -> int:
    """The console's export, of every enterprise: its subscribers' addresses, so audited alike."""
    from esja.bootstrap import build_enterprise_spreadsheet
    from esja.people.actor import at_the_terminal

    console.stdout.write(_build(build_enterprise_spreadsheet, console).export(at_the_terminal()).csv)
    return 0


def _remove_enterprises(args: argparse.Namespace, console: Console) -> int:
    """The console's removal, of any enterprise: audited alike (a dry run changes nothing and is not)."""
    from esja.bootstrap import build_enterprise_removal
    from esja.enterprises.removal import UnknownEnterprises
    from esja.people.actor import at_the_terminal

    removal = _build(build_enterprise_removal, console)
    try:
        done = removal.plan(args.ids) if args.dry_run else removal.remove(at_the_terminal(), args.ids)
    except UnknownEnterprises as error:
        raise CliError(console.say("error.unknown_enterprises", ids=", ".join(error.enterprise_ids))) from None
    _print_removal(done, console)
    return 0


def _print_removal(removal: Removal, console: Console) -> None:
    from esja.l10n import day

    if not removal.enterprises:
        console.out(console.say("removal.none"))
        return
    for leaving in removal.enterprises:
        console.out(
            console.say(
                "removal.done" if removal.done else "removal.planned",
                id=leaving.enterprise_id,
                name=leaving.name,
                profiles=leaving.profiles,
                alert_items=leaving.alert_items,
                forgotten=leaving.addresses_forgotten,
                kept=leaving.addresses_kept,
            )
        )
    console.out(console.say("removal.evidence", day=day(removal.evidence_until, console.lang)))


# --- matching files, alerts, pledges ---


def _match(args: argparse.Namespace, console: Console) -> int:
    from esja.matching.service import FileMatcher
    from esja.model import Tender

    matcher = FileMatcher(_read_profiles(args.profiles, args.lang or console.lang, console).profiles)
    now = datetime.now(UTC)
    count = 0
    lines = _read(args.tenders, console).splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            tender = Tender.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError) as error:
            raise CliError(console.say("error.not_a_tender", path=args.tenders, line=number, reason=error)) from None
        for match in matcher.matches(tender, now):
            console.stdout.write(json.dumps(match.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    console.note(console.say("match.summary", matches=count, tenders=len(lines), profiles=len(matcher)))
    return 0


def _preview_alert(args: argparse.Namespace, console: Console) -> int:
    from esja.alerts.service import NoSubscriber, UnknownEnterprise
    from esja.bootstrap import build_alert_service

    service = _build(lambda: build_alert_service(sending=False), console)
    try:
        preview = service.preview(args.enterprise, args.lang)
    except NoSubscriber:
        raise CliError(console.say("error.no_subscriber", id=args.enterprise)) from None
    except UnknownEnterprise:
        raise CliError(console.say("error.unknown_enterprises", ids=args.enterprise)) from None
    say = console.say
    frequency, status = say(f"frequency.{preview.frequency}"), say(f"status.{preview.status}")
    console.note(say("preview.state", frequency=frequency, language=preview.language, status=status))
    if preview.email is None:
        console.note(say("preview.nothing"))
        return 0
    console.stdout.write(say("subject", subject=preview.email.subject) + "\n\n" + preview.email.text)
    if args.html:
        args.html.write_text(preview.email.html, encoding="utf-8")
        console.note(say("preview.html_written", path=args.html))
    return 0


def _export_pledges(args: argparse.Namespace, console: Console) -> int:
    """The console's export (esja.console.pledge_export), from the terminal: audited alike."""
    from esja.bootstrap import build_pledge_export
    from esja.console.pledges import PledgeFilter
    from esja.people.actor import at_the_terminal
    from esja.pledges.model import Stage

    confirmed = {Stage.TO_VERIFY, Stage.VERIFIED, Stage.REJECTED}
    stages = {"pending": {Stage.PENDING}, "confirmed": confirmed, "withdrawn": {Stage.WITHDRAWN}}.get(
        args.status, set()
    )
    exported = _build(build_pledge_export, console).export(at_the_terminal(), PledgeFilter(frozenset(stages)))
    console.stdout.write(exported.csv)
    console.note(console.say("pledges.count", count=exported.count))
    return 0


def _add_link_commands(pledges: _Parser) -> None:
    say = pledges.console.say
    link = pledges.command("link", "link.help", _link_signatory)
    link.add_argument("pledge_id", help=say("link.pledge"))
    link.add_argument("--buyer-id", help=say("link.buyer_id"))
    link.add_argument("--buyer-name", help=say("link.buyer_name"))
    link.add_argument("--remove", action="store_true", help=say("link.remove"))
    pledges.command("links", "links.help", _list_signatory_links)


def _link_signatory(args: argparse.Namespace, console: Console) -> int:
    """The console's links (esja.console.buyer_links), drawn from the terminal: audited alike."""
    from esja.bootstrap import build_buyer_links
    from esja.console.errors import InvalidForm, UnknownPledge
    from esja.people.actor import at_the_terminal

    if not (args.buyer_id or args.buyer_name):
        raise CliError(console.say("error.link_needs"))
    links = _build(build_buyer_links, console)
    act = links.unlink if args.remove else links.link
    try:
        done = act(at_the_terminal(), args.pledge_id, buyer_id=args.buyer_id or "", buyer_name=args.buyer_name or "")
    except UnknownPledge:
        raise CliError(console.say("error.unknown_pledge", id=args.pledge_id)) from None
    except InvalidForm as invalid:
        errors = (wording(f"pledge.error.{e.code}", console.lang, **e.params) for e in invalid.errors)
        raise CliError("; ".join(errors)) from None
    institution = done.pledge.details.institution_name
    for link, changed in done.links:
        words = _link_words(link, console)
        if args.remove:
            console.out(console.say("link.removed" if changed else "link.absent", link=words))
        else:
            console.out(console.say("link.linked" if changed else "link.already", institution=institution, link=words))
    if not args.remove and not done.pledge.is_verified_signatory:
        console.note(console.say("link.not_verified", status=console.say(f"pledge.{done.pledge.stage}")))
    return 0


def _link_words(link: SignatoryLink, console: Console) -> str:
    if link.buyer_id:
        return console.say("link.buyer_id_words", id=link.buyer_id)
    return console.say("link.buyer_name_words", name=link.buyer_name)


def _list_signatory_links(args: argparse.Namespace, console: Console) -> int:
    from esja.bootstrap import build_digest_setup

    for link in _build(build_digest_setup, console).links():
        console.out(f"{link.pledge_id}\t{_link_words(link, console)}")
    return 0


# --- organizers and the digest ---


def _add_digest_commands(parser: _Parser) -> None:
    say = parser.console.say
    organizers = parser.command("organizers", "organizers.help")
    _spreadsheet_import(organizers, "organizers.import", _import_organizers)
    organizers.command("list", "organizers.list", _list_organizers)

    digest = parser.command("digest", "digest.help")
    figures = digest.command("figures", "digest.figures", _keep_digest_figures)
    figures.add_argument("--from", dest="first", required=True, help=say("digest.figures_from"))
    figures.add_argument("--to", dest="last", help=say("digest.figures_to"))
    preview = digest.command("preview", "digest.preview", _preview_digest)
    preview.add_argument("--week", help=say("digest.week"))
    preview.add_argument("--organizer", help=say("digest.organizer"))
    preview.add_argument("--lang", choices=("fr", "en"), help=say("digest.lang"))
    preview.add_argument("--html", type=Path, help=say("digest.html"))


def _import_organizers(args: argparse.Namespace, console: Console) -> int:
    from esja.digest.organizers_csv import read_organizers_csv

    read = read_organizers_csv(_read(args.file, console))
    if read.errors:
        lines = "\n".join(f"  {error.message(args.lang or console.lang)}" for error in read.errors)
        raise CliError(console.say("error.spreadsheet", path=args.file, count=len(read.errors)) + "\n" + lines)
    console.out(console.say("organizers.read", path=args.file, count=len(read.organizers)))
    if args.dry_run:
        return 0
    from esja.bootstrap import build_digest_setup

    saved = _build(build_digest_setup, console).save_organizers(read.organizers)
    console.out(
        console.say("organizers.saved", written=saved.written, removed=saved.removed, unchanged=saved.unchanged)
    )
    return 0


def _list_organizers(args: argparse.Namespace, console: Console) -> int:
    from esja.bootstrap import build_digest_setup

    for organizer in _build(build_digest_setup, console).organizers():
        console.out(f"{organizer.id}\t{organizer.name}\t{organizer.language}\t{'; '.join(organizer.regions)}")
    return 0


def _preview_digest(args: argparse.Namespace, console: Console) -> int:
    from esja.bootstrap import build_digest_service
    from esja.clock import utc_now
    from esja.digest.service import UnknownOrganizer
    from esja.digest.weeks import Week

    try:
        week = Week.parse(args.week) if args.week else Week.last_complete(utc_now())
    except ValueError:
        raise CliError(console.say("error.week", week=args.week)) from None
    service = _build(lambda: build_digest_service(sending=False), console)
    try:
        previews = service.preview(week, args.organizer, args.lang)
    except UnknownOrganizer:
        raise CliError(console.say("error.unknown_organizer", id=args.organizer)) from None
    if not previews:
        console.note(console.say("digest.none"))
        return 0
    for preview in previews:
        console.stdout.write(console.say("subject", subject=preview.email.subject) + f"\n\n{preview.email.text}\n")
        if args.html:
            path = (
                args.html
                if len(previews) == 1
                else args.html.with_name(f"{args.html.stem}-{preview.organizer.id}{args.html.suffix}")
            )
            path.write_text(preview.email.html, encoding="utf-8")
            console.note(console.say("digest.html_written", id=preview.organizer.id, path=path))
    return 0


def _keep_digest_figures(args: argparse.Namespace, console: Console) -> int:
    from esja.bootstrap import build_figure_book
    from esja.clock import utc_now
    from esja.digest.weeks import Week

    complete = Week.last_complete(utc_now())
    try:
        first, last = Week.parse(args.first), Week.parse(args.last) if args.last else complete
    except ValueError as error:
        raise CliError(str(error)) from None
    if last > complete or first > last:
        raise CliError(console.say("digest.figures_weeks", complete=complete))
    weeks = [first]
    while weeks[-1] < last:
        weeks.append(Week.containing(weeks[-1].end))
    if len(weeks) > FIGURES_WEEKS_AT_A_TIME:
        raise CliError(console.say("digest.figures_too_many", most=FIGURES_WEEKS_AT_A_TIME))
    book = _build(build_figure_book, console)
    for week in weeks:
        worked, recorded = book.record(week)
        console.out(console.say("digest.figures_kept", week=week, lines=len(worked.figures.lines), won=recorded))
    return 0


# --- people ---


def _rekey_people(args: argparse.Namespace, console: Console) -> int:
    from esja.bootstrap import build_address_rekeying

    report = _build(build_address_rekeying, console).run()
    said = [
        wording("label_value", console.lang, label=console.say(f"people.{name}"), value=value)
        for name, value in report.as_dict().items()
    ]
    console.out(" · ".join(said))
    return 0


if __name__ == "__main__":
    sys.exit(main())
