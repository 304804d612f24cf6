"""The 17 administrative regions of Québec (Décret D-11, r. 1) and the names they go by in texts.

Their names are official toponyms, which the Gouvernement du Québec does not translate: the English
column repeats them, and is there so that a translation could be added without code.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # "01" … "17"
    name_fr: str
    name_en: str


# Names that designate a whole region (or all of its territory) in tender texts, beyond the official
# ones: historical and tourism names, and the English usage of federal notices.
REGION_ALIASES: dict[str, str] = {
    "Saguenay–Lac-Saint-Jean": "02",
    "Lac-Saint-Jean": "02",
    "Abitibi": "08",
    "Témiscamingue": "08",
    "Basse-Côte-Nord": "09",
    "Nunavik": "10",
    "Jamésie": "10",
    "Baie-James": "10",
    "Eeyou Istchee": "10",
    "Gaspésie": "11",
    "Îles-de-la-Madeleine": "11",
    "Magdalen Islands": "11",
    "Beauce": "12",
    "Charlevoix": "03",
    "Cantons-de-l'Est": "05",
    "Eastern Townships": "05",
    "Laurentians": "15",
    "Bois-Francs": "17",
    "Quebec City": "03",
}


@cache
def all_regions() -> tuple[Region, ...]:
    raw = resources.files("esja.geo").joinpath("data/regions.csv").read_text(encoding="utf-8")
    return tuple(Region(row["code"], row["name_fr"], row["name_en"]) for row in csv.DictReader(io.StringIO(raw)))


@cache
def _by_code() -> dict[str, Region]:
    return {region.code: region for region in all_regions()}


def region_name(code: str, lang: str = "fr") -> str:
    """« 01 Bas-Saint-Laurent »; a code that is no region is returned as it is."""
    region = _by_code().get(code)
    if region is None:
        return code
    return f"{code} {region.name_en if lang == 'en' else region.name_fr}"


def is_region_code(code: str) -> bool:
    return code in _by_code()
