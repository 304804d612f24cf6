"""The MAMH « Répertoire des municipalités du Québec » in its official CSV format → records.

MUN.csv lists every municipality and unorganised territory with its region and MRC; ARR.csv lists
the boroughs (arrondissements) of the eight cities that have some. Both are published on Données
Québec (CC-BY 4.0, Ministère des Affaires municipales et de l'Habitation) and refreshed as
municipalities merge or rename.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

DATASET_PAGE = "https://www.donneesquebec.ca/recherche/dataset/repertoire-des-municipalites-du-quebec"
MUN_CSV_URL = "https://donneesouvertes.affmunqc.net/repertoire/MUN.csv"
ARR_CSV_URL = "https://donneesouvertes.affmunqc.net/repertoire/ARR.csv"

# The MUN file keeps a row per unnamed unorganised territory of Nord-du-Québec under this name.
PLACEHOLDER_NAME = "Toponyme à venir"

_CODE_IN_PARENS = re.compile(r"^(?P<name>.*?)\s*\((?P<code>\d+)\)\s*$")


class GazetteerError(ValueError):
    """A reference file is not in the expected format; nothing was loaded from it."""


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str  # MAMH geographic code (« mcode »), e.g. "10043" for Rimouski
    name: str
    designation: str  # « mdes »: Ville, Municipalité, Paroisse, Canton, Territoire non organisé…
    region: str  # "01" … "17"
    mrc_code: str | None  # "100"; None outside any MRC (Laval, Lévis, the Montréal agglomeration…)
    mrc: str | None  # "MRC Rimouski-Neigette"
    population: int


@dataclass(frozen=True, slots=True)
class Borough:
    code: str  # « arrcod », e.g. "RES01"
    name: str  # « Chicoutimi »
    municipality_code: str  # the city it belongs to (mcode)
    region: str


def parse_mun(data: bytes) -> tuple[Municipality, ...]:
    """MUN.csv bytes (UTF-8 with a BOM, or the Windows-1252 of older copies) → municipalities."""
    rows = _rows(data, "MUN.csv", ("mcode", "munnom", "mdes", "regadm", "mrc", "mpopul"))
    found = []
    for line, row in enumerate(rows, start=2):
        mrc_name, mrc_code = _named_code(row["mrc"]) if row["mrc"].strip() else (None, None)
        found.append(
            Municipality(
                code=row["mcode"].strip(),
                name=_official(row["munnom"]),
                designation=row["mdes"].strip(),
                region=_region(row["regadm"], f"MUN.csv line {line}"),
                mrc_code=mrc_code,
                mrc=mrc_name,
                population=_int(row["mpopul"]),
            )
        )
    if not found:
        raise GazetteerError("MUN.csv has no municipality")
    return tuple(found)


def parse_arr(data: bytes) -> tuple[Borough, ...]:
    rows = _rows(data, "ARR.csv", ("arrcod", "arrnom", "arrcode", "arrregion"))
    return tuple(
        Borough(
            code=row["arrcod"].strip(),
            name=_official(row["arrnom"]),
            municipality_code=row["arrcode"].strip(),
            region=_region(row["arrregion"], f"ARR.csv line {line}"),
        )
        for line, row in enumerate(rows, start=2)
    )


def _rows(data: bytes, what: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in required if column not in (reader.fieldnames or ())]
    if missing:
        raise GazetteerError(f"{what}: not the MAMH format, missing column(s) {', '.join(missing)}")
    return list(reader)


def _official(name: str) -> str:
    # MAMH spells an en dash as two hyphens (« Saguenay--Lac-Saint-Jean »).
    return " ".join(name.replace("--", "–").split())


def _named_code(raw: str) -> tuple[str, str]:
    match = _CODE_IN_PARENS.match(raw.strip())
    if not match:
        raise GazetteerError(f"expected « Name (code) », got {raw!r}")
    return _official(match["name"]), match["code"]


def _region(raw: str, where: str) -> str:
    match = _CODE_IN_PARENS.match(raw.strip())
    if not match or not 1 <= int(match["code"]) <= 17:
        raise GazetteerError(f"{where}: no administrative region code in {raw!r}")
    return match["code"].zfill(2)


def _int(raw: str) -> int:
    digits = raw.strip().replace(" ", "")
    return int(digits) if digits.isdigit() else 0
