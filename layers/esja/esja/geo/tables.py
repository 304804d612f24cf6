"""The compact tables ESJA ships in esja/geo/data/, read and written in one place.

They are fact tables derived by the project (see esja.geo.derive), not copies of the publishers'
files: municipalities and MRCs from the MAMH répertoire, boroughs, postal prefixes (FSA) and
Canada Post locality names with the regions they fall in, and regional public bodies.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TextIO, get_args

from esja.geo.mamh import Borough, Municipality
from esja.model import one_of

if TYPE_CHECKING:
    from _csv import Writer

Shares = tuple[tuple[str, float], ...]  # (region code, share of the territory), largest first


BodyKind = Literal["health", "school", "college", "university"]
BODY_KINDS: tuple[BodyKind, ...] = get_args(BodyKind)


@dataclass(frozen=True, slots=True)
class Locality:
    """A Canada Post locality name that is no municipality's (« Grand-Mère », « Hull », « Charny »)."""

    name: str
    regions: Shares


@dataclass(frozen=True, slots=True)
class PublicBody:
    """A health body, school service centre, cégep or university, and the regions it serves."""

    kind: BodyKind
    name: str
    short_name: str
    regions: Shares


def format_shares(shares: Shares) -> str:
    return " ".join(f"{code}:{share:g}" for code, share in shares)


def parse_shares(raw: str) -> Shares:
    pairs = (item.split(":") for item in raw.split())
    return tuple(sorted(((code, float(share)) for code, share in pairs), key=lambda p: (-p[1], p[0])))


def read_municipalities(text: str, mrcs_text: str) -> tuple[Municipality, ...]:
    mrc_names = {row["code"]: row["name"] for row in _reader(mrcs_text)}
    return tuple(
        Municipality(
            code=row["code"],
            name=row["name"],
            designation=row["designation"],
            region=row["region"],
            mrc_code=row["mrc"] or None,
            mrc=mrc_names.get(row["mrc"]) if row["mrc"] else None,
            population=int(row["population"]),
        )
        for row in _reader(text)
    )


def write_municipalities(municipalities: Iterable[Municipality], out: TextIO, mrcs_out: TextIO) -> None:
    rows = list(municipalities)
    writer = _writer(out, ("code", "name", "designation", "region", "mrc", "population"))
    for m in rows:
        writer.writerow((m.code, m.name, m.designation, m.region, m.mrc_code or "", m.population))
    mrcs = sorted({(m.mrc_code, m.mrc) for m in rows if m.mrc_code and m.mrc})
    mrc_writer = _writer(mrcs_out, ("code", "name"))
    mrc_writer.writerows(mrcs)


def read_boroughs(text: str) -> tuple[Borough, ...]:
    return tuple(Borough(r["code"], r["name"], r["municipality"], r["region"]) for r in _reader(text))


def write_boroughs(boroughs: Iterable[Borough], out: TextIO) -> None:
    writer = _writer(out, ("code", "name", "municipality", "region"))
    writer.writerows((b.code, b.name, b.municipality_code, b.region) for b in boroughs)


def read_fsa_regions(text: str) -> dict[str, Shares]:
    return {row["fsa"]: parse_shares(row["regions"]) for row in _reader(text)}


def write_fsa_regions(fsa_regions: Mapping[str, Shares], out: TextIO) -> None:
    writer = _writer(out, ("fsa", "regions"))
    writer.writerows((fsa, format_shares(shares)) for fsa, shares in sorted(fsa_regions.items()))


def read_localities(text: str) -> tuple[Locality, ...]:
    return tuple(Locality(row["name"], parse_shares(row["regions"])) for row in _reader(text))


def write_localities(localities: Iterable[Locality], out: TextIO) -> None:
    writer = _writer(out, ("name", "regions"))
    writer.writerows((loc.name, format_shares(loc.regions)) for loc in localities)


def read_public_bodies(text: str) -> tuple[PublicBody, ...]:
    return tuple(
        PublicBody(_kind(row["kind"]), row["name"], row["short_name"], parse_shares(row["regions"]))
        for row in _reader(text)
    )


def _kind(value: str) -> BodyKind:
    kind = one_of(value, BODY_KINDS)
    if kind is None:
        raise ValueError(f"unknown kind of public body {value!r}")
    return kind


def write_public_bodies(bodies: Iterable[PublicBody], out: TextIO) -> None:
    writer = _writer(out, ("kind", "name", "short_name", "regions"))
    writer.writerows((b.kind, b.name, b.short_name, format_shares(b.regions)) for b in bodies)


def _reader(text: str) -> csv.DictReader[str]:
    return csv.DictReader(io.StringIO(text))


def _writer(out: TextIO, header: tuple[str, ...]) -> Writer:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    return writer
