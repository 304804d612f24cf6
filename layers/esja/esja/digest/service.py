"""weekly_digest: each organizer's digest of a week, e-mailed once and archived.

The week's data is read once (tenders, matches, enterprises, pledges, signatory links, alert
deliveries) and the contracts won it reveals are recorded for good. Then, per organizer:
1. claim the week's send record (esja.sends, « preparing »): a replay finds it and sends nothing;
2. render the e-mail and archive its page in S3 (a failure here frees the claim: nothing went out);
3. mark the record « sending », ask SES, mark it « sent » with SES's message id.
SES refusing (throttled, paused, rejected) frees the claim for the next run. A crash before step 3
leaves « preparing », which a run 15 minutes later may take over: nothing is lost. Only a crash while
SES is being asked — no answer, or none recorded — leaves « sending »: the digest may have gone, so it
is never sent again (no duplicate) but reported as in doubt; its archived page is there to forward.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, assert_never

from esja.config import SenderIdentity
from esja.digest.compose import archive_page, compose_digest
from esja.digest.facts import WeekFacts
from esja.digest.figure_book import FigureStore, keep_if_over
from esja.digest.links import DigestLinks, archive_key
from esja.digest.organizers import Organizer
from esja.digest.outcomes import ContractWon
from esja.digest.sections import build_digest
from esja.digest.signatories import SignatoryLink
from esja.digest.week_data import EnterpriseActivity, SeenTender, SubscriptionEvent, WeekData
from esja.digest.weeks import Week
from esja.emails import Email, Sender
from esja.errors import REFUSED, StoreError
from esja.feedback.model import Vote
from esja.model import Enterprise, Language, Profile
from esja.pledges.model import Pledge
from esja.sends import Claim, SendKey, SendLedger, SendOnce

logger = logging.getLogger(__name__)


class OrganizerBook(Protocol):
    def organizers(self) -> list[Organizer]: ...
    def links(self) -> list[SignatoryLink]: ...


class TenderSource(Protocol):
    def first_seen_in(self, week: Week) -> list[SeenTender]: ...
    def awarded_in(self, week: Week) -> list[SeenTender]: ...
    def closing_after(self, moment: datetime) -> list[SeenTender]: ...


class MatchSource(Protocol):
    def activities_of(self, enterprise_ids: Sequence[str]) -> dict[str, EnterpriseActivity]: ...
    def record_won(self, won: ContractWon, now: datetime) -> bool: ...


class EnterpriseSource(Protocol):
    def load(self) -> tuple[list[Enterprise], list[Profile]]: ...


class VoteSource(Protocol):
    def votes_of(self, enterprise_id: str) -> list[Vote]: ...


class PledgeSource(Protocol):
    def everything(self, now: datetime) -> Iterable[Pledge]: ...


class EventSource(Protocol):
    def since(self, moment: datetime) -> list[SubscriptionEvent]: ...


class Archive(Protocol):
    def put(self, key: str, page: str) -> None: ...


class UnknownOrganizer(LookupError):
    pass


class Sending(StrEnum):
    """What became of a claimed digest."""

    SENT = "sent"
    IN_DOUBT = "in_doubt"
    FAILED = "failed"


@dataclass(slots=True)
class RunReport:
    week: str
    organizers: int = 0
    sent: int = 0
    already_sent: int = 0
    in_flight: int = 0  # another run is preparing it now
    in_doubt: int = 0  # a run died while asking SES: not sent again (see the module's docstring)
    failed: int = 0  # nothing went out; the next run (Lambda's retry, or a re-run) tries again
    contracts_recorded: int = 0  # contracts won recorded for the first time
    figures_kept: bool = False  # the week's figures, for the programme report (once the week is over)

    def count(self, outcome: Claim | Sending) -> None:
        match outcome:
            case Claim.CLAIMED:
                raise ValueError("a claim is no outcome")
            case Sending.SENT:
                self.sent += 1
            case Claim.SENT:
                self.already_sent += 1
            case Claim.IN_FLIGHT:
                self.in_flight += 1
            case Claim.IN_DOUBT | Sending.IN_DOUBT:
                self.in_doubt += 1
            case Sending.FAILED:
                self.failed += 1
            case _:
                assert_never(outcome)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class DigestPreview:
    organizer: Organizer
    email: Email
    page: str  # the archive page


class DigestService:
    def __init__(
        self,
        *,
        organizers: OrganizerBook,
        tenders: TenderSource,
        matches: MatchSource,
        enterprises: EnterpriseSource,
        votes: VoteSource,
        pledges: PledgeSource,
        events: EventSource,
        sends: SendLedger,
        archive: Archive | None,  # None, with mailer None: previews only
        mailer: Sender | None,
        links: DigestLinks,
        sender: SenderIdentity,
        clock: Callable[[], datetime],
        figures: FigureStore | None = None,  # keeps each week's figures for the programme report
    ) -> None:
        self._organizers = organizers
        self._tenders = tenders
        self._matches = matches
        self._enterprises = enterprises
        self._votes = votes
        self._pledges = pledges
        self._events = events
        self._archive = archive
        self._sends = SendOnce(sends, mailer, clock)
        self._previews_only = mailer is None
        self._links = links
        self._sender = sender
        self._clock = clock
        self._figures = figures

    def send_week(self, week: str | None = None, scheduled_at: datetime | None = None) -> RunReport:
        """The week named (« 2026-W47 »), else the last complete one at the schedule's time (now if none):
        a replay of the schedule names the same week. ValueError for a name that is no week."""
        return self.send_digests(Week.parse(week) if week else Week.last_complete(scheduled_at or self._clock()))

    def send_digests(self, week: Week) -> RunReport:
        report = RunReport(str(week))
        facts = WeekFacts(self.gather(week))
        now = self._clock()
        # Recorded whoever reads the digest; the previous week's again, in case its run never came.
        for won in (*facts.won_this, *facts.won_last):
            report.contracts_recorded += self._matches.record_won(won, now)
        for organizer in self._organizers.organizers():
            report.organizers += 1
            report.count(self._serve(organizer, facts))
        if self._figures is not None:
            try:
                report.figures_kept = keep_if_over(self._figures, facts, now)
            except StoreError as error:  # the digests went out; `esja digest figures` keeps them later
                logger.error("week's figures not kept", extra={"week": str(week), "error": type(error).__name__})
        return report

    def preview(self, week: Week, organizer_id: str | None = None, lang: Language | None = None) -> list[DigestPreview]:
        """The digests as they would be sent, rendered; nothing is written, archived or sent."""
        organizers = self._organizers.organizers()
        if organizer_id is not None:
            organizers = [o for o in organizers if o.id == organizer_id]
            if not organizers:
                raise UnknownOrganizer(f"no organizer {organizer_id!r}")
        if lang is not None:
            organizers = [_in_language(o, lang) for o in organizers]
        if not organizers:
            return []
        facts = WeekFacts(self.gather(week))
        return [DigestPreview(o, *self._render(o, facts)) for o in organizers]

    def gather(self, week: Week) -> WeekData:
        now = self._clock()
        previous = week.previous
        enterprises, profiles = self._enterprises.load()
        activities = self._matches.activities_of([e.id for e in enterprises])
        return WeekData(
            week=week,
            as_of=min(week.end, now),
            new_tenders=(*self._tenders.first_seen_in(week), *self._tenders.first_seen_in(previous)),
            awarded=(*self._tenders.awarded_in(week), *self._tenders.awarded_in(previous)),
            closing=tuple(self._tenders.closing_after(week.start)),
            matches=tuple(record for a in activities.values() for record in a.matches),
            enterprises=tuple(enterprises),
            pledges=tuple(self._pledges.everything(now)),
            links=tuple(self._organizers.links()),
            events=tuple(self._events.since(previous.start)),
            profiles=tuple(profiles),
            votes=tuple(vote for e in enterprises for vote in self._votes.votes_of(e.id)),
            denied=frozenset((e, *award) for e, a in activities.items() for award in a.denied),
        )

    def _serve(self, organizer: Organizer, facts: WeekFacts) -> Claim | Sending:
        if self._previews_only or self._archive is None:
            raise RuntimeError("this DigestService was built for previews only")
        week = facts.week
        key = SendKey(organizer.id, str(week))
        claim = self._sends.claim(key)
        if claim is not Claim.CLAIMED:
            if claim is Claim.IN_DOUBT:
                logger.error("digest in doubt: not sent again", extra={"organizer": organizer.id, "week": str(week)})
            return claim
        page_key = archive_key(organizer.id, week)
        try:
            email, page = self._render(organizer, facts)
            self._archive.put(page_key, page)
        except Exception as error:  # one organizer's failure must not cost the others their digest
            self._sends.release(key, type(error).__name__)
            # The type only: a message could quote the organizer's address.
            logger.error("digest not prepared", extra={"organizer": organizer.id, "error": type(error).__name__})
            return Sending.FAILED
        try:
            message_id = self._sends.send(key, email, archive_key=page_key)
        except REFUSED as error:  # SES answered no: nothing went out, the next run may try again
            logger.error("digest refused by SES", extra={"organizer": organizer.id, "error": type(error).__name__})
            return Sending.FAILED
        except Exception as error:  # no answer: SES may have accepted it; left « sending », never sent twice
            logger.error(
                "digest in doubt: SES gave no answer", extra={"organizer": organizer.id, "error": type(error).__name__}
            )
            return Sending.IN_DOUBT
        self._sends.confirm(key, message_id)
        return Sending.SENT

    def _render(self, organizer: Organizer, facts: WeekFacts) -> tuple[Email, str]:
        digest = build_digest(facts, organizer)
        url = self._links.archive_url(organizer.id, facts.week, organizer.language)
        return compose_digest(digest, archive_url=url, sender=self._sender), archive_page(digest, sender=self._sender)


def _in_language(organizer: Organizer, lang: Language) -> Organizer:
    return Organizer(organizer.id, organizer.name, organizer.email, lang, organizer.regions)
