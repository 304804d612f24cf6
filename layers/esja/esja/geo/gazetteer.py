"""Every Québec place and public body ESJA can name, with the administrative region it lies in.

Built from the MAMH répertoire (municipalities, MRCs, boroughs) plus the project's compact tables
(postal prefixes, Canada Post locality names, regional public bodies). `Gazetteer.bundled()` reads
the tables shipped in esja/geo/data/; `Gazetteer.from_mamh()` reads a fresher official MUN.csv.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from esja.geo.mamh import PLACEHOLDER_NAME, Borough, Municipality, parse_arr, parse_mun
from esja.geo.names import PARTICLES, name_key, strip_leading, words
from esja.geo.organisations import MRC_PREFIXES, read_buyer_name
from esja.geo.tables import (
    Locality,
    PublicBody,
    Shares,
    read_boroughs,
    read_fsa_regions,
    read_localities,
    read_municipalities,
    read_public_bodies,
)


@dataclass(frozen=True, slots=True)
class Place:
    name: str  # as officially written
    kind: Literal["municipality", "borough", "locality"]
    region: str
    share: float = 1.0  # of the place's territory in that region (Canada Post localities may span two)
    designation: str = ""  # MAMH designation of a municipality (Ville, Paroisse…)
    population: int = 0


class Gazetteer:
    """Look-ups by name key (see esja.geo.names): places, MRCs, postal prefixes, public bodies."""

    __slots__ = ("_bodies", "_fsa", "_mrcs", "_places", "boroughs", "localities", "municipalities", "public_bodies")

    def __init__(
        self,
        municipalities: Iterable[Municipality],
        boroughs: Iterable[Borough] = (),
        *,
        fsa_regions: Mapping[str, Shares] | None = None,
        localities: Iterable[Locality] = (),
        public_bodies: Iterable[PublicBody] = (),
    ) -> None:
        self.municipalities = tuple(municipalities)
        self.boroughs = tuple(boroughs)
        self.localities = tuple(localities)
        self.public_bodies = tuple(public_bodies)
        self._fsa = dict(fsa_regions or {})
        self._places = _index_places(self.municipalities, self.boroughs, self.localities)
        self._mrcs = _index_mrcs(self.municipalities)
        self._bodies = _index_bodies(self.public_bodies)

    @classmethod
    def from_mamh(
        cls,
        mun_csv_bytes: bytes,
        arr_csv_bytes: bytes | None = None,
        *,
        fsa_regions: Mapping[str, Shares] | None = None,
        localities: Iterable[Locality] | None = None,
        public_bodies: Iterable[PublicBody] | None = None,
    ) -> Gazetteer:
        """Municipalities (and boroughs) from the official MAMH files; what is not given comes from
        the bundled tables (postal prefixes, localities, public bodies; boroughs if ARR is absent)."""
        bundled = cls.bundled()
        return cls(
            parse_mun(mun_csv_bytes),
            parse_arr(arr_csv_bytes) if arr_csv_bytes is not None else bundled.boroughs,
            fsa_regions=bundled._fsa if fsa_regions is None else fsa_regions,
            localities=bundled.localities if localities is None else localities,
            public_bodies=bundled.public_bodies if public_bodies is None else public_bodies,
        )

    @classmethod
    def bundled(cls) -> Gazetteer:
        """The tables shipped with the package (built once per process)."""
        return _bundled()

    def places(self, name: str) -> tuple[Place, ...]:
        """Municipalities, boroughs and localities so named (several when the name is ambiguous)."""
        return self._places.get(name_key(name), ())

    def places_by_key(self, key: str) -> tuple[Place, ...]:
        return self._places.get(key, ())

    def place_keys(self) -> Iterable[str]:
        return self._places.keys()

    def mrc_regions(self, name: str) -> tuple[str, ...]:
        """« MRC de Témiscouata », « Les Appalaches », « des Appalaches » → the region(s)."""
        return self._mrcs.get(mrc_key(name), ())

    def fsa_regions(self, postal_code: str) -> Shares:
        """« G5L 4X2 » or « g5l » → the regions its prefix covers, with shares; () if not in Québec."""
        fsa = "".join(postal_code.split()).upper()[:3]
        return self._fsa.get(fsa, ())

    def public_bodies_named(self, name: str, kind: str | None = None) -> tuple[PublicBody, ...]:
        read = read_buyer_name(name)
        if kind is None or read.kind == kind:
            found = self._bodies.get((read.kind.value, _body_key(read.subject)))
            if found:
                return found
        return self._bodies.get(("", " ".join(words(name))), ())


def mrc_key(name: str) -> str:
    return " ".join(strip_leading(words(name), MRC_PREFIXES))


@cache
def _bundled() -> Gazetteer:
    data = resources.files("esja.geo").joinpath("data")

    def text(name: str) -> str:
        return data.joinpath(name).read_text(encoding="utf-8")

    return Gazetteer(
        read_municipalities(text("municipalities.csv"), text("mrcs.csv")),
        read_boroughs(text("boroughs.csv")),
        fsa_regions=read_fsa_regions(text("fsa_regions.csv")),
        localities=read_localities(text("localities.csv")),
        public_bodies=read_public_bodies(text("public_bodies.csv")),
    )


def _index_places(
    municipalities: tuple[Municipality, ...], boroughs: tuple[Borough, ...], localities: tuple[Locality, ...]
) -> dict[str, tuple[Place, ...]]:
    found: defaultdict[str, list[Place]] = defaultdict(list)
    for m in municipalities:
        if m.name != PLACEHOLDER_NAME:
            found[name_key(m.name)].append(
                Place(m.name, "municipality", m.region, designation=m.designation, population=m.population)
            )
    official = set(found)
    for b in boroughs:
        found[name_key(b.name)].append(Place(b.name, "borough", b.region, designation="Arrondissement"))
        # « Rosemont–La Petite-Patrie », « Sainte-Foy–Sillery–Cap-Rouge »: each former town is a name
        # of its own, unless a municipality elsewhere bears it.
        for part in b.name.split("–"):
            key = name_key(part)
            if part != b.name and key not in official:
                found[key].append(Place(part.strip(), "borough", b.region, designation="Arrondissement"))
    for loc in localities:
        key = name_key(loc.name)
        if key not in official:
            found[key] += [Place(loc.name, "locality", code, share) for code, share in loc.regions]
    return {key: tuple(places) for key, places in found.items()}


def _body_key(subject: tuple[str, ...]) -> str:
    # « Mauricie-et-Centre-du-Québec » (Santé Québec) is « la Mauricie-et-du-Centre-du-Québec » (CIUSSS).
    return " ".join(w for w in subject if w not in PARTICLES and w != "et")


def _index_mrcs(municipalities: tuple[Municipality, ...]) -> dict[str, tuple[str, ...]]:
    regions: defaultdict[str, set[str]] = defaultdict(set)
    for m in municipalities:
        if m.mrc:
            regions[mrc_key(m.mrc)].add(m.region)
    return {key: tuple(sorted(codes)) for key, codes in regions.items()}


def _index_bodies(bodies: tuple[PublicBody, ...]) -> dict[tuple[str, str], tuple[PublicBody, ...]]:
    found: defaultdict[tuple[str, str], list[PublicBody]] = defaultdict(list)
    for body in bodies:
        keys: set[tuple[str, str]] = set()
        for name in (body.name, body.short_name):
            read = read_buyer_name(name)
            if read.kind.value == body.kind and read.subject:
                keys.add((body.kind, _body_key(read.subject)))
            keys.add(("", " ".join(words(name))))
        for key in keys:
            if body not in found[key]:
                found[key].append(body)
    return {key: tuple(bodies) for key, bodies in found.items()}
