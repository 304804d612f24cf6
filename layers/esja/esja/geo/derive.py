"""Rebuild the compact tables in esja/geo/data/ from the publishers' files.

    python -m esja.geo.derive ../shared/data layers/esja/esja/geo/data

Run it when MAMH publishes a new répertoire or a reference table changes; the unit tests check that
the shipped tables still agree with the official file they were derived from.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable
from pathlib import Path

from esja.geo.mamh import parse_arr, parse_mun
from esja.geo.names import name_key
from esja.geo.tables import (
    Locality,
    PublicBody,
    Shares,
    write_boroughs,
    write_fsa_regions,
    write_localities,
    write_municipalities,
    write_public_bodies,
)

MUN = "geo/mamh/MUN_repertoire_municipalites_2026-03.csv"
ARR = "geo/mamh/ARR_arrondissements_2026-03.csv"
FSA = "geo/postal/qc_fsa_to_region.csv"
PLACE_NAMES = "geo/postal/qc_postal_place_names_to_region.csv"
HEALTH = "geo/public-bodies/qc_health_establishments_regions.csv"
SCHOOLS = "geo/public-bodies/qc_css_regions.csv"
COLLEGES = "geo/public-bodies/qc_collegial_public_regions.csv"
UNIVERSITIES = "geo/public-bodies/qc_universities_regions.csv"
TABLES = ("municipalities.csv", "mrcs.csv", "boroughs.csv", "fsa_regions.csv", "localities.csv", "public_bodies.csv")

# Research centres (CCTT) attached to cégeps do not buy under their own name on SEAO.
# Canada Post's list carries one bookkeeping entry that is no place.
_NOT_PLACES = frozenset({"Mailing Municipality Clean Up"})
_COLLEGE_TYPES = ("Cégep", "Collège régional", "Collège constituant", "Centre d'enseignement", "Établissement")


def shares_from_counts(raw: str) -> Shares:
    """« 04:55;17:52 » → ((04, 0.514), (17, 0.486))."""
    counts = {code: int(n) for code, n in (item.split(":") for item in raw.split(";") if item)}
    total = sum(counts.values())
    if not total:
        return ()
    shares = ((code, round(n / total, 3)) for code, n in counts.items())
    return tuple(sorted(shares, key=lambda p: (-p[1], p[0])))


def derive(shared: Path) -> dict[str, str]:
    """The compact tables (file name → CSV text) derived from the publishers' files under `shared`."""
    municipalities = parse_mun((shared / MUN).read_bytes())
    boroughs = parse_arr((shared / ARR).read_bytes())
    # K1A is the federal government's Ottawa prefix, also used by its buildings in Gatineau: it counts
    # only Québec postal codes there, so it would wrongly read as all Outaouais.
    fsa = {
        row["fsa"]: shares_from_counts(row["region_counts"])
        for row in _rows(shared / FSA)
        if row["fsa"][:1] in ("G", "H", "J")
    }
    official = {name_key(m.name) for m in municipalities} | {name_key(b.name) for b in boroughs}
    tables = {name: io.StringIO() for name in TABLES}
    write_municipalities(municipalities, tables["municipalities.csv"], tables["mrcs.csv"])
    write_boroughs(boroughs, tables["boroughs.csv"])
    write_fsa_regions(fsa, tables["fsa_regions.csv"])
    write_localities(_localities(_rows(shared / PLACE_NAMES), official), tables["localities.csv"])
    write_public_bodies(_public_bodies(shared), tables["public_bodies.csv"])
    return {name: table.getvalue() for name, table in tables.items()}


def _localities(rows: Iterable[dict[str, str]], official: set[str]) -> list[Locality]:
    found = []
    for row in rows:
        name = row["place_name"]
        key = name_key(name)
        if key in official or name in _NOT_PLACES or any(c.isdigit() for c in name):
            continue
        found.append(Locality(name, shares_from_counts(row["region_counts"])))
    return found


def _public_bodies(shared: Path) -> list[PublicBody]:
    bodies = [
        PublicBody("health", r["etab_nom"], r["etab_nom_abrege"], _health_regions(r)) for r in _rows(shared / HEALTH)
    ]
    bodies += [
        PublicBody("school", r["cs_name"], r["cs_name"], shares_from_counts(r["region_counts"]))
        for r in _rows(shared / SCHOOLS)
    ]
    bodies += [
        PublicBody("college", r["official_name"], r["short_name"], ((r["region_code"], 1.0),))
        for r in _rows(shared / COLLEGES)
        if r["org_type"].startswith(_COLLEGE_TYPES)
    ]
    bodies += [
        PublicBody("university", r["official_name"], r["short_name"], ((r["region_code"], 1.0),))
        for r in _rows(shared / UNIVERSITIES)
    ]
    return bodies


def _health_regions(row: dict[str, str]) -> Shares:
    # Where its installations are, not only its head office (a CIUSSS spans Mauricie and Centre-du-Québec).
    return shares_from_counts(row["installation_admin_region_counts"]) or ((row["siege_admin_region_code"], 1.0),)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def main(shared: str, out: str) -> None:
    for name, text in derive(Path(shared)).items():
        (Path(out) / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
