"""The organizers' spreadsheet (docs/organizers-csv.md): one row per organizer, with the columns
organizer_id, name, email, language (fr/en) and regions (« 01; 11 », or QC for all of Québec; left empty, every
region too, as in the console).

The file is the whole list: all or nothing, every error listed with its line and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from esja.digest.links import ORGANIZER_ID
from esja.digest.organizers import Organizer
from esja.matching import csv_cells as cells
from esja.matching.profiles_csv import CsvError
from esja.matching.regions import CANADA
from esja.model import Language

COLUMNS = ("organizer_id", "name", "email", "language", "regions")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class OrganizersFile:
    organizers: tuple[Organizer, ...] = ()
    errors: tuple[CsvError, ...] = ()


def read_organizers_csv(text: str) -> OrganizersFile:
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        return OrganizersFile(errors=(CsvError(1, None, "fichier vide", "empty file"),))
    rows = csv.reader(io.StringIO(text), delimiter=max((",", ";", "\t"), key=first_line.count))
    header = [name.strip().lower() for name in next(rows)]
    errors = [
        CsvError(1, name, "colonne inconnue", "unknown column") for name in header if name and name not in COLUMNS
    ]
    errors += [CsvError(1, name, "colonne manquante", "missing column") for name in COLUMNS if name not in header]
    if errors:
        return OrganizersFile(errors=tuple(errors))
    organizers: dict[str, Organizer] = {}
    end_of_previous = rows.line_num
    for row in rows:
        line, end_of_previous = end_of_previous + 1, rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        organizer = _organizer(line, values, errors)
        if organizer is None:
            continue
        if organizer.id in organizers:
            errors.append(CsvError(line, "organizer_id", "identifiant en double", "duplicate id"))
        organizers[organizer.id] = organizer
    if errors:
        return OrganizersFile(errors=tuple(errors))
    return OrganizersFile(tuple(organizers.values()))


def _organizer(line: int, values: dict[str, str], errors: list[CsvError]) -> Organizer | None:
    before = len(errors)
    for column in ("organizer_id", "name", "email", "regions"):
        if not values[column]:
            errors.append(CsvError(line, column, "valeur obligatoire", "value required"))

    def cell(column: str, parse: Callable[[str], T], fallback: T) -> T:
        if not values[column] and column != "language":  # reported above; the language defaults to French
            return fallback
        try:
            return parse(values[column])
        except cells.CellError as error:
            errors.append(CsvError(line, column, error.fr, error.en))
            return fallback

    if values["organizer_id"] and not ORGANIZER_ID.fullmatch(values["organizer_id"]):
        errors.append(
            CsvError(
                line,
                "organizer_id",
                "identifiant invalide (lettres minuscules, chiffres et traits d'union)",
                "invalid id (lower-case letters, digits and hyphens)",
            )
        )
    email = cell("email", cells.email, "")
    language: Language = cell("language", cells.language, "fr")
    regions: tuple[str, ...] = cell("regions", cells.region_codes, ())
    if CANADA in regions:
        errors.append(
            CsvError(line, "regions", "région invalide « CA » (01 à 17 ou QC)", 'invalid region "CA" (01 to 17 or QC)')
        )
    if len(errors) > before:
        return None
    return Organizer(values["organizer_id"], values["name"], email, language, regions)
