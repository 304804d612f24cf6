"""One alert profile's cells → the profile, and what is wrong with each cell: the one validation of a
profile, shared by the organizers' spreadsheet (esja.matching.profiles_csv, one row) and the enterprises'
own form (esja.enterprise_space.profile_form, one field per column), with the same messages.

Cells are named by the spreadsheet's columns (`PROFILE_COLUMNS`) and hold its text: multi-valued cells
list their items separated by « ; ».
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from esja.matching import csv_cells as cells
from esja.model import Profile

PROFILE_COLUMNS = (
    "profile_id",
    "profile_name",
    "active",
    "unspsc",
    "keywords",
    "excluded",
    "regions",
    "categories",
    "min_value",
    "max_value",
    "buyers_allow",
    "buyers_deny",
)
LISTS = ("unspsc", "keywords", "excluded", "regions", "categories", "buyers_allow", "buyers_deny")
# Bounds a person never reaches (the pilot's longest profile has 9 keywords) and a hostile value does.
MAX_NAME = 100
MAX_ITEMS = 50
MAX_ITEM = 100  # characters of one keyword, code or buyer

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CellProblem:
    column: str
    fr: str
    en: str


ProfileReading = tuple[Profile, tuple[CellProblem, ...]]  # what could be read, and what is wrong


def read_profile(enterprise_id: str, profile_id: str, row: Mapping[str, str]) -> ProfileReading:
    """The profile the cells describe (with problems: what could be read of it), and the problems."""
    problems: list[CellProblem] = []

    def parse(column: str, parse: Callable[[str], T], fallback: T) -> T:
        try:
            return parse(row.get(column, ""))
        except cells.CellError as error:
            problems.append(CellProblem(column, error.fr, error.en))
            return fallback

    name = row.get("profile_name", "")
    if len(name) > MAX_NAME:
        problems.append(_too_long("profile_name", MAX_NAME))
    for column in LISTS:
        problems.extend(_oversized(column, cells.items(row.get(column, ""))))
    min_value = parse("min_value", cells.amount, None)
    max_value = parse("max_value", cells.amount, None)
    if min_value is not None and max_value is not None and min_value > max_value:
        problems.append(CellProblem("max_value", "inférieur à min_value", "less than min_value"))
    profile = Profile(
        enterprise_id=enterprise_id,
        id=profile_id,
        name=name,
        unspsc=parse("unspsc", cells.unspsc_codes, ()),
        keywords=parse("keywords", cells.keywords, ()),
        excluded=parse("excluded", cells.keywords, ()),
        regions=parse("regions", cells.region_codes, ()),
        categories=parse("categories", cells.categories, ()),
        min_value=min_value,
        max_value=max_value,
        buyers_allow=tuple(cells.items(row.get("buyers_allow", ""))),
        buyers_deny=tuple(cells.items(row.get("buyers_deny", ""))),
        active=parse("active", cells.flag, True),
    )
    if not row.get("unspsc") and not row.get("keywords"):
        problems.append(
            CellProblem(
                "unspsc",
                "profil sans code UNSPSC ni mot-clé : il ne recevrait aucune alerte",
                "profile with neither a UNSPSC code nor a keyword: it would never be alerted",
            )
        )
    return profile, tuple(sorted(problems, key=lambda p: PROFILE_COLUMNS.index(p.column)))  # as the columns go


def profile_cells(p: Profile) -> dict[str, str]:
    """The cells `read_profile` reads back as the same profile (id aside)."""
    return {
        "profile_id": p.id,
        "profile_name": p.name,
        "active": "yes" if p.active else "no",
        "unspsc": joined(p.unspsc),
        "keywords": joined(p.keywords),
        "excluded": joined(p.excluded),
        "regions": joined(p.regions),
        "categories": joined(c.value for c in p.categories),
        "min_value": "" if p.min_value is None else str(p.min_value),
        "max_value": "" if p.max_value is None else str(p.max_value),
        "buyers_allow": joined(p.buyers_allow),
        "buyers_deny": joined(p.buyers_deny),
    }


def joined(values: Iterable[str]) -> str:
    """Items in one cell, separated by « ; »."""
    values = list(values)
    if any(cells.SEPARATOR in v for v in values):
        raise ValueError(f"an item contains the separator « {cells.SEPARATOR} »: {values}")
    return f"{cells.SEPARATOR} ".join(values)


def _oversized(column: str, items: list[str]) -> list[CellProblem]:
    if len(items) > MAX_ITEMS:
        return [CellProblem(column, f"plus de {MAX_ITEMS} éléments", f"more than {MAX_ITEMS} items")]
    if any(len(item) > MAX_ITEM for item in items):
        return [_too_long(column, MAX_ITEM)]
    return []


def _too_long(column: str, limit: int) -> CellProblem:
    return CellProblem(column, f"plus de {limit} caractères", f"more than {limit} characters")
