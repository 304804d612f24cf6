"""Delivery-region labels as publishers write them → what they say about Québec.

CanadaBuys has no Québec region codes: its « regions of delivery » are provinces
(« *Quebec (except NCR) » / « *Québec (sauf RCN) »), the National Capital Region, « *Canada »,
« *World », « *Unspecified » and city names (« *Gatineau », « *Longueuil », « *Ottawa »). Other OCDS
publishers may give a province, a region name or a town.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from esja.geo.gazetteer import Gazetteer
from esja.geo.names import name_key, words
from esja.geo.regions import REGION_ALIASES, all_regions


class LabelMeaning(StrEnum):
    ALL_QUEBEC = "all-quebec"
    CANADA = "canada"
    NCR = "ncr"  # Ottawa–Gatineau: its Québec side is in Outaouais (07)
    PLACE = "place"  # a Québec town, borough or region
    OUTSIDE = "outside"  # another province or territory, abroad
    UNSPECIFIED = "unspecified"
    UNKNOWN = "unknown"  # not a name we know


@dataclass(frozen=True, slots=True)
class ReadLabel:
    label: str  # as written, without CanadaBuys' leading « * »
    meaning: LabelMeaning
    regions: tuple[tuple[str, float], ...] = ()
    place: str = ""  # the official name of the town or region it names


def _keys(*labels: str) -> frozenset[str]:
    return frozenset(name_key(label) for label in labels)


_ALL_QUEBEC = _keys("Quebec (except NCR)", "Québec (sauf RCN)", "Quebec", "Québec", "QC", "Province of Quebec")
_CANADA = _keys("Canada", "Canada-wide", "Pancanadien")
_NCR = _keys(
    "National Capital Region (NCR)",
    "Région de la capitale nationale (RCN)",
    "National Capital Region",
    "Région de la capitale nationale",
    "NCR",
    "RCN",
)
_OUTSIDE = _keys(
    "Ontario (except NCR)",
    "Ontario (sauf RCN)",
    "Ontario",
    "ON",
    "Alberta",
    "AB",
    "British Columbia",
    "Colombie-Britannique",
    "BC",
    "Manitoba",
    "MB",
    "New Brunswick",
    "Nouveau-Brunswick",
    "NB",
    "Newfoundland and Labrador",
    "Terre-Neuve-et-Labrador",
    "NL",
    "Nova Scotia",
    "Nouvelle-Écosse",
    "NS",
    "Prince Edward Island",
    "Île-du-Prince-Édouard",
    "PE",
    "Saskatchewan",
    "SK",
    "Yukon",
    "YT",
    "Northwest Territories",
    "Territoires du Nord-Ouest",
    "NT",
    "Nunavut",
    "NU",
    "World",
    "Monde",
    "Foreign",
    "Étranger",
    "International",
    "United States",
    "États-Unis",
)
_UNSPECIFIED = _keys("Unspecified", "Non spécifié", "Non précisé", "Not specified", "Other", "Autre", "")
# English names of towns elsewhere in Canada that a small Québec municipality also bears: a federal
# notice delivering to « Windsor » most likely means Ontario's.
_ALSO_ELSEWHERE = _keys("Windsor", "Richmond", "Stratford", "Waterloo", "Bedford", "Amherst", "Kingsey")
_REGION_NAMES = {name_key(r.name_fr): r for r in all_regions()}
_ALIASES = {name_key(alias): (alias, code) for alias, code in REGION_ALIASES.items()}


def read_label(raw: str, gazetteer: Gazetteer) -> ReadLabel:
    label = " ".join(raw.strip().lstrip("*").split())
    key = name_key(label)
    if key in _UNSPECIFIED:
        return ReadLabel(label, LabelMeaning.UNSPECIFIED)
    for keys, meaning in (
        (_ALL_QUEBEC, LabelMeaning.ALL_QUEBEC),
        (_CANADA, LabelMeaning.CANADA),
        (_NCR, LabelMeaning.NCR),
        (_OUTSIDE, LabelMeaning.OUTSIDE),
    ):
        if key in keys:
            regions = (("07", 1.0),) if meaning is LabelMeaning.NCR else ()
            return ReadLabel(label, meaning, regions, "Outaouais" if regions else "")
    if key in _REGION_NAMES:
        region = _REGION_NAMES[key]
        return ReadLabel(label, LabelMeaning.PLACE, ((region.code, 1.0),), region.name_fr)
    if key in _ALIASES:
        alias, code = _ALIASES[key]
        return ReadLabel(label, LabelMeaning.PLACE, ((code, 1.0),), alias)
    if len(key) == 2 and key.isdigit() and key in {r.code for r in all_regions()}:
        return ReadLabel(label, LabelMeaning.PLACE, ((key, 1.0),), key)
    return _place(label, key, gazetteer)


def _place(label: str, key: str, gazetteer: Gazetteer) -> ReadLabel:
    places = gazetteer.places_by_key(key)
    if not places:
        # « Montréal, QC », « Rimouski (Québec) »: the town before the province.
        head = words(re.split(r"[,(]", label, maxsplit=1)[0])
        places = gazetteer.places_by_key(" ".join(head)) if head and head != key.split() else ()
    if not places:
        return ReadLabel(label, LabelMeaning.UNKNOWN)
    weights: dict[str, float] = {}
    for place in places:
        weights[place.region] = weights.get(place.region, 0.0) + place.share / len(places)
    if key in _ALSO_ELSEWHERE:
        weights = {code: weight / 2 for code, weight in weights.items()}
    regions = tuple(sorted(weights.items(), key=lambda p: (-p[1], p[0])))
    return ReadLabel(label, LabelMeaning.PLACE, regions, places[0].name)
