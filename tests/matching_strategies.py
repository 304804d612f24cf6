"""Hypothesis strategies for the matcher's inputs: profiles and tenders drawn from a small vocabulary of
codes, words, regions and buyers, so that most examples have a chance to match (and some to just miss)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from hypothesis import strategies as st

from esja.model import (
    Buyer,
    Category,
    Classification,
    Money,
    Profile,
    RegionEvidence,
    Regions,
    Scope,
    Status,
    Tender,
    Text,
)

NOW = datetime(2026, 9, 21, 12, tzinfo=UTC)
T = TypeVar("T")

CODES = (
    *("76", "7611", "761115", "76111500", "76111501", "76111503", "761116", "76110000", "7612", "76120000"),
    *("72", "72000000", "7210", "721015", "72101506", "72102900", "72102901", "43", "432115", "43211501"),
    "7611x",
)
CODE_TITLES = {"761115": Text("Nettoyage de bureaux", "Office cleaning"), "721029": Text("Déneigement")}
KEYWORDS = (
    *("entretien", "entretien ménager", '"entretien ménager"', "ménager", "nettoyage", "cleaning", "déneigement"),
    *("snow removal", "logiciel", "software", "services", "de la", '"nettoyage de vitres"', "vitres", "Entretien"),
)
EXCLUDED = ("amiante", "logiciel", "vitres extérieures", "snow")
WORDS = (
    *("entretiens", "ménagers", "Entretien", "ménager", "nettoyage", "des", "vitres", "extérieures", "cleaning"),
    *("cleaned", "services", "service", "déneigement", "snow", "removal", "logiciels", "software", "amiante"),
    *("réparation", "de", "l'entretien", "MÉNAGER", "Électroménagers", "bureaux"),
)
PROFILE_REGIONS = ("01", "06", "11", "QC", "CA", "1")
TENDER_REGIONS = ("01", "06", "11", "17")
AMOUNTS = (None, Decimal(1000), Decimal(50_000), Decimal(200_000))
BUYERS = ("Ville de Rimouski", "VILLE DE MATANE", "cssmr-42")


def rarely(values: st.SearchStrategy[T], nothing: T) -> st.SearchStrategy[T]:
    """`nothing` two times out of three, so that most examples still have a chance to match."""
    return st.one_of(st.just(nothing), st.just(nothing), values)


def texts(max_words: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(WORDS), max_size=max_words).map(" ".join)


profiles = st.builds(
    Profile,
    enterprise_id=st.sampled_from(("a", "b", "c")),
    id=st.sampled_from(("1", "2", "3")),
    unspsc=st.lists(st.sampled_from(CODES), max_size=3).map(tuple),
    keywords=st.lists(st.sampled_from(KEYWORDS), max_size=3).map(tuple),
    excluded=st.lists(st.sampled_from(EXCLUDED), max_size=1).map(tuple),
    regions=st.lists(st.sampled_from(PROFILE_REGIONS), max_size=2).map(tuple),
    categories=st.lists(st.sampled_from(list(Category)), max_size=2).map(tuple),
    min_value=rarely(st.sampled_from(AMOUNTS), None),
    max_value=rarely(st.sampled_from(AMOUNTS), None),
    buyers_allow=rarely(st.sampled_from(BUYERS).map(lambda b: (b,)), ()),
    buyers_deny=rarely(st.sampled_from(BUYERS).map(lambda b: (b,)), ()),
    active=st.sampled_from((True, True, True, False)),
)

regions = st.one_of(
    st.none(),
    st.sampled_from([Regions(s) for s in Scope]),
    st.lists(st.sampled_from(TENDER_REGIONS), min_size=1, max_size=2).map(
        lambda codes: Regions(Scope.REGIONS, tuple(RegionEvidence(c, "test", 1.0) for c in codes))
    ),
)

classifications = st.lists(
    st.sampled_from(CODES).map(lambda c: Classification("UNSPSC", c, CODE_TITLES.get(c[:6], Text()))), max_size=2
).map(tuple)

tenders = st.builds(
    Tender,
    source=st.just("seao"),
    native_id=st.sampled_from(("t1", "t2", "t3", "t4")),
    revision=st.just("1"),
    title=st.builds(Text, texts(5), st.none() | texts(3)),
    status=rarely(st.sampled_from((Status.CANCELLED, Status.AWARDED, Status.CLOSED)), Status.OPEN),
    description=st.builds(Text, st.none() | texts(6)),
    buyer=st.none() | st.sampled_from(BUYERS).map(lambda b: Buyer(Text(b.title()), b)),
    classifications=classifications,
    category=st.none() | st.sampled_from(list(Category)),
    category_details=st.lists(texts(2), max_size=1).map(tuple),
    closing_at=rarely(st.sampled_from((NOW - timedelta(hours=1), NOW + timedelta(hours=1))), None),
    value=st.none() | st.sampled_from((500, 1000, 40_000, 50_000, 300_000)).map(lambda v: Money(Decimal(v))),
    regions=regions,
)
