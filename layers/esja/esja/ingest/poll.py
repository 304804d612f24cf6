"""poll(feed): fetch what a feed published since last time, store what changed, announce it for matching.

A file that cannot be read (feed down, truncated, malformed) leaves the cursor where it was, so the
next run retries it; a bad record inside a good file is counted and skipped, never sinking the rest.
Fields repaired to read a record are counted per field, and the records named (position and id).
A record that only links to its releases has them fetched like any feed file, a bounded number a run.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from esja.errors import StoreError
from esja.ingest.changes import Change, Stale, StoredVersion, plan_change
from esja.ingest.feed_state import COUNTS, FeedState
from esja.model import Tender
from esja.sources.catalogue import DEFAULT_FEEDS, FeedConfig, resolve_feed
from esja.sources.ckan import list_seao_files, pending_seao_files
from esja.sources.fields import Json
from esja.sources.formats import parse, parse_linked
from esja.sources.http import Fetched, FetchError
from esja.sources.ocds import linked_releases
from esja.sources.parsed import FeedError, LinkedRecord, Parsed

logger = logging.getLogger(__name__)

_CHUNK = 100  # tenders compared and written together
_WEB = ("https://", "http://")
REPAIR_EXAMPLES = 10  # records named per kind of repair in a report and in the Feeds table (all are counted)


class Fetcher(Protocol):
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched: ...


class TenderRepository(Protocol):
    def stored_versions(self, keys: Sequence[str]) -> dict[str, StoredVersion]: ...
    def write(self, changes: Sequence[Change]) -> int: ...


class Announcer(Protocol):
    def announce(self, changes: Sequence[Change]) -> int: ...


class FeedStates(Protocol):
    def load(self, feed: str) -> FeedState: ...
    def save(self, state: FeedState) -> None: ...


class FileOutcome(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not-modified"
    FAILED = "failed"


@dataclass(slots=True)
class FileReport:
    name: str
    outcome: FileOutcome = FileOutcome.OK
    error: str | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    repairs: dict[str, list[str]] = field(default_factory=dict)  # « field (how) » → records, in file order
    linked_left: int = 0  # records whose linked releases are left for the next runs

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "outcome": self.outcome.value,
            "error": self.error,
            **self.counts,
            "repairs": _tally(self.repairs),
            "linked_left": self.linked_left,
        }


@dataclass(slots=True)
class PollReport:
    feed: str
    files: list[FileReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.outcome is not FileOutcome.FAILED for f in self.files)

    @property
    def totals(self) -> dict[str, int]:
        return {name: sum(f.counts[name] for f in self.files) for name in COUNTS}

    def repairs(self) -> dict[str, list[str]]:
        """Each kind of repair → the records it was made in (« file record »), over every file."""
        found: dict[str, list[str]] = {}
        for file in self.files:
            for kind, records in file.repairs.items():
                found.setdefault(kind, []).extend(f"{file.name} {record}" for record in records)
        return found

    def as_dict(self) -> dict[str, object]:
        return {
            "feed": self.feed,
            "ok": self.ok,
            **self.totals,
            "files": [f.as_dict() for f in self.files],
        }


FileDone = Callable[[FileReport], None]


def _nothing(file: FileReport) -> None:
    """No one to tell (the functions: their report is returned whole)."""


def _tally(repairs: dict[str, list[str]]) -> dict[str, dict[str, object]]:
    """Per kind of repair: how many records, and the first few of them (position and id, no content)."""
    return {kind: {"count": len(records), "records": records[:REPAIR_EXAMPLES]} for kind, records in repairs.items()}


class PollService:
    def __init__(
        self,
        *,
        fetcher: Fetcher,
        feed_states: FeedStates,
        tenders: TenderRepository,
        announcer: Announcer,
        clock: Callable[[], datetime],
        enrich: Callable[[Tender], Tender] = lambda tender: tender,
        seao_backfill_weeks: int = 1,
        feeds: Mapping[str, FeedConfig] = DEFAULT_FEEDS,
        max_linked_releases: int = 100,  # a file that links to more is read over several runs
    ) -> None:
        self._fetcher = fetcher
        self._states = feed_states
        self._tenders = tenders
        self._announcer = announcer
        self._clock = clock
        self._enrich = enrich
        self._backfill = timedelta(weeks=seao_backfill_weeks)
        self._max_linked = max_linked_releases
        self._feeds = dict(feeds)

    def poll_source(
        self, source: str, *, fmt: str | None = None, url: str | None = None, on_file: FileDone | None = None
    ) -> PollReport:
        """The feed a schedule or an operator names: a known one (its URL may be overridden), or any feed
        given with its format and URL; UnknownFeed or ValueError when it cannot be one."""
        return self.poll(resolve_feed(self._feeds, source, fmt=fmt, url=url), on_file=on_file)

    def poll(self, feed: FeedConfig, *, on_file: FileDone | None = None) -> PollReport:
        """`on_file` is told of each file as soon as it is done with (the command line's progress)."""
        on_file = on_file or _nothing
        state = self._states.load(feed.name)
        report = PollReport(feed.name)
        if feed.format == "seao":
            self._poll_seao(feed, state, report, on_file)
        else:
            on_file(self._poll_single(feed, state, report))
        now = self._clock().isoformat()
        failures = [f for f in report.files if f.outcome is FileOutcome.FAILED]
        if failures:
            state.last_error, state.last_error_at = "; ".join(str(f.error) for f in failures), now
        else:  # the last error stays, for the console: it is current only while no success came after it
            state.last_success_at = now
        state.last_counts = report.totals
        state.add_counts(report.totals)
        state.last_repairs = _tally(report.repairs())
        self._states.save(state)
        logger.info("poll finished", extra={"report": report.as_dict()})
        return report

    def _poll_single(self, feed: FeedConfig, state: FeedState, report: PollReport) -> FileReport:
        file = FileReport(feed.url.split("?", 1)[0].rsplit("/", 1)[-1] or feed.url)
        report.files.append(file)
        try:
            fetched = self._fetcher.get(feed.url, etag=state.etag, last_modified=state.last_modified)
        except FetchError as error:
            _fail(file, error)
            return file
        if fetched.not_modified:
            file.outcome = FileOutcome.NOT_MODIFIED
            return file
        try:
            if self._ingest_file(feed, fetched.body, file, state, self._max_linked):
                state.etag, state.last_modified = fetched.etag, fetched.last_modified
        except StoreError as error:
            _fail(file, error)
        return file

    def _poll_seao(self, feed: FeedConfig, state: FeedState, report: PollReport, on_file: FileDone) -> None:
        listing = FileReport("CKAN package_show")
        try:
            files = list_seao_files(self._fetcher.get(feed.url).body)
        except (FetchError, FeedError) as error:
            report.files.append(listing)
            _fail(listing, error)
            on_file(listing)
            return
        weeklies = [f for f in files if f.weekly]
        if state.since is None and weeklies:
            # First run: start from the latest weeks rather than replaying years of history.
            state.since = max(f.end for f in weeklies) - self._backfill
        links = self._max_linked  # SEAO publishes release packages: no link to follow, so far
        for seao_file in pending_seao_files(files, set(state.processed), state.since or files[0].start):
            file = FileReport(seao_file.name)
            report.files.append(file)
            try:
                body = self._fetcher.get(seao_file.url).body
            except FetchError as error:
                _fail(file, error)
                on_file(file)
                continue  # later files are still safe to read: stale releases are never stored over newer ones
            try:
                if self._ingest_file(feed, body, file, state, links):
                    state.mark_processed(seao_file.name)
            except StoreError as error:
                _fail(file, error)
                on_file(file)
                break  # AWS is in trouble: stop here, the next run goes on from this file
            on_file(file)
            links -= file.counts["linked"]

    def _ingest_file(self, feed: FeedConfig, body: bytes, file: FileReport, state: FeedState, links: int) -> bool:
        """False when the file cannot be read, or was read only in part (linked releases left to
        fetch): the cursor then stays where it was. StoreError propagates when AWS fails."""
        try:
            parsed = parse(body, feed.format, source=feed.tender_source, now=self._clock())
        except FeedError as error:
            _fail(file, error)
            return False
        complete = self._read_linked(feed, parsed, body, file=file, state=state, links=links) if parsed.linked else True
        file.counts["records"] = parsed.records
        file.counts["tenders"] = len(parsed.tenders)
        file.counts["rejected"] = len(parsed.rejected)
        file.counts["not_notices"] = parsed.not_notices
        file.counts["repaired"] = len(parsed.repairs)
        file.repairs = parsed.repaired()
        for rejected in parsed.rejected[:20]:
            logger.warning(
                "record rejected", extra={"file": file.name, "record": rejected.record, "reason": rejected.reason}
            )
        if file.repairs:
            logger.info("fields repaired", extra={"file": file.name, "repairs": _tally(file.repairs)})
        for start in range(0, len(parsed.tenders), _CHUNK):
            self._ingest_chunk([self._enrich(t) for t in parsed.tenders[start : start + _CHUNK]], file)
        return complete

    def _ingest_chunk(self, tenders: list[Tender], file: FileReport) -> None:
        now = self._clock()
        stored = self._tenders.stored_versions([t.key for t in tenders])
        changes: list[Change] = []
        for tender in tenders:
            change = plan_change(tender, stored.get(tender.key), now)
            if change is None:
                file.counts["unchanged"] += 1
            elif isinstance(change, Stale):
                file.counts["skipped"] += 1
            else:
                changes.append(change)
                file.counts["new" if change.kind == "new" else "changed"] += 1
        # Announce before writing: if the write then fails, the next run sees the change again and
        # re-announces it (the matcher writes each match once), so nothing is lost either way.
        file.counts["announced"] += self._announcer.announce([c for c in changes if c.announced])
        self._tenders.write(changes)

    def _read_linked(
        self, feed: FeedConfig, parsed: Parsed, body: bytes, *, file: FileReport, state: FeedState, links: int
    ) -> bool:
        """Fetch the releases that records only link to (same limits and retries as any feed file),
        at most `links` of them, and read those records; True when no record is left for later.

        The Feeds table remembers how far the walk went in this version of the file, so the next run
        goes on from there; a linked release that cannot be fetched stops the walk, to be retried."""
        version = hashlib.sha256(body).hexdigest()[:32]
        start = state.linked_next if state.linked_file == version else 0
        fetched: dict[str, list[Json]] = {}
        found: list[tuple[LinkedRecord, list[Json]]] = []
        position = start
        for linked in parsed.linked[start:]:
            # Only web addresses are followed (a file:// link in a publisher's file is never read).
            urls = list(dict.fromkeys(url.partition("#")[0] for url in linked.urls if url.startswith(_WEB)))
            wanted = [url for url in urls if url not in fetched]
            if len(fetched) + len(wanted) > links:
                break
            try:
                for url in wanted:
                    fetched[url] = self._linked_releases(url)
            except FetchError as error:
                _fail(file, FetchError(f"a linked release of {linked.record} {linked.ocid}: {error}"))
                break
            found.append((linked, [release for url in urls for release in fetched[url]]))
            position += 1
        parsed.merge(parse_linked(found, feed.format, source=feed.tender_source, now=self._clock()))
        file.counts["linked"] = len(fetched)
        file.linked_left = len(parsed.linked) - position
        done = file.linked_left == 0
        state.linked_file, state.linked_next = (None, 0) if done else (version, position)
        return done and file.outcome is not FileOutcome.FAILED

    def _linked_releases(self, url: str) -> list[Json]:
        """The releases at a linked address; one that is no OCDS release gives none (its record is
        then rejected), rather than stopping every later record."""
        body = self._fetcher.get(url).body
        try:
            return linked_releases(body)
        except FeedError as error:
            logger.warning("linked release unreadable", extra={"url": url, "error": str(error)})
            return []


def _fail(file: FileReport, error: Exception) -> None:
    file.outcome = FileOutcome.FAILED
    file.error = str(error)
    logger.error("feed file failed", extra={"file": file.name, "error": file.error})
