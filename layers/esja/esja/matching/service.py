"""match_tenders: for each tender announced by the poll, record which enterprises should hear of it.

Each (enterprise, tender) match is written once; when a tender some enterprises were already told
about is amended or cancelled, an update is recorded for each of them (the alerts tell them).
The profile index is built once per container and rebuilt when the profiles' version moves.

A signatory's invitation is matched by the same rules, but for one that names its enterprises: only
they hear of it, whether their profiles match it or not. Then it is handed to the alerts, which tell
its enterprises at once rather than at their next scheduled run (every time: a replayed message finds
everything told, and sends nothing).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.ingest.changes import ChangeKind, StoredVersion
from esja.matching.explain import invited_reason
from esja.matching.features import is_open
from esja.matching.index import ProfileIndex
from esja.model import Enterprise, Match, Profile, Status, Tender, UpdateKind
from esja.sources.catalogue import INVITATIONS_SOURCE

INVITED_SCORE = 1.0  # an enterprise named by the buyer: as strong as a reason gets


class TenderNotStoredYet(Exception):
    """The announced revision is not readable yet; the message is retried after its visibility timeout."""


@dataclass(frozen=True, slots=True)
class Announcement:
    tender_key: str
    change: ChangeKind
    content_hash: str
    revision: str

    @classmethod
    def from_json(cls, body: str) -> Announcement:
        """A message of the match queue (esja.store.match_queue)."""
        raw = json.loads(body)
        return cls(raw["tender_key"], ChangeKind(raw["change"]), raw["content_hash"], raw.get("revision", ""))


@dataclass(slots=True)
class MatchOutcome:
    tender_key: str
    new_matches: int = 0
    updates: int = 0


@dataclass(slots=True)
class StoredMatching:
    """What matching the stored tenders did (`esja tenders match`)."""

    profiles: int = 0  # active profiles in the index
    tenders: int = 0  # open tenders read
    new_matches: int = 0


class TenderReader(Protocol):
    def get(self, key: str) -> tuple[Tender, StoredVersion] | None: ...
    def open_tenders(self) -> Iterator[tuple[Tender, StoredVersion]]: ...


class ProfileSource(Protocol):
    def version(self) -> int: ...
    def load(self) -> tuple[list[Enterprise], list[Profile]]: ...


class MatchRecorder(Protocol):
    def record_match(self, match: Match, profile_ids: Sequence[str], tender_hash: str, now: datetime) -> bool: ...
    def record_update(
        self, enterprise_id: str, tender_key: str, change: UpdateKind, tender_hash: str, now: datetime
    ) -> bool: ...
    def enterprises_matched(self, tender_key: str) -> list[str]: ...


class InvitationAlerts(Protocol):
    def request(self, tender_key: str) -> None:
        """Ask the alerts to tell the invitation's enterprises now (esja.store.invitation_alert_queue)."""
        ...


class MatchService:
    def __init__(
        self,
        *,
        tenders: TenderReader,
        profiles: ProfileSource,
        matches: MatchRecorder,
        clock: Callable[[], datetime],
        invitation_alerts: InvitationAlerts | None = None,  # None: invitations wait for the scheduled runs
    ) -> None:
        self._tenders = tenders
        self._profiles = profiles
        self._matches = matches
        self._clock = clock
        self._invitation_alerts = invitation_alerts
        self._index = ProfileIndex.build(())
        self._version: int | None = None

    def refresh(self) -> bool:
        """Rebuild the index if the profiles changed since it was built; True when rebuilt."""
        version = self._profiles.version()
        if version == self._version:
            return False
        _, profiles = self._profiles.load()
        self._index = ProfileIndex.build(p for p in profiles if p.active)
        self._version = version
        return True

    def handle_message(self, body: str) -> MatchOutcome:
        return self.handle(Announcement.from_json(body))

    def handle(self, announcement: Announcement) -> MatchOutcome:
        stored = self._tenders.get(announcement.tender_key)
        if stored is None or stored[1].revision < announcement.revision:
            raise TenderNotStoredYet(announcement.tender_key)
        tender, version = stored
        now = self._clock()
        outcome = MatchOutcome(tender.key)
        if announcement.change is not ChangeKind.NEW:
            change: UpdateKind = "cancelled" if tender.status is Status.CANCELLED else "amended"
            for enterprise_id in self._matches.enterprises_matched(tender.key):
                outcome.updates += self._matches.record_update(
                    enterprise_id, tender.key, change, version.content_hash, now
                )
        outcome.new_matches = self._record_matches(tender, version, now)
        if tender.source == INVITATIONS_SOURCE and self._invitation_alerts is not None:
            self._invitation_alerts.request(tender.key)
        return outcome

    def match_stored(self) -> StoredMatching:
        """Every open tender stored, matched as the queue's messages have them matched (`esja tenders match`,
        where no function consumes the queue): each match is written once, so a second run, or the queue's
        own, adds only what is missing."""
        self.refresh()
        run = StoredMatching(profiles=len(self._index))
        now = self._clock()
        for tender, version in self._tenders.open_tenders():
            run.tenders += 1
            run.new_matches += self._record_matches(tender, version, now)
        return run

    def _record_matches(self, tender: Tender, version: StoredVersion, now: datetime) -> int:
        matched = best_per_enterprise(self._index.match(tender, now))
        return sum(
            self._matches.record_match(match, profile_ids, version.content_hash, now)
            for match, profile_ids in for_audience(tender, matched, now)
        )


def best_per_enterprise(matches: Sequence[Match]) -> list[tuple[Match, tuple[str, ...]]]:
    """One match per enterprise: its best-scoring profile, with every profile that matched."""
    grouped: dict[str, list[Match]] = {}
    for match in matches:
        grouped.setdefault(match.enterprise_id, []).append(match)
    return [
        (max(group, key=lambda m: (m.score, m.profile_id)), tuple(m.profile_id for m in group))
        for group in grouped.values()
    ]


def for_audience(
    tender: Tender, matched: list[tuple[Match, tuple[str, ...]]], now: datetime
) -> list[tuple[Match, tuple[str, ...]]]:
    """An invitation that names its enterprises reaches them, and them only: those its profiles matched keep
    their reasons, the others are matched because they were named; either way the alert says so."""
    if not tender.invited:
        return matched
    if not is_open(tender, now):
        return []
    buyer = tender.buyer.name if tender.buyer else None
    reason = invited_reason(buyer.fr or buyer.en or "" if buyer else "", buyer.en or buyer.fr or "" if buyer else "")
    by_enterprise = {match.enterprise_id: (match, profile_ids) for match, profile_ids in matched}
    kept = []
    for enterprise_id in dict.fromkeys(tender.invited):
        match, profile_ids = by_enterprise.get(enterprise_id, (Match(enterprise_id, "", tender.key, 0.0, ()), ()))
        kept.append(
            (match._replace(score=max(match.score, INVITED_SCORE), reasons=(reason, *match.reasons)), profile_ids)
        )
    return kept


class FileMatcher:
    """The matcher without AWS (`esja match`): a spreadsheet's active profiles, and each tender's matches
    in a stable order, its regions inferred (esja.geo) when it comes without."""

    def __init__(self, profiles: Iterable[Profile]) -> None:
        from esja.geo import RegionInferrer  # the matching function never needs it: tenders come inferred

        self._index = ProfileIndex.build(p for p in profiles if p.active)
        self._inferrer = RegionInferrer()

    def __len__(self) -> int:
        return len(self._index)

    def matches(self, tender: Tender, now: datetime) -> list[Match]:
        found = self._index.match(tender if tender.regions else self._inferrer.with_regions(tender), now)
        return sorted(found, key=lambda m: (m.enterprise_id, m.profile_id))
