"""The recent tenders as `match_tenders` saw them, in a compact snapshot: what a profile's live preview
matches against, without reading thousands of tenders from the Tenders table on every click.

After each poll, `encode_recent_tenders` writes every tender first seen in the last 60 days that was
stored open for bids at some time, and so matched (esja.ingest.recent), with what the matcher needs of
it already worked out: its searched fields as sequences of word ids (the stemming is most of a tender's
cost), its place, and an inverted index from each code and word stem to the tenders that carry it. The
web function reads it once per container (`RecentTenders.from_bytes`), finds a profile's candidates from
the inverted index — exactly the tenders in which `ProfileIndex` could find it (a code at or above one
of the tender's, one level below, a keyword's first word, in a place that fits) — and rebuilds only those
candidates' `TenderFeatures` through `tender_features`, as the tender was when stored open, for
`ProfileIndex.match_features`: the functions that record the matches alerts are sent from.
"""

from __future__ import annotations

import base64
import gzip
import json
import sys
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from esja.matching.compiled import CompiledProfile, compile_profile
from esja.matching.features import TenderFeatures, tender_features
from esja.matching.index import Place, ProfileIndex, filed_under, tender_places
from esja.matching.text import Stems, field_of_sequence
from esja.matching.unspsc import normalise_unspsc, padded
from esja.model import Match, Profile, Scope, Status, Tender, Text

FORMAT = 1  # bumped whenever the layout changes: a reader never misreads an older snapshot
WINDOW = timedelta(days=60)
# Decoded tenders kept per container: all of them at SEAO + CanadaBuys volume (about 15,000 in 60 days); a
# CanadaBuys tender's features take about 40 kB, a SEAO one 4 kB: about 200 MB once all were decoded.
_DECODED = 20_000
# What the preview never shows and the matcher finds in the searched fields instead.
_LEFT_OUT = ("description", "awards", "delivery_regions", "category_details", "method_details", "reference")
_GAP_ID = 0  # between the French and English texts of a field: a phrase never spans them
# The inverted index's terms: "c7611" (a code at or above one of the tender's), "e761115" (one of the
# tender's own codes: a profile code one level below it is « related »), "sdeneig" (a word stem).
_COVERING, _OWN_CODE, _STEM = "c", "e", "s"


@dataclass(frozen=True, slots=True)
class RecentTender:
    """A tender of the snapshot as the preview shows it: as stored now (its real status), without its
    description, and when ESJA first stored it open (the moment `match_tenders` matched it)."""

    tender: Tender
    opened_at: datetime


def as_opened(tender: Tender, opened_at: datetime) -> TenderFeatures:
    """The tender as `match_tenders` saw it: open, at the moment it was stored open."""
    return tender_features(replace(tender, status=Status.OPEN), opened_at)


def encode_recent_tenders(tenders: Iterable[RecentTender], *, built_at: datetime, window_start: datetime) -> bytes:
    """The snapshot of these tenders (each stored open at `opened_at`), gzipped JSON."""
    entries = [(t, as_opened(t.tender, t.opened_at)) for t in tenders]
    # Frequent words get small ids: the sequences are most of the snapshot.
    counts = Counter(word for _, f in entries for field in f.fields for word in field.sequence if word)
    ids = {word: i for i, (word, _) in enumerate(counts.most_common(), start=_GAP_ID + 1)}
    # Word ids and positions as machine integers in base64 (a sequence of a thousand words decodes in
    # microseconds, not the tenth of a millisecond JSON numbers take), two bytes each while they fit.
    word_code, position_code = _smallest(len(ids) + 1), _smallest(len(entries))
    postings: dict[str, list[int]] = {}
    records, places = [], []
    for position, (recent, f) in enumerate(entries):
        terms = [_COVERING + c for c in f.covering] + [_OWN_CODE + c for c in f.code_set]
        for term in terms + [_STEM + s for s in f.all_stems]:
            postings.setdefault(term, []).append(position)
        places.append([f.scope.value, list(f.region_codes)])
        record = {
            # As stored open (what the matcher reads), and its status now (what the preview shows).
            "tender": {k: v for k, v in f.tender.to_dict().items() if k not in _LEFT_OUT},
            "status": recent.tender.status.value,
            "opened_at": recent.opened_at.isoformat(),
            "fields": [
                [field.where, _packed([ids.get(w, _GAP_ID) for w in field.sequence], word_code)] for field in f.fields
            ],
        }
        records.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    snapshot = {
        "format": FORMAT,
        "built_at": built_at.isoformat(),
        "window_start": window_start.isoformat(),
        "words": [sorted(word) for word in ids],
        "keys": [recent.tender.key for recent, _ in entries],
        "places": places,
        "records": records,
        "postings": {term: _packed(positions, position_code) for term, positions in postings.items()},
        "integers": [word_code, position_code, sys.byteorder],
        "code_titles": _code_titles(recent.tender for recent, _ in entries),
    }
    return gzip.compress(json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")).encode(), 6, mtime=0)


class _Decoded(NamedTuple):
    features: TenderFeatures  # as stored open
    status: Status  # now
    opened_at: datetime


class SnapshotUnreadable(ValueError):
    """Not a snapshot this code can read (another format, truncated, not JSON)."""


class RecentTenders:
    """A snapshot read back: `matches` of a profile, `tender` of each match, the codes the tenders carry."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self._word_code, self._position_code, byte_order = raw["integers"]
        if byte_order != sys.byteorder or {self._word_code, self._position_code} - {"H", "I"}:
            raise SnapshotUnreadable(f"snapshot integers {raw['integers']!r} unreadable here")
        self.built_at = datetime.fromisoformat(raw["built_at"])
        self.window_start = datetime.fromisoformat(raw["window_start"])
        self.keys: list[str] = raw["keys"]
        self._records: list[str] = raw["records"]
        self._postings: dict[str, str] = raw["postings"]
        gap: Stems = frozenset()
        self._words: list[Stems] = [gap, *(frozenset(map(sys.intern, word)) for word in raw["words"])]
        self._places: list[tuple[Place, ...] | None] = [tender_places(Scope(s), tuple(c)) for s, c in raw["places"]]
        titles: dict[str, list[str]] = raw["code_titles"]
        self.code_titles = {code: Text(fr or None, en or None) for code, (fr, en) in titles.items()}
        self._decoded: dict[int, _Decoded] = {}

    @classmethod
    def from_bytes(cls, data: bytes) -> RecentTenders:
        try:
            raw = json.loads(gzip.decompress(data))
            if raw.get("format") != FORMAT:
                raise SnapshotUnreadable(f"snapshot format {raw.get('format')!r}, expected {FORMAT}")
            return cls(raw)
        except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError) as error:
            if isinstance(error, SnapshotUnreadable):
                raise
            raise SnapshotUnreadable(f"unreadable snapshot: {error}") from error

    def __len__(self) -> int:
        return len(self.keys)

    def candidates(self, profile: CompiledProfile) -> list[int]:
        """The tenders in which `ProfileIndex` could find `profile` (a superset of its matches), in order."""
        terms = [_COVERING + c for c in profile.code_set] + [_OWN_CODE + c for c in profile.parents]
        terms += [_STEM + s for s in profile.keyword_stems]
        found: set[int] = set()
        for term in terms:
            packed = self._postings.get(term)
            if packed is not None:
                found.update(_unpacked(packed, self._position_code))
        filed = frozenset(filed_under(profile))
        places = self._places
        return sorted(i for i in found if (p := places[i]) is None or not filed.isdisjoint(p))

    def matches(self, profile: Profile) -> list[tuple[RecentTender, Match]]:
        """What `match_tenders` recorded for `profile` among these tenders, through the same profile index
        (an inactive profile matches nothing), in the snapshot's order."""
        compiled = compile_profile(profile)
        if not compiled.can_match:
            return []
        index = ProfileIndex.build([profile])
        found: list[tuple[RecentTender, Match]] = []
        for i in self.candidates(compiled):
            features, status, at = self._decode(i)
            found.extend(
                (RecentTender(replace(features.tender, status=status), at), m) for m in index.match_features(features)
            )
        return found

    def _decode(self, position: int) -> _Decoded:
        decoded = self._decoded.get(position)
        if decoded is not None:
            return decoded
        raw = json.loads(self._records[position])
        words = self._words
        code = self._word_code
        fields = tuple(
            field_of_sequence(where, tuple(map(words.__getitem__, _unpacked(ids, code))))
            for where, ids in raw["fields"]
        )
        at = datetime.fromisoformat(raw["opened_at"])
        decoded = _Decoded(tender_features(Tender.from_dict(raw["tender"]), at, fields), Status(raw["status"]), at)
        if len(self._decoded) >= _DECODED:
            del self._decoded[next(iter(self._decoded))]  # the oldest
        self._decoded[position] = decoded
        return decoded


def _code_titles(tenders: Iterable[Tender]) -> dict[str, list[str]]:
    """The publishers' own titles of the UNSPSC codes the tenders carry (8-digit code → [fr, en])."""
    titles: dict[str, list[str]] = {}
    for tender in tenders:
        for c in tender.classifications:
            code = normalise_unspsc(c.code) if c.scheme.upper() == "UNSPSC" else None
            if code is not None and (c.description.fr or c.description.en):
                known = titles.setdefault(padded(code), ["", ""])
                known[0] = known[0] or c.description.fr or ""
                known[1] = known[1] or c.description.en or ""
    return titles


def _smallest(count: int) -> str:
    """The array type code of the smallest unsigned integers that number `count` things."""
    return "H" if count <= 1 << 16 else "I"


def _packed(numbers: list[int], code: str) -> str:
    return base64.b64encode(array(code, numbers).tobytes()).decode("ascii")


def _unpacked(packed: str, code: str) -> array[int]:
    numbers = array(code)
    numbers.frombytes(base64.b64decode(packed))
    return numbers
